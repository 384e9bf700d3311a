import Foundation
import Testing

/// R11.2: isolation is enforced in one place. Every read of a company-scoped model goes
/// through `TenantData` (`tenant.query`, `tenant.find`, `tenant.require`, or, for jobs,
/// the CLI and the demo, `TenantData.system(db)` — explicit, so a reviewer sees it). A
/// handler that writes `WorkOrder.query(on: req.db)` forgets the company filter; this lint
/// fails the build on it, naming file and line.
@Suite("Tenant isolation lint (R11.2)")
struct TenantIsolationLintTests {
    /// Where direct queries are the point: the data layer itself, and migrations (which run
    /// before any scope exists and move whole tables).
    static let exemptDirectories = ["Tenancy/", "Database/Migrations/"]

    /// The only direct queries allowed elsewhere, each (file, model) with its reason. Keep
    /// it this small: anything else uses `TenantData`.
    static let allowed: [(file: String, model: String, why: String)] = [
        ("Auth/Login.swift", "User",
         "sign-in finds the person by work ID before any scope exists: the scope is built from that very user"),
        ("Auth/UserAuthenticator.swift", "User",
         "the session cookie names a user id; loading that user is what establishes the scope"),
    ]

    @Test("no company-scoped model is queried outside the tenancy layer")
    func noDirectQueries() throws {
        let sources = Self.packageRoot.appendingPathComponent("Sources/KefuServer")
        let files = try Self.swiftFiles(under: sources)
        try #require(!files.isEmpty, "no sources found under \(sources.path)")
        let models = try Self.scopedModels(in: files)
        // The detection itself must work: the models the issue names are all found.
        let named: Set = ["User", "Department", "Customer", "WorkOrder", "SupervisionOrder", "Contact", "Chat", "CTIToken",
                          "IVRMenuVersion", "RosterRecord", "TrafficIntervalRecord", "ForecastRun", "ShiftSwapRecord",
                          "WorkforceProfile", "SLAPolicyRecord"]
        #expect(named.isSubset(of: models), "not detected as CompanyScoped: \(named.subtracting(models).sorted())")

        // Fluent's `find(_:on:)` (an unlabelled id first); a model's own labelled finder such as
        // `CTIToken.find(token:on:)` is code of its own and goes through `TenantData` inside.
        let alternatives = models.sorted().joined(separator: "|")
        let pattern = try NSRegularExpression(pattern: #"(?<![\w.])("# + alternatives + #")\s*\.\s*(query\s*\(\s*on\s*:|find\s*\((?!\s*\w+\s*:))"#)
        var offences: [String] = []
        for file in files {
            let relative = String(file.path.dropFirst(sources.path.count + 1))
            if Self.exemptDirectories.contains(where: { relative.hasPrefix($0) }) { continue }
            let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
            for (index, raw) in lines.enumerated() {
                let line = Self.withoutComment(raw)
                let range = NSRange(line.startIndex..., in: line)
                for match in pattern.matches(in: line, range: range) {
                    guard let r = Range(match.range(at: 1), in: line) else { continue }
                    let model = String(line[r])
                    if Self.allowed.contains(where: { $0.file == relative && $0.model == model }) { continue }
                    offences.append("Sources/KefuServer/\(relative):\(index + 1): \(model) queried directly — use tenant.query/find/require: \(raw.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        for o in offences { print(o) }
        #expect(offences.isEmpty, "\(offences.count) direct queries of company-scoped models:\n\(offences.joined(separator: "\n"))")
    }

    @Test("the allow-list names files that exist")
    func allowListIsCurrent() {
        let sources = Self.packageRoot.appendingPathComponent("Sources/KefuServer")
        for entry in Self.allowed {
            #expect(FileManager.default.fileExists(atPath: sources.appendingPathComponent(entry.file).path), "stale allow-list entry \(entry.file)")
        }
    }

    // MARK: helpers

    /// Tests/KefuServerTests/this file → the package root.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func swiftFiles(under dir: URL) throws -> [URL] {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        return e.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.map(\.standardizedFileURL)
            .sorted { $0.path < $1.path }
    }

    /// Every type declared (or extended) to conform to `CompanyScoped`.
    static func scopedModels(in files: [URL]) throws -> Set<String> {
        let decl = try NSRegularExpression(pattern: #"\b(?:class|struct|extension)\s+(\w+)\s*:[^{]*\bCompanyScoped\b"#)
        var found: Set<String> = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for m in decl.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let r = Range(m.range(at: 1), in: text) { found.insert(String(text[r])) }
            }
        }
        return found
    }

    /// The code part of a line: a `//` comment (not a `://` inside a URL string) removed.
    static func withoutComment(_ line: String) -> String {
        guard let r = line.range(of: #"(^|\s)//.*$"#, options: .regularExpression) else { return line }
        return String(line[..<r.lowerBound])
    }
}
