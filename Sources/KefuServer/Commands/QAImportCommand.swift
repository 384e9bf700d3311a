import Vapor
import Foundation
import KefuCore

/// `kefu qa import FILE.jsonl [--company CODE] [--branch CODE]`: stores and scores
/// transcripts in the database, as the import page does, for one company's branch (R11:
/// every contact belongs to one). Defaults: the only company, its only branch; with
/// several a clear error asks for the code. Each bad line is reported with its number on
/// stderr and skipped (exit status 2), the good ones are kept.
struct QAImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Transcripts, one JSON object per line (- for standard input)") var file: String
        @Option(name: "company", help: "Company code (default: the only company)") var company: String?
        @Option(name: "branch", help: "Branch code (default: the company's only branch)") var branch: String?
    }
    var help: String { "Store and score transcripts for quality inspection" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let now = app.kefu.clock.now()
        var branch: Branch?
        try await CommandErrors.report(context) {
            let (_, branchID) = try await UserAdmin(db: app.db, now: now).placement(company: signature.company, branch: signature.branch)
            guard let branchID else {
                throw KefuError(.unprocessableEntity, "branch_required", "该公司还没有分公司，请先用 kefu branch add 添加。")
            }
            branch = try await TenantData.system(app.db).branch(branchID)
        }
        guard let branch else { return }
        let input: FileHandle
        if signature.file == "-" { input = .standardInput } else {
            guard let h = FileHandle(forReadingAtPath: signature.file) else { QAScanCommand.fail("cannot open \(signature.file)") }
            input = h
        }
        var lines: [(Int, String)] = []
        try LineReader(handle: input).forEach { number, line, _ in
            if !line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { lines.append((number, line)) }
        }
        let service = ContactService(db: app.db, now: now, timeZone: app.kefu.settings.timeZone,
                                     company: app.kefu.settings.companyName, actor: "cli")
        var imported = 0, bad = 0
        for (number, line) in lines {
            do {
                try await service.ingest(try Transcript.parse(jsonLine: Substring(line)), source: "import", branch: branch)
                imported += 1
            } catch let e as KefuError {
                bad += 1
                FileHandle.standardError.write(Data("line \(number): \(e.reason)\n".utf8))
            } catch {
                bad += 1
                FileHandle.standardError.write(Data("line \(number): \(error)\n".utf8))
            }
        }
        context.console.print("imported \(imported) contact(s) into branch \(branch.code)" + (bad > 0 ? ", \(bad) line(s) refused" : ""))
        if bad > 0 { exit(2) }
    }
}
