import Vapor
import Fluent
import SQLKit
import KefuCore

struct AttendanceCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["import": AttendanceImportCommand()] }
    var help: String { "Attendance: import a clock machine's punches" }
}

/// `kefu attendance import FILE.csv [--company CODE]`: a clock machine's export (工号,时间,
/// 上班/下班; `AttendanceCSV` reads it) into the company's punches, source "import". A bad
/// line, or a work ID nobody in the company has, is reported by its number on stderr and
/// skipped (exit status 2); a punch already kept (the same file imported again) is counted,
/// never stored twice.
struct AttendanceImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV: 工号,时间,上班/下班 (a header row is optional; /dev/stdin to read a pipe)") var file: String
        @Option(name: "company", help: "Company code (default: the only company)") var company: String?
    }
    var help: String { "Import punches from a clock machine's CSV file" }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("kefu attendance import: \(message)\n".utf8))
        exit(1)
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let now = app.kefu.clock.now()
        var found: WorkforceCompany?
        try await CommandErrors.report(context) { found = try await WorkforceCompany.named(signature.company, on: app.db) }
        guard let company = found else { return }
        guard let data = FileManager.default.contents(atPath: signature.file) else { Self.fail("cannot open \(signature.file)") }
        guard let text = String(data: data, encoding: .utf8) else { Self.fail("\(signature.file) is not UTF-8 text (save it as “CSV UTF-8”)") }
        let parsed = AttendanceCSV.parse(text, timeZone: app.kefu.settings.timeZone)
        var problems = parsed.problems
        let people = Set(try await company.data.query(User.self).filter(\.$companyID == company.id).all().map(\.workId))
        let rows = parsed.rows.filter { row in
            if people.contains(row.workId) { return true }
            problems.append(.init(line: row.line, message: "工号 \(row.workId) 不是 \(company.name) 的人员"))
            return false
        }
        for p in problems.sorted(by: { $0.line < $1.line }) { FileHandle.standardError.write(Data("line \(p.line): \(p.message)\n".utf8)) }
        var imported = 0
        for start in stride(from: 0, to: rows.count, by: 1_000) {
            let part = Array(rows[start..<min(start + 1_000, rows.count)])
            imported += try await app.db.writeTransaction { tx in
                var added = 0
                for r in part {
                    // The unique (company, person, time, kind) key keeps a punch once.
                    let inserted = try await tx.sql().insert(into: AttendancePunch.schema)
                        .columns("id", "company_id", "work_id", "at", "kind", "source", "recorded_by", "created_at")
                        .values(SQLBind(UUID()), SQLBind(company.id), SQLBind(r.workId), SQLBind(r.at), SQLBind(r.kind.rawValue),
                                SQLBind(PunchSource.import.rawValue), SQLBind("import"), SQLBind(now))
                        .ignoringConflicts().returning("id").all()
                    added += inserted.count
                }
                return added
            }
        }
        try await History(db: app.db, actorWorkId: "cli", ip: nil, now: now)
            .audit(action: "attendance.import", objectType: "company", objectId: company.id.uuidString,
                   after: "\(imported) imported, \(rows.count - imported) already kept, \(problems.count) refused")
        context.console.print("imported \(imported) punch(es)" + (rows.count > imported ? ", \(rows.count - imported) already kept" : "")
                              + (problems.isEmpty ? "" : ", \(problems.count) line(s) refused"))
        if !problems.isEmpty { exit(2) }
    }
}
