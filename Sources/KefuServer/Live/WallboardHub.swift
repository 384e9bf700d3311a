import Vapor
import NIOCore
import NIOConcurrencyHelpers

/// This process's open wallboards, each watching one company's floor (R11.2), or one
/// branch's calls of it. When the
/// floor changes (an event stored here, or a NOTIFY from another process) each watched
/// company's snapshot is computed once, encoded once, and the same bytes are written to
/// every screen watching that company — never to another company's screens.
///
/// Pacing: a change with no broadcast running is sent at once; changes that arrive while one
/// is running (or within `window` of its start) are folded into a single next broadcast. So
/// an isolated event is never held back, a steady stream is sent as it comes, and a flood
/// costs at most one snapshot per `window` (40 a second), whatever the event rate. A
/// snapshot equal to the last one sent (apart from its time) is not sent again.
final class WallboardHub: Sendable {
    /// What a screen watches: a company's floor, or one branch's calls of it.
    struct Floor: Hashable, Sendable { var company: UUID; var branch: UUID? }

    private struct State: Sendable {
        var sockets: [UUID: (ws: WebSocket, floor: Floor)] = [:]
        /// A change not yet broadcast.
        var dirty = false
        /// A broadcaster is running or scheduled; it sends until nothing is dirty.
        var active = false
        var lastStart: UInt64 = 0
        var lastSent: [Floor: LiveSnapshot] = [:]
    }
    private let state = NIOLockedValueBox(State())
    private let app: NIOLockedValueBox<Application?> = .init(nil)

    /// Names this process in NOTIFY payloads, so its listener can skip its own notices
    /// (it has already told its wallboards directly).
    let origin = UUID().uuidString

    static let window: TimeAmount = .milliseconds(25)

    func attach(_ app: Application) { self.app.withLockedValue { $0 = app } }

    func add(_ ws: WebSocket, floor: Floor) -> UUID {
        let id = UUID()
        state.withLockedValue { $0.sockets[id] = (ws, floor) }
        return id
    }

    func remove(_ id: UUID) {
        state.withLockedValue { s in
            guard let gone = s.sockets.removeValue(forKey: id) else { return }
            if !s.sockets.values.contains(where: { $0.floor == gone.floor }) { s.lastSent[gone.floor] = nil }
        }
    }

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
        let floors = Set(state.withLockedValue { $0.sockets.values.map(\.floor) })
        for floor in floors.sorted(by: { ($0.company.uuidString, $0.branch?.uuidString ?? "") < ($1.company.uuidString, $1.branch?.uuidString ?? "") }) {
            await broadcast(app, floor: floor)
        }
    }

    private func broadcast(_ app: Application, floor: Floor) async {
        do {
            guard let company = try await Company.find(floor.company, on: app.db) else { return }
            var branch: Branch?
            if let b = floor.branch { branch = try await TenantData(scope: .companies([floor.company]), db: app.db).branch(b) }
            let snapshot = try await LiveSnapshot.current(app, company: company, branch: branch, db: app.db, now: app.kefu.clock.now())
            let sockets = state.withLockedValue { s -> [WebSocket] in
                if let last = s.lastSent[floor], last.sameFigures(as: snapshot) { return [] }
                s.lastSent[floor] = snapshot
                return s.sockets.values.filter { $0.floor == floor }.map(\.ws)
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
