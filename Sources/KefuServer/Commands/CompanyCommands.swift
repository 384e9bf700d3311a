import Vapor
import Fluent

/// `kefu company add --code CODE --name NAME [--hotline H]`
struct CompanyCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["add": CompanyAddCommand()] }
    var help: String { "Manage client companies (公司)" }
}

/// `kefu branch add --company CODE --code CODE --name NAME --hotline H [--welcome TEXT]`
struct BranchCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["add": BranchAddCommand()] }
    var help: String { "Manage branches (分公司) of a company" }
}

struct CompanyAddCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "code", help: "Company code: letters, digits, - and _") var code: String?
        @Option(name: "name", help: "Company name") var name: String?
        @Option(name: "hotline", help: "Hotline number (optional)") var hotline: String?
    }
    var help: String { "Add a client company" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandErrors.report(context) {
            let c = try await CompanyAdmin.cli(app).addCompany(code: signature.code ?? "", name: signature.name ?? "",
                                                               hotline: signature.hotline ?? "")
            context.console.print("added company \(c.code) \(c.name)" + (c.hotline.isEmpty ? "" : " (\(c.hotline))"))
        }
    }
}

struct BranchAddCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "company", help: "Code of the company") var company: String?
        @Option(name: "code", help: "Branch code: letters, digits, - and _") var code: String?
        @Option(name: "name", help: "Branch name") var name: String?
        @Option(name: "hotline", help: "The branch's hotline number") var hotline: String?
        @Option(name: "welcome", help: "IVR welcome with {company} {branch} {hotline} (default: the standard one)") var welcome: String?
    }
    var help: String { "Add a branch to a company" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandErrors.report(context) {
            guard let code = signature.company, !code.isEmpty else {
                throw KefuError.invalid([.init(field: "company", message: "请用 --company 指明公司")])
            }
            guard let hotline = signature.hotline, !hotline.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw KefuError.invalid([.init(field: "hotline", message: "请用 --hotline 指明分公司的热线号码")])
            }
            let admin = CompanyAdmin.cli(app)
            let company = try await admin.tenant.company(code: code)
            let b = try await admin.addBranch(company: company, code: signature.code ?? "", name: signature.name ?? "",
                                              hotline: hotline, welcome: signature.welcome)
            context.console.print("added branch \(company.code)/\(b.code) \(b.name) (\(b.hotline))")
        }
    }
}

extension CompanyAdmin {
    /// The command line acts for the whole center, audited as "cli".
    static func cli(_ app: Application) -> CompanyAdmin {
        let now = app.kefu.clock.now()
        return CompanyAdmin(tenant: .system(app.db), history: History(db: app.db, actorWorkId: "cli", ip: nil, now: now), now: now)
    }
}

/// One way every admin command reports a refusal: `error: code: reason` on stderr and a
/// non-zero exit.
enum CommandErrors {
    static func report(_ context: CommandContext, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let e as KefuError {
            context.console.error("error: \(e.code): \(e.reason)")
            throw e
        }
    }
}
