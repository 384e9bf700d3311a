import Foundation

/// What changed between two versions of an article (R6.1: every publish is a version and
/// the difference is shown), line by line, from the standard library's
/// `CollectionDifference` rather than a diff of our own.
public enum ArticleDiff {
    public enum Kind: String, Sendable, Codable { case same, added, removed }

    public struct Line: Equatable, Sendable, Codable {
        public var kind: Kind
        public var text: String
        public init(_ kind: Kind, _ text: String) { self.kind = kind; self.text = text }
    }

    public static func lines(from old: String, to new: String) -> [Line] {
        let a = old.components(separatedBy: "\n"), b = new.components(separatedBy: "\n")
        let diff = b.difference(from: a)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in diff {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var out: [Line] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) { out.append(Line(.removed, a[i])); i += 1; continue }
            if j < b.count, inserted.contains(j) { out.append(Line(.added, b[j])); j += 1; continue }
            if i < a.count, j < b.count { out.append(Line(.same, b[j])) }
            i += 1; j += 1
        }
        return out
    }
}
