import Vapor
import Fluent
import SQLKit
import KefuCore

struct CustomerCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["import": CustomerImportCommand()] }
    var help: String { "Customer archive: import" }
}

/// `kefu customers import FILE.csv [--company CODE] [--branch CODE]`: a center's customer
/// list from a spreadsheet into one company's archive (`CustomerCSV` reads the columns).
/// A bad line is reported with its number on stderr and skipped (exit status 2); a number
/// already on file, or earlier in the file, is that customer and is skipped, never a second
/// one (one number, one customer). Rows are written 500 to a statement, in transactions of
/// 5,000, with a progress bar on a terminal and a line per tenth otherwise.
struct CustomerImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV with a header row: 姓名,电话,… (/dev/stdin to read a pipe)") var file: String
        @Option(name: "company", help: "Company code (default: the only company)") var company: String?
        @Option(name: "branch", help: "Branch code (default: the company's only branch)") var branch: String?
    }
    var help: String { "Import customers from a CSV file" }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("kefu customers import: \(message)\n".utf8))
        exit(1)
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let now = app.kefu.clock.now()
        var placed: (UUID, UUID?)?
        try await CommandErrors.report(context) {
            placed = try await UserAdmin(db: app.db, now: now).placement(company: signature.company, branch: signature.branch)
        }
        guard let (company, branch) = placed else { return }
        guard let data = FileManager.default.contents(atPath: signature.file) else { Self.fail("cannot open \(signature.file)") }
        guard let text = String(data: data, encoding: .utf8) else {
            Self.fail("\(signature.file) is not UTF-8 text (save the spreadsheet as “CSV UTF-8”)")
        }
        let parsed: (rows: [CustomerCSVRow], problems: [CustomerCSVProblem])
        switch CustomerCSV.parse(text) {
        case .failure(let p): Self.fail("line \(p.line): \(p.message)")
        case .success(let r): parsed = r
        }
        for p in parsed.problems { FileHandle.standardError.write(Data("line \(p.line): \(p.message)\n".utf8)) }

        // Numbers on file in this company: each is a customer already.
        struct Phones: Decodable { var phone: String; var phone2: String? }
        let onFile = try await (try app.db.sql()).select().columns("phone", "phone2").from(Customer.schema)
            .where("company_id", .equal, SQLBind(company)).all(decoding: Phones.self)
        var known = Set(onFile.flatMap { [$0.phone] + ($0.phone2.map { [$0] } ?? []) })
        var fresh: [CustomerCSVRow] = []
        var skipped = 0
        for row in parsed.rows {
            if known.contains(row.phone) { skipped += 1; continue }
            known.insert(row.phone)
            fresh.append(row)
        }

        let progress = ImportProgress(total: fresh.count)
        var imported = 0
        for start in stride(from: 0, to: fresh.count, by: 5_000) {
            let part = Array(fresh[start..<min(start + 5_000, fresh.count)])
            try await app.db.writeTransaction { tx in
                for chunk in stride(from: 0, to: part.count, by: 500) {
                    let customers = part[chunk..<min(chunk + 500, part.count)].map { r -> Customer in
                        let c = Customer(name: r.name, phone: r.phone, phone2: r.phone2, idNumber: r.idNumber, tier: r.tier,
                                         address: r.address, now: now)
                        c.companyID = company; c.branchID = branch
                        return c
                    }
                    try await customers.create(on: tx)
                }
            }
            imported += part.count
            progress.show(imported)
        }
        progress.finish()
        try await History(db: app.db, actorWorkId: "cli", ip: nil, now: now)
            .audit(action: "customer.import", objectType: "company", objectId: company.uuidString,
                   after: "\(imported) imported, \(skipped) already on file, \(parsed.problems.count) refused")
        context.console.print("imported \(imported) customer(s)"
            + (skipped > 0 ? ", \(skipped) already on file" : "")
            + (parsed.problems.isEmpty ? "" : ", \(parsed.problems.count) line(s) refused"))
        if !parsed.problems.isEmpty { exit(2) }
    }
}

/// The import's progress on stderr: a bar redrawn in place on a terminal; without one (a
/// job, a pipe), a plain line at each tenth.
final class ImportProgress {
    let total: Int
    private let terminal = isatty(STDERR_FILENO) == 1
    private var lastTenth = 0

    init(total: Int) { self.total = total }

    func show(_ done: Int) {
        guard total > 0 else { return }
        let percent = done * 100 / total
        if terminal {
            let filled = percent / 5
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 20 - filled)
            FileHandle.standardError.write(Data("\r\(bar) \(done)/\(total) (\(percent)%)".utf8))
        } else if percent / 10 > lastTenth {
            lastTenth = percent / 10
            FileHandle.standardError.write(Data("progress: \(done)/\(total) (\(percent)%)\n".utf8))
        }
    }

    func finish() {
        if terminal && total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
