import Foundation
import Testing
import VaporTesting
import Fluent
import SQLKit
import NIOCore
import NIOPosix
import KefuCore
@testable import KefuServer

/// What follows a stored CTI event is owed from the commit on: a failure or a crash after
/// it postpones the follow-ups but never loses them, and doing them again never doubles them.
@Suite("CTI outbox")
struct CTIOutboxTests {
    struct OutboxRow: Decodable { var id: Int64; var attempts: Int; var last_error: String?; var done_at: Date? }

    func outbox(_ app: Application) async throws -> [OutboxRow] {
        try await app.db.sql().select().columns("id", "attempts", "last_error", "done_at").from("cti_outbox")
            .orderBy("id").all(decoding: OutboxRow.self)
    }

    func voicemailOrders(_ app: Application) async throws -> [WorkOrder] {
        try await WorkOrder.query(on: app.db).filter(\.$channel == "voicemail").all()
    }

    func addComplaintHandler(_ app: Application) async throws {
        _ = try await UserAdmin(db: app.db, now: app.kefu.clock.now()).add(
            .init(workId: "4201", name: "申告", role: "complaint_handler", password: "secret123", department: nil),
            hasher: app.password.sync, history: nil)
    }

    func voicemail(_ id: String, at: Date, call: String = "m1", caller: String = "13700137000") -> [String: Any] {
        ["id": id, "type": "voicemail", "at": iso(at), "callId": call, "caller": caller]
    }

    @Test func aFailedFollowUpStaysOwedAndTheSweepMakesTheOrderOnce() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, _ in
            try await addComplaintHandler(app)
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            app.storage[CTIFollowUpFaultKey.self] = CTIFollowUpFault(failing: 1)

            // The order is written and then the follow-up fails before it commits.
            let r = try await switchPost(app, "/cti/events", token: token, json: [voicemail("vm1", at: clock.now())])
            #expect(r.status == .ok)
            #expect(r["accepted"] as? Int == 1)
            #expect((r["results"] as? [[String: Any]])?.first?["status"] as? String == "accepted")
            #expect(try await voicemailOrders(app).isEmpty)
            var rows = try await outbox(app)
            #expect(rows.count == 1)
            #expect(rows.first?.done_at == nil)
            #expect(rows.first?.attempts == 1)
            #expect(rows.first?.last_error?.contains("injected") == true)

            // Not due yet: the retry waits.
            #expect(try await CTIOutbox(app: app).sweep() == .init(done: 0, failed: 0))
            #expect(try await voicemailOrders(app).isEmpty)

            clock.advance(by: 6)
            #expect(try await CTIOutbox(app: app).sweep() == .init(done: 1, failed: 0))
            let orders = try await voicemailOrders(app)
            #expect(orders.count == 1)
            #expect(orders.first?.ownerWorkId == "4201")
            rows = try await outbox(app)
            #expect(rows.first?.done_at != nil)
            #expect(rows.first?.last_error == nil)
            #expect(rows.first?.attempts == 2)

