import Vapor
import Fluent

/// `kefu demo [--port P]`: migrate, load demo data once, print the logins, serve.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "port", short: "p", help: "Port (default 8080)") var port: Int?
        @Option(name: "hostname", short: "H", help: "Host (default 127.0.0.1)") var hostname: String?
    }
    var help: String { "Migrate, load demo data and serve" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        // No sweep until the center is loaded whole (see `SweeperGate`).
        app.sweeperGate.hold()
        let loaded: Bool
        do {
            try await app.autoMigrate()
            try await DatabaseSetup.prepare(app)
            loaded = try await DemoData(app: app).loadIfEmpty()
        } catch {
            app.sweeperGate.release()
            throw error
        }
        app.sweeperGate.release()
        let host = signature.hostname ?? "127.0.0.1"
        let port = signature.port ?? 8080
        context.console.print(loaded ? "已载入演示数据。" : "数据库已有数据，未重复载入演示数据。")
        context.console.print("Kefu demo: http://\(host):\(port)")
        context.console.print("演示账号（密码均为 \(DemoData.password)）：")
        context.console.print(" \(app.kefu.settings.companyName)（HQ，本中心）：")
        for u in DemoData.users {
            let also = DemoCompanies.granted.contains(u.workId) ? "  （另可为 \(DemoCompanies.clientName) 工作）" : ""
            context.console.print("  \(u.workId)  \(u.name)  \(u.role)\(also)")
        }
        context.console.print("  \(DemoWorkforce.firstAgent)–\(DemoWorkforce.firstAgent + DemoWorkforce.agentCount - 1)  排班演示话务员  agent")
        context.console.print(" \(DemoCompanies.clientName)（\(DemoCompanies.clientCode)，客户公司）：")
        for u in DemoCompanies.users { context.console.print("  \(u.workId)  \(u.name)  \(u.role)") }
        context.console.print("演示交换机令牌（仅供本机演示，推送话务事件用）：\(DemoLive.switchToken)")
        guard let serve = app.asyncCommands.commands["serve"] else { return }
        var ctx = CommandContext(console: context.console, input: CommandInput(arguments: ["kefu", "--hostname", host, "--port", String(port)]))
        ctx.application = app
        try await serve.run(using: &ctx)
    }
}
