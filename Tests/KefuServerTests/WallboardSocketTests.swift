import Foundation
import Testing
import VaporTesting
import NIOConcurrencyHelpers
import SQLKit
import KefuCore
@testable import KefuServer

/// A wallboard as the browser holds it: a real WebSocket on a running server, collecting the
/// top-level `waiting` of every frame.
final class WallboardSocket: Sendable {
    private let frames = NIOLockedValueBox<[Int]>([])
    private let socket = NIOLockedValueBox<WebSocket?>(nil)

    /// `query` names the company (`company=CODE`); without it the person's own.
    static func open(_ app: Application, token: String, query: String = "") async throws -> WallboardSocket {
        let port = try #require(app.http.server.shared.localAddress?.port)
        let board = WallboardSocket()
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        try await WebSocket.connect(to: "ws://127.0.0.1:\(port)/wallboard/ws" + (query.isEmpty ? "" : "?" + query), headers: headers, on: app.eventLoopGroup) { ws in
            board.socket.withLockedValue { $0 = ws }
            ws.onText { _, text in
                let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                board.frames.withLockedValue { $0.append(json?["waiting"] as? Int ?? -1) }
            }
        }.get()
        _ = try await board.waitFor { !$0.isEmpty }
        return board
    }

    var received: [Int] { frames.withLockedValue { $0 } }

    /// Polls until `check` holds for the frames so far (or 5 s pass).
    func waitFor(_ check: @Sendable ([Int]) -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if check(received) { return true }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        return check(received)
    }

    func close() async throws { try await socket.withLockedValue { $0 }?.close().get() }
}

@Suite("Wallboard sockets")
struct WallboardSocketTests {
    func enqueued(_ call: String, at: Date) -> [[String: Any]] {
        [["id": call, "type": "enqueued", "at": iso(at), "callId": call, "queue": "inbound", "caller": "13800138000"]]
    }

    func serve(_ app: Application) async throws {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
    }

    @Test func aScreenGetsTheSnapshotThenEachChangeOnceAndFloodsAreFolded() async throws {
        try await withKefu { app, u in
            try await serve(app)
            let token = try await CTIToken.add(name: "switch", on: app.db, now: app.kefu.clock.now())
            let board = try await WallboardSocket.open(app, token: u.shiftLead)
            let w0 = board.received[0]

            #expect(try await switchPost(app, "/cti/events", token: token, json: enqueued("s1", at: app.kefu.clock.now())).status == .ok)
            #expect(try await board.waitFor { $0.last == w0 + 1 })

            // Nothing changed: no frame is sent for a bare "changed".
            let before = board.received.count
            app.wallboard.changed()
            try await Task.sleep(nanoseconds: 300_000_000)
            #expect(board.received.count == before)

            // Thirty events as fast as they come: every one is shown, and the screen gets at
            // most one frame per window however fast they arrive.
            let start = DispatchTime.now().uptimeNanoseconds
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<30 {
                    group.addTask { _ = try await switchPost(app, "/cti/events", token: token, json: enqueued("f\(i)", at: app.kefu.clock.now())) }
                }
                try await group.waitForAll()
            }
            #expect(try await board.waitFor { $0.last == w0 + 31 })
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            let frames = board.received.dropFirst(before)
            #expect(frames.count <= Int(elapsed / UInt64(WallboardHub.window.nanoseconds)) + 2)
            #expect(frames.elementsEqual(frames.sorted()))
            try await board.close()
            await app.server.shutdown()
        }
    }

    /// Two `kefu serve` processes on one PostgreSQL: an event stored by either reaches the
    /// screens of both (LISTEN/NOTIFY). SQLite is one process by design, so this needs
    /// KEFU_TEST_POSTGRES_URL.
    @Test func anEventStoredByOneProcessReachesTheScreensOfTheOther() async throws {
        try await withKefu { app, u in
            guard case .postgres = app.kefu.settings.database else { return }
            // `app` was booted by VaporTesting's synchronous boot, which skips the async
            // lifecycle handlers; start its listener as `kefu serve` would.
            try await LiveListenerLifecycle().didBootAsync(app)
            let second = try await sibling(of: app, clock: app.kefu.clock)
            try await serve(app)
            try await serve(second)
            // Both listeners connect in the background; wait until both have said LISTEN.
            for _ in 0..<500 {
                struct Row: Decodable { var n: Int }
                let row = try await (app.db as! any SQLDatabase)
                    .raw("SELECT CAST(COUNT(*) AS INTEGER) AS n FROM pg_stat_activity WHERE query ILIKE 'LISTEN%kefu_live%'")
                    .first(decoding: Row.self)
                if (row?.n ?? 0) >= 2 { break }
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            let token = try await CTIToken.add(name: "switch", on: app.db, now: app.kefu.clock.now())
            let here = try await WallboardSocket.open(app, token: u.shiftLead)
            let there = try await WallboardSocket.open(second, token: u.shiftLead)
            let w0 = here.received[0]
            #expect(there.received[0] == w0)

            #expect(try await switchPost(app, "/cti/events", token: token, json: enqueued("p1", at: app.kefu.clock.now())).status == .ok)
            #expect(try await there.waitFor { $0.last == w0 + 1 })
            #expect(try await here.waitFor { $0.last == w0 + 1 })
            #expect(try await switchPost(second, "/cti/events", token: token, json: enqueued("p2", at: app.kefu.clock.now())).status == .ok)
            #expect(try await here.waitFor { $0.last == w0 + 2 })
            #expect(try await there.waitFor { $0.last == w0 + 2 })

            try await here.close()
            try await there.close()
            await app.server.shutdown()
            await second.server.shutdown()
            try await second.asyncShutdown()
        }
    }
}