            // The switch sends it again: a duplicate, still one order; nothing more is owed.
            let again = try await switchPost(app, "/cti/events", token: token, json: [voicemail("vm1", at: testStart)])
            #expect((again["results"] as? [[String: Any]])?.first?["status"] as? String == "duplicate")
            clock.advance(by: 600)
            #expect(try await CTIOutbox(app: app).sweep() == .init(done: 0, failed: 0))
            #expect(try await voicemailOrders(app).count == 1)
            #expect(try await outbox(app).count == 1)
        }
    }

    @Test func aCrashBetweenCommitAndFollowUpIsRepairedAfterRestart() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, _ in
            try await addComplaintHandler(app)
            // The process stores the events with their outbox row and dies before the follow-ups.
            let event = CTIEvent(id: "vm-crash", .voicemail, at: clock.now(), callId: "m9", caller: "13700137009")
            let (fresh, job) = try await CTIOutbox(app: app).store([event], company: try await TenantFixture.defaultCompanyID(app), source: "switch", receivedAt: clock.now())
            #expect(fresh == ["vm-crash"])
            // The outbox keys the voicemail by company and event id (event ids are per company).
            #expect(job?.voicemailEventIDs == [VoicemailOrders.key(company: try await TenantFixture.defaultCompanyID(app), eventID: "vm-crash")])
            #expect(try await voicemailOrders(app).isEmpty)

            // While the dead process's lease runs, nobody takes the row; after it, a restarted one does.
            let restarted = try await sibling(of: app, clock: clock)
            #expect(try await CTIOutbox(app: restarted).sweep() == .init(done: 0, failed: 0))
            clock.advance(by: 31)
            #expect(try await CTIOutbox(app: restarted).sweep() == .init(done: 1, failed: 0))
            try await restarted.asyncShutdown()
            let orders = try await voicemailOrders(app)
            #expect(orders.count == 1)
            #expect(orders.first?.subject.contains("13700137009") == true)
        }
    }

    @Test func runningTheProcessorTwiceAtOnceMakesOneOrder() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, _ in
            try await addComplaintHandler(app)
            var jobs: [CTIOutbox.Job] = []
            for i in 0..<4 {
                let event = CTIEvent(id: "vm-\(i)", .voicemail, at: clock.now(), callId: "c\(i)", caller: "1370013700\(i)")
                let (_, job) = try await CTIOutbox(app: app).store([event], company: try await TenantFixture.defaultCompanyID(app), source: "switch", receivedAt: clock.now())
                jobs += job.map { [$0] } ?? []
            }
            let noNumber = CTIEvent(id: "vm-anon", .voicemail, at: clock.now(), callId: "c-anon")
            jobs += try await CTIOutbox(app: app).store([noNumber], company: try await TenantFixture.defaultCompanyID(app), source: "switch", receivedAt: clock.now()).1.map { [$0] } ?? []
            #expect(jobs.count == 5)
            let second = try await sibling(of: app, clock: clock)

            // Two processes sweeping at once take different rows.
            clock.advance(by: 31)
            async let a = CTIOutbox(app: app).sweep()
            async let b = CTIOutbox(app: second).sweep()
            let swept = try await [a, b]
            #expect(swept.map(\.done).reduce(0, +) == 5)

            // Even the same batch run twice at once (a lease that ran out) makes each order once.
            async let c = CTIOutbox(app: app).process(jobs)
            async let d = CTIOutbox(app: second).process(jobs)
            _ = await [c, d]
            try await second.asyncShutdown()
            let orders = try await voicemailOrders(app)
            #expect(orders.count == 4)
            #expect(Set(orders.map(\.subject)).count == 4)
            let told = try await KefuNotification.query(on: app.db).filter(\.$recipientRole == Role.complaintHandler.rawValue).all()
            #expect(told.filter { $0.message.contains("c-anon") }.count == 1)
        }
    }

    /// `kefu cti connect ami` against a fake Asterisk: the events it stores are followed up
    /// like any other intake's (here the built-in ACD offers the queued call), and the
    /// connector's store function makes voicemail orders.
    @Test func theSwitchConnectorFollowsUpLikeEveryIntake() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, _ in
            try await addComplaintHandler(app)
            try await AppSettings.set(BuiltInACD.key, "on", on: app.db)
            let stream = [
                "Response: Success", "Message: Authentication accepted", "",
                "Event: AgentLogin", "Agent: 1001", "",
                "Event: QueueCallerJoin", "CallerIDNum: 13800138000", "Uniqueid: 1780448400.101", "Linkedid: 1780448400.101",
                "Queue: inbound", "Position: 1", "Count: 1", "", "",
            ].joined(separator: "\r\n")
            let (port, server) = try await fakeSwitch(greeting: "Asterisk Call Manager/6.0.0\r\n", stream: stream)
            let connector = SwitchConnector(app: app, company: try await TenantFixture.defaultCompanyID(app), kind: .ami, host: "127.0.0.1", port: port, username: "kefu", secret: "s3cret", limit: nil)
            #expect(try await connector.runOnce() == 2)
            try await server.value
            let live = try await app.live.state(company: try await TenantFixture.defaultCompanyID(app), on: app.db, now: clock.now())
            #expect(live.agent("1001")?.callId == "1780448400.101")
            #expect(live.agent("1001")?.state == .reserved)
            #expect(try await outbox(app).allSatisfy { $0.done_at != nil })

            let event = CTIEvent(id: "ami:vm", .voicemail, at: clock.now(), callId: "1780448400.102", caller: "13700137002")
            #expect(try await CTIOutbox(app: app).ingest([event], company: try await TenantFixture.defaultCompanyID(app), source: "ami:127.0.0.1", receivedAt: clock.now()) == ["ami:vm"])
            #expect(try await voicemailOrders(app).count == 1)
        }
    }

    @Test func zammadPushesAreFollowedUpToo() async throws {
        try await withKefu { app, _ in
            try await addComplaintHandler(app)
            let token = try await CTIToken.add(name: "zammad-pbx", on: app.db, now: app.kefu.clock.now())
            let r = try await switchPost(app, "/cti/\(token)", token: nil,
                                         form: ["event": "newCall", "from": "13800138000", "to": "4001", "direction": "in", "callId": "z1"])
            #expect(r.status == .ok)
            let rows = try await outbox(app)
            #expect(rows.count == 1)
            #expect(rows.first?.done_at != nil)
        }
    }

    /// A one-connection server: greets, waits for the login, replays `stream`, closes.
    func fakeSwitch(greeting: String, stream: String) async throws -> (Int, Task<Void, any Error>) {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { ch in
                ch.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch) }
            }
        let port = server.channel.localAddress?.port ?? 0
        let task = Task {
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    try await connection.executeThenClose { input, output in
                        try await output.write(ByteBuffer(string: greeting))
                        var login = ""
                        for try await chunk in input {
                            login += String(buffer: chunk)
                            if login.contains("\r\n\r\n") { break }
                        }
                        try await output.write(ByteBuffer(string: stream))
                    }
                    return
                }
            }
        }
        return (port, task)
    }
}
