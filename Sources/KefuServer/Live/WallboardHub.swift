import Vapor
import NIOCore
import NIOConcurrencyHelpers

/// This process's open wallboards. When the floor changes (an event stored here, or a
/// NOTIFY from another process) the snapshot is computed once and sent to every screen,
/// at most every 100 ms however fast events arrive.
final class WallboardHub: Sendable {
    private struct Clients: Sendable { var sockets: [UUID: WebSocket] = [:]; var scheduled = false; var lastSent: UInt64 = 0 }
    private let clients = NIOLockedValueBox(Clients())
    private let app: NIOLockedValueBox<Application?> = .init(nil)

    static let debounce: TimeAmount = .milliseconds(100)

    func attach(_ app: Application) { self.app.withLockedValue { $0 = app } }

    func add(_ ws: WebSocket) -> UUID {
        let id = UUID()
        clients.withLockedValue { $0.sockets[id] = ws }
        return id
    }

    func remove(_ id: UUID) { clients.withLockedValue { _ = $0.sockets.removeValue(forKey: id) } }

    var count: Int { clients.withLockedValue { $0.sockets.count } }

    /// Broadcasts at once when nothing was sent in the last 100 ms, otherwise once at the end
    /// of that window: the first change is never held back, and a flood of events costs at
    /// most ten snapshots a second. (A 50 ms window was measured worse under a steady 20
    /// events/s: twice the frames for 500 screens, p99 ≈ 300 ms instead of ≈ 200 ms.)
    func changed() {
        guard let app = app.withLockedValue({ $0 }) else { return }
        let delay = clients.withLockedValue { c -> TimeAmount? in
            if c.scheduled || c.sockets.isEmpty { return nil }
            c.scheduled = true
            let since = DispatchTime.now().uptimeNanoseconds &- c.lastSent
            return since >= UInt64(Self.debounce.nanoseconds) ? .zero : .nanoseconds(Self.debounce.nanoseconds - Int64(since))
        }
        guard let delay else { return }
        app.eventLoopGroup.next().scheduleTask(in: delay) {
            Task { await self.broadcast(app) }
        }
    }

    func broadcast(_ app: Application) async {
        clients.withLockedValue { $0.scheduled = false; $0.lastSent = DispatchTime.now().uptimeNanoseconds }
        do {
            let snapshot = try await LiveSnapshot.current(app, db: app.db, now: app.kefu.clock.now())
            let text = String(decoding: try JSONCoding.encoder(timeZone: app.kefu.settings.timeZone).encode(snapshot), as: UTF8.self)
            // Each socket writes on its own event loop; nothing waits for a slow screen.
            for ws in clients.withLockedValue({ Array($0.sockets.values) }) { ws.send(text, promise: nil) }
        } catch {
            app.logger.warning("wallboard broadcast failed: \(String(describing: error))")
        }
    }
}

extension Application {
    private struct WallboardKey: StorageKey { typealias Value = WallboardHub }

    var wallboard: WallboardHub {
        get { storage[WallboardKey.self]! }
        set { storage[WallboardKey.self] = newValue }
    }
}
