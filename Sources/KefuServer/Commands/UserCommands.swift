import Vapor
import Fluent

/// `kefu user add --work-id ID --name NAME --role ROLE --password PW [--department NAME [--create-department]]
/// [--company CODE] [--branch CODE]`, `kefu user grant|revoke --work-id ID --company CODE`
struct UserCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["add": UserAddCommand(), "grant": UserGrantCommand(), "revoke": UserRevokeCommand()] }
    var help: String { "Manage users" }
}

struct UserAddCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "work-id", help: "Work ID (工号)") var workId: String?
        @Option(name: "name", help: "Name") var name: String?
        @Option(name: "role", help: "agent, vip_agent, outbound_agent, team_lead, shift_lead, qc_inspector, knowledge_editor, complaint_handler, liaison, planner, admin") var role: String?
        @Option(name: "password", help: "Password (at least 8 characters)") var password: String?
        @Option(name: "department", help: "Department (must exist, see --create-department)") var department: String?
        @Flag(name: "create-department", help: "Create the department if it does not exist yet") var createDepartment: Bool
        @Option(name: "company", help: "Company code (default: the only company)") var company: String?
        @Option(name: "branch", help: "Branch code (default: the company's only branch)") var branch: String?
    }
    var help: String { "Add a user" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let admin = UserAdmin(db: app.db, now: app.kefu.clock.now())
        do {
            let user = try await admin.add(.init(workId: signature.workId ?? "", name: signature.name ?? "", role: signature.role ?? "",
                                                 password: signature.password ?? "", department: signature.department,
                                                 company: signature.company, branch: signature.branch),
                                           createDepartment: signature.createDepartment, hasher: app.password.sync, history: History(db: app.db, actorWorkId: "cli", ip: nil, now: app.kefu.clock.now()))
            context.console.print("added \(user.workId) \(user.name) (\(user.role))")
        } catch let e as KefuError where e.code == "unknown_department" {
            context.console.error("错误：\(e.reason)如确需新建该部门，请加 --create-department。")
            throw e
        } catch let e as KefuError {
            context.console.error("error: \(e.code): \(e.reason)")
            throw e
        }
    }
}

/// `kefu user grant --work-id ID --company CODE`: a person of the operating company may
/// also work for a client company (an admin, planner, QC inspector or a shared agent).
struct UserGrantCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "work-id", help: "Work ID (工号) of a person of the operating company") var workId: String?
        @Option(name: "company", help: "Code of the company they may work for") var company: String?
    }
    var help: String { "Let a user work for another company" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandErrors.report(context) {
            let admin = CompanyAdmin.cli(app)
            let company = try await admin.tenant.company(code: try UserGrantCommand.required(signature.company, "company"))
            let workId = try UserGrantCommand.required(signature.workId, "work-id")
            _ = try await admin.grant(workId: workId, company: company)
            context.console.print("granted \(workId) access to company \(company.code)")
        }
    }

    static func required(_ value: String?, _ option: String) throws -> String {
        guard let v = value?.trimmingCharacters(in: .whitespaces), !v.isEmpty else {
            throw KefuError.invalid([.init(field: option, message: "请用 --\(option) 指明")])
        }
        return v
    }
}

/// `kefu user revoke --work-id ID --company CODE`: ends a grant.
struct UserRevokeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "work-id", help: "Work ID (工号)") var workId: String?
        @Option(name: "company", help: "Code of the company") var company: String?
    }
    var help: String { "End a user's access to another company" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandErrors.report(context) {
            let admin = CompanyAdmin.cli(app)
            let company = try await admin.tenant.company(code: try UserGrantCommand.required(signature.company, "company"))
            let workId = try UserGrantCommand.required(signature.workId, "work-id")
            try await admin.revoke(workId: workId, company: company)
            context.console.print("revoked \(workId) access to company \(company.code)")
        }
    }
}
