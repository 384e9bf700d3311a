import Vapor

/// `kefu cti token add --name NAME [--company CODE]`: prints a new switch token for CTI pushes.
struct CTICommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["token": CTITokenCommands(), "connect": CTIConnectCommand()] }
    var help: String { "CTI: telephone switch integration" }
}

struct CTITokenCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["add": CTITokenAddCommand()] }
    var help: String { "Switch tokens" }
}

struct CTITokenAddCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "name", help: "The switch's name, e.g. asterisk-1") var name: String?
        @Option(name: "company", help: "The company whose calls the switch carries (default: the only company)") var company: String?
    }
    var help: String { "Create a token a switch uses to push CTI events (printed once)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        do {
            var company: UUID?
            if let code = signature.company?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
                company = try await TenantData.system(app.db).company(code: code).requireID()
            }
            let token = try await CTIToken.add(name: signature.name ?? "", company: company, on: app.db, now: app.kefu.clock.now())
            context.console.print(token)
        } catch let e as KefuError {
            context.console.error("error: \(e.code): \(e.reason)")
            throw e
        }
    }
}
