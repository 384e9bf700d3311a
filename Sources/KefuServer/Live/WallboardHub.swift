import Vapor
import NIOCore
import NIOConcurrencyHelpers

/// This process's open wallboards. When the floor changes (an event stored here, or a
/// NOTIFY from another process) the snapshot is computed once and sent to every screen,
/// at most every 100 ms however fast events arrive.
final class WallboardHub: Sendable {
    private struct Clients: Sendable { var sockets: [UUID: WebSocket] = [:]; var scheduled = false }
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

    /// Schedules one broadcast; calls within the debounce window share it.
    func changed() {
        guard let app = app.withLockedValue({ $0 }) else { return }
        let first = clients.withLockedValue { c -> Bool in
            if c.scheduled || c.sockets.isEmpty { return false }
            c.scheduled = true
            return true
        }
        guard first else { return }
        app.eventLoopGroup.next().scheduleTask(in: Self.debounce) {
            Task { await self.broadcast(app) }
        }
    }

    func broadcast(_ app: Application) async {
        clients.withLockedValue { $0.scheduled = false }
        do {
            let snapshot = try await LiveSnapshot.current(app, db: app.db, now: app.kefu.clock.now())
            let text = String(decoding: try JSONCoding.encoder(timeZone: app.kefu.settings.timeZone).encode(snapshot), as: UTF8.self)
            for ws in clients.withLockedValue({ Array($0.sockets.values) }) { try? await ws.send(text) }
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
