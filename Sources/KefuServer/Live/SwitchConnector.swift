import Vapor
import NIOCore
import NIOPosix
import KefuCore

/// Connects to a telephone switch's event socket and stores what it reports as canonical
/// CTI events: Asterisk's Manager Interface (AMI, TCP 5038) or FreeSWITCH's event socket
/// (ESL, TCP 8021, mod_callcenter events). Reconnects after a failure. The parsing and
/// mapping live in KefuCore (`AMIParser`/`AMIAdapter`, `ESLParser`/`ESLAdapter`); this is
/// only the socket; storing, and what follows it (voicemail orders, the built-in ACD, the
/// wallboards), is `CTIOutbox.ingest`, as for every other intake.
struct SwitchConnector {
    enum Kind: String { case ami, esl }

    let app: Application
    /// The company whose calls this switch carries: its events are stored as that company's.
    let company: UUID
    let kind: Kind
    let host: String
    let port: Int
    let username: String?
    let secret: String
    /// Stop after this many events (tests); nil runs until the process is stopped.
    let limit: Int?

    /// What to send after connecting.
    var greeting: String {
        switch kind {
        case .ami:
            return "Action: Login\r\nUsername: \(username ?? "")\r\nSecret: \(secret)\r\nEvents: on\r\n\r\n"
        case .esl:
            return "auth \(secret)\n\nevent plain CUSTOM callcenter::info\n\n"
        }
    }

    /// Runs one connection until it closes; returns how many events were stored.
    func runOnce() async throws -> Int {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { ch in
                ch.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch) }
            }
        var ami = AMIParser()
        let amiAdapter = AMIAdapter()
        var esl = ESLParser()
        var eslAdapter = ESLAdapter()
        var stored = 0
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: greeting))
            for try await buffer in inbound {
                let data = Data(buffer: buffer)
                let now = app.kefu.clock.now()
                var events: [CTIEvent] = []
                switch kind {
                case .ami:
                    for message in ami.feed(data) { events += amiAdapter.events(from: message, receivedAt: now) }
                    if let error = ami.lastError {
                        throw KefuError(.unauthorized, "switch_login_failed", "交换机拒绝登录或操作失败：\(error)")
                    }
                case .esl:
                    for frame in esl.feed(data) {
                        if frame.contentType == "command/reply", frame.headers["Reply-Text"]?.hasPrefix("-ERR") == true {
                            throw KefuError(.unauthorized, "switch_login_failed", "交换机拒绝登录：\(frame.headers["Reply-Text"] ?? "")")
                        }
                        if let event = frame.event { events += eslAdapter.events(from: event, receivedAt: now) }
                    }
                }
                if !events.isEmpty {
                    let fresh = try await CTIOutbox(app: app).ingest(events, company: company, source: kind.rawValue + ":" + host, receivedAt: now)
                    stored += fresh.count
                }
                if let limit, stored >= limit { break }
            }
        }
        return stored
    }
}

/// `kefu cti connect ami|esl --host H [--port P] [--username U] --secret S [--company CODE]`
struct CTIConnectCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "ami (Asterisk Manager Interface) or esl (FreeSWITCH event socket)") var kind: String
        @Option(name: "host", help: "The switch's address") var host: String?
        @Option(name: "port", help: "Default 5038 (AMI) or 8021 (ESL)") var port: Int?
        @Option(name: "username", help: "AMI user (manager.conf)") var username: String?
        @Option(name: "secret", help: "AMI secret or ESL password") var secret: String?
        @Option(name: "limit", help: "Stop after storing this many events (for tests)") var limit: Int?
        @Flag(name: "once", help: "Do not reconnect when the connection closes") var once: Bool
        @Option(name: "company", help: "The company whose calls the switch carries (default: the only company)") var company: String?
    }
    var help: String { "Connect to a switch's event socket and store its call events" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let kind = SwitchConnector.Kind(rawValue: signature.kind) else {
            context.console.error("error: use ami or esl")
            throw KefuError.badRequest("未知的交换机类型：\(signature.kind)")
        }
        guard let host = signature.host, let secret = signature.secret else {
            context.console.error("error: --host and --secret are required")
            throw KefuError.badRequest("缺少 --host 或 --secret")
        }
        let app = context.application
        try await DatabaseSetup.prepare(app)
        let company = try await TenantData.system(app.db).company(named: signature.company).requireID()
        let connector = SwitchConnector(app: app, company: company, kind: kind, host: host, port: signature.port ?? (kind == .ami ? 5038 : 8021),
                                        username: signature.username, secret: secret, limit: signature.limit)
        var total = 0
        while true {
            do {
                let n = try await connector.runOnce()
                total += n
                context.console.print("connection closed; \(n) event(s) stored (\(total) in all)")
            } catch let e as KefuError {
                context.console.error("error: \(e.reason)")
                throw e
            } catch {
                context.console.error("connection failed: \(error)")
                if signature.once { throw error }
            }
            if signature.once || (signature.limit.map { total >= $0 } ?? false) { return }
            try await Task.sleep(nanoseconds: 2_000_000_000)
        }
    }
}
