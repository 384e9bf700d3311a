import Vapor
import Fluent
import SQLKit
import KefuCore

struct CustomerCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] {
        ["import": CustomerImportCommand(), "values": CustomerValuesCommand(), "retier": CustomerRetierCommand()]
    }
    var help: String { "Customer archive: import, values, retier" }
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
        let sealer = app.kefu.sealer
        var imported = 0
        for start in stride(from: 0, to: fresh.count, by: 5_000) {
            let part = Array(fresh[start..<min(start + 5_000, fresh.count)])
            try await app.db.writeTransaction { tx in
                for chunk in stride(from: 0, to: part.count, by: 500) {
                    let customers = try part[chunk..<min(chunk + 500, part.count)].map { r throws -> Customer in
                        let c = Customer(name: r.name, phone: r.phone, phone2: r.phone2, idNumberSealed: try sealer.seal(r.idNumber), tier: r.tier,
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

/// `kefu customers values FILE.csv [--company CODE] [--period YYYY-MM]`: finance's monthly
/// revenue/profit per customer (电话,账期,收入,利润) into the company's figures (R5.2). A
/// month already on file for a customer is replaced, never doubled; bad lines and numbers
/// nobody in the company holds are reported by line on stderr (exit status 2).
struct CustomerValuesCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV with a header row: 电话,账期,收入,利润 (/dev/stdin to read a pipe)") var file: String
        @Option(name: "company", help: "Company code (default: the only company)") var company: String?
        @Option(name: "period", help: "The month of every row (YYYY-MM) when the file has no 账期 column") var period: String?
    }
    var help: String { "Import customers' monthly revenue and profit from a CSV file" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var period: CustomerPeriod?
        if let raw = signature.period {
            guard let p = CustomerPeriod(raw) else {
                FileHandle.standardError.write(Data("kefu customers values: --period must be a month like 2026-11\n".utf8)); exit(1)
            }
            period = p
        }
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            FileHandle.standardError.write(Data("kefu customers values: cannot open \(signature.file)\n".utf8)); exit(1)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            FileHandle.standardError.write(Data("kefu customers values: \(signature.file) is not UTF-8 text\n".utf8)); exit(1)
        }
        try await CommandErrors.report(context) {
            let company = try await WorkforceCompany.named(signature.company, on: app.db)
            let tiering = CustomerTiering(company: company, now: app.kefu.clock.now(), timeZone: app.kefu.settings.timeZone)
            let result = try await tiering.importSheet(text, period: period, by: "cli")
            for p in result.problems { FileHandle.standardError.write(Data("line \(p.line): \(p.message)\n".utf8)) }
            context.console.print("stored \(result.stored) row(s)" + (result.problems.isEmpty ? "" : ", \(result.problems.count) line(s) refused"))
            if !result.problems.isEmpty { exit(2) }
        }
    }
}

/// `kefu customers retier [--company CODE]`: what the monthly job does, now — each customer
/// with figures in the policy's window gets the tier their value earns, every move logged
/// with its reason (R5.2). Prints the window and how many moved.
struct CustomerRetierCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "company", help: "Company code (default: every company)") var company: String?
    }
    var help: String { "Recompute customer tiers from revenue or profit" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandErrors.report(context) {
            let companies: [WorkforceCompany]
            if let code = signature.company {
                companies = [try await WorkforceCompany.named(code, on: app.db)]
            } else {
                var all: [WorkforceCompany] = []
                for id in try await CompanySettings.companyIDs(on: app.db) { all.append(try await WorkforceCompany.of(id, in: .system(app.db))) }
                companies = all
            }
            for company in companies {
                let tiering = CustomerTiering(company: company, now: app.kefu.clock.now(), timeZone: app.kefu.settings.timeZone)
                let r = try await tiering.retier(month: tiering.thisMonth, actor: "cli")
                let window = r.window.isEmpty ? "-" : "\(r.window.first ?? "")..\(r.window.last ?? "")"
                context.console.print("\(company.code): window \(window), \(r.examined) customer(s) with figures, \(r.changed) tier change(s)")
            }
        }
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
