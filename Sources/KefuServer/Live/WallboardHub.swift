import Vapor
import NIOCore
import NIOConcurrencyHelpers

/// This process's open wallboards. When the floor changes (an event stored here, or a
/// NOTIFY from another process) the snapshot is computed once, encoded once, and the same
/// bytes are written to every screen.
///
/// Pacing: a change with no broadcast running is sent at once; changes that arrive while one
/// is running (or within `window` of its start) are folded into a single next broadcast. So
/// an isolated event is never held back, a steady stream is sent as it comes, and a flood
/// costs at most one snapshot per `window` (40 a second), whatever the event rate. A
/// snapshot equal to the last one sent (apart from its time) is not sent again.
final class WallboardHub: Sendable {
    private struct State: Sendable {
        var sockets: [UUID: WebSocket] = [:]
        /// A change not yet broadcast.
        var dirty = false
        /// A broadcaster is running or scheduled; it sends until nothing is dirty.
        var active = false
        var lastStart: UInt64 = 0
        var lastSent: LiveSnapshot?
    }
    private let state = NIOLockedValueBox(State())
    private let app: NIOLockedValueBox<Application?> = .init(nil)

    /// Names this process in NOTIFY payloads, so its listener can skip its own notices
    /// (it has already told its wallboards directly).
    let origin = UUID().uuidString

    static let window: TimeAmount = .milliseconds(25)

    func attach(_ app: Application) { self.app.withLockedValue { $0 = app } }

    func add(_ ws: WebSocket) -> UUID {
        let id = UUID()
        state.withLockedValue { $0.sockets[id] = ws }
        return id
    }

    func remove(_ id: UUID) { state.withLockedValue { _ = $0.sockets.removeValue(forKey: id) } }

    var count: Int { state.withLockedValue { $0.sockets.count } }

    func changed() {
        guard let app = app.withLockedValue({ $0 }) else { return }
        let delay = state.withLockedValue { s -> TimeAmount? in
            if s.sockets.isEmpty { return nil }
            s.dirty = true
            if s.active { return nil }
            s.active = true
            return Self.remaining(since: s.lastStart)
        }
        guard let delay else { return }
        app.eventLoopGroup.next().scheduleTask(in: delay) {
            Task { await self.drain(app) }
        }
    }

    /// Broadcasts until no change is left, keeping `window` between the starts.
    private func drain(_ app: Application) async {
        while true {
            let go = state.withLockedValue { s -> Bool in
                guard s.dirty else { s.active = false; return false }
                s.dirty = false
                s.lastStart = DispatchTime.now().uptimeNanoseconds
                return true
            }
            guard go else { return }
            await broadcast(app)
            let wait = state.withLockedValue { s -> TimeAmount? in
                guard s.dirty else { s.active = false; return nil }
                return Self.remaining(since: s.lastStart)
            }
            guard let wait else { return }
            if wait > .zero { try? await Task.sleep(nanoseconds: UInt64(wait.nanoseconds)) }
        }
    }

    private static func remaining(since start: UInt64) -> TimeAmount {
        let since = DispatchTime.now().uptimeNanoseconds &- start
        return since >= UInt64(window.nanoseconds) ? .zero : .nanoseconds(window.nanoseconds - Int64(since))
    }

    private func broadcast(_ app: Application) async {
        do {
            let snapshot = try await LiveSnapshot.current(app, db: app.db, now: app.kefu.clock.now())
            let sockets = state.withLockedValue { s -> [WebSocket] in
                if let last = s.lastSent, last.sameFigures(as: snapshot) { return [] }
                s.lastSent = snapshot
                return Array(s.sockets.values)
            }
            guard !sockets.isEmpty else { return }
            let bytes = try JSONCoding.encoder(timeZone: app.kefu.settings.timeZone).encode(snapshot)
            let frame = ByteBufferAllocator().buffer(bytes: bytes)
            // One task per event loop writes the shared buffer to that loop's sockets;
            // nothing waits for a slow screen.
            for (_, group) in Dictionary(grouping: sockets, by: { ObjectIdentifier($0.eventLoop) }) {
                group[0].eventLoop.execute {
                    for ws in group { ws.send(frame, opcode: .text) }
                }
            }
        } catch {
            app.logger.warning("wallboard broadcast failed: \(String(describing: error))")
        }
    }
}

extension LiveSnapshot {
    /// Equal apart from the time it was taken.
    func sameFigures(as other: LiveSnapshot) -> Bool {
        var o = other
        o.at = at
        return self == o
    }
}

extension Application {
    private struct WallboardKey: StorageKey { typealias Value = WallboardHub }

    var wallboard: WallboardHub {
        get { storage[WallboardKey.self]! }
        set { storage[WallboardKey.self] = newValue }
    }
}
