import Foundation

/// The piece of a found row's text worth showing: a window around the first place a query
/// word occurs, with the words marked. Matched the way the index matches (folded text:
/// 張 finds 张, ＡＢ finds ab), shown in the text's own characters.
public enum SearchSnippet {
    public struct Piece: Equatable, Sendable, Codable {
        public var text: String
        public var mark: Bool
        public init(_ text: String, mark: Bool) { self.text = text; self.mark = mark }
    }

    /// `text` cut to about `width` characters around the first match (the start when none),
    /// split into marked and plain pieces.
    public static func pieces(_ text: String, query: String, width: Int = 60) -> [Piece] {
        let original = Array(text.unicodeScalars)
        guard !original.isEmpty else { return [] }
        let folded = TextFolder.shared.fold(text)
        let words = SearchGrams.runs(query).filter { $0.count >= SearchGrams.minimumQueryCharacters }
        // Marked ranges in original scalar offsets.
        var marks: [Range<Int>] = []
        for word in words {
            var i = 0
            while i + word.count <= folded.scalars.count {
                if folded.scalars[i..<(i + word.count)].elementsEqual(word) {
                    let start = folded.originalOffsets[i], end = folded.originalOffsets[i + word.count - 1] + 1
                    // Folding drops spaces and punctuation: a match across a gap is not the word.
                    if end - start == word.count { marks.append(start..<end) }
                    i += word.count
                } else {
                    i += 1
                }
            }
        }
        marks.sort { $0.lowerBound < $1.lowerBound }
        let first = marks.first?.lowerBound ?? 0
        let from = max(0, min(first - width / 4, original.count - width))
        let to = min(original.count, from + width)
        var pieces: [Piece] = []
        var at = from
        func add(_ r: Range<Int>, mark: Bool) {
            guard !r.isEmpty else { return }
            pieces.append(Piece(String(String.UnicodeScalarView(original[r])), mark: mark))
        }
        if from > 0 { pieces.append(Piece("…", mark: false)) }
        for m in marks where m.lowerBound >= at && m.upperBound <= to {
            add(at..<m.lowerBound, mark: false)
            add(m, mark: true)
            at = m.upperBound
        }
        add(at..<to, mark: false)
        if to < original.count { pieces.append(Piece("…", mark: false)) }
        return pieces
    }
}
