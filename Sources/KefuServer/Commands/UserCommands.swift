import Vapor
import Fluent

/// `kefu user add --work-id ID --name NAME --role ROLE --password PW [--department NAME [--create-department]]`
struct UserCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["add": UserAddCommand()] }
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
    }
    var help: String { "Add a user" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let admin = UserAdmin(db: app.db, now: app.kefu.clock.now())
        do {
            let user = try await admin.add(.init(workId: signature.workId ?? "", name: signature.name ?? "", role: signature.role ?? "",
                                                 password: signature.password ?? "", department: signature.department),
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
