import Vapor
import Fluent
import SQLKit
import NIOConcurrencyHelpers
import KefuCore

/// This process's view of the floor: a `LiveState` folded from the stored CTI events.
/// It is a cache of the database, never the source of truth — each read first folds in
/// whatever any process stored since (re-reading a small overlap, since the reducer is
/// idempotent by event id and PostgreSQL may commit sequence numbers out of order), and a
/// restart rebuilds it from the events since the start of yesterday.
final class LiveService: Sendable {
    private struct Cache: Sendable { var state: LiveState; var lastSeq: Int64 }
    private let cache = NIOLockedValueBox<Cache?>(nil)
    private let refreshing = WriteGate()
    let configuration: LiveConfiguration

    init(timeZone: TimeZone) {
        configuration = LiveConfiguration(timeZone: timeZone)
    }

    static let overlap: Int64 = 500

    /// SQLite has one writer, so sequence numbers become visible in order and nothing needs
    /// re-reading; PostgreSQL's concurrent transactions may commit them out of order.
    static func overlap(_ db: Database) -> Int64 {
        (db as? any SQLDatabase)?.dialect.name == "sqlite" ? 0 : overlap
    }

    /// The state with everything stored so far folded in.
    func state(on db: Database, now: Date) async throws -> LiveState {
        try await refreshing.run {
            if let c = self.cache.withLockedValue({ $0 }) {
                let (events, last) = try await CTIEventStore(db: db).events(afterSeq: max(0, c.lastSeq - Self.overlap(db)))
                var state = c.state
                if !events.isEmpty { state.apply(events) }
                state.discardEvents(before: now.addingTimeInterval(-3 * 3600))
                let updated = Cache(state: state, lastSeq: max(c.lastSeq, last))
                self.cache.withLockedValue { $0 = updated }
                return state
            }
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = self.configuration.timeZone
            let since = cal.startOfDay(for: now).addingTimeInterval(-86_400)
            let (events, last) = try await CTIEventStore(db: db).events(since: since)
            let state = LiveState(configuration: self.configuration, events: events)
            self.cache.withLockedValue { $0 = Cache(state: state, lastSeq: last) }
            return state
        }
    }

    /// Forget the cache (tests that rewrite history, an admin's "rebuild").
    func reset() { cache.withLockedValue { $0 = nil } }
}

extension Application {
    private struct LiveServiceKey: StorageKey { typealias Value = LiveService }

    var live: LiveService {
        if let s = storage[LiveServiceKey.self] { return s }
        let s = LiveService(timeZone: kefu.settings.timeZone)
        storage[LiveServiceKey.self] = s
        return s
    }
}
