import Vapor
import Fluent
import NIOConcurrencyHelpers
import KefuCore

/// This process's view of the floor: a `LiveState` folded from the stored CTI events.
/// It is a cache of the database, never the source of truth — each read first folds in
/// whatever any process stored since, and a restart rebuilds it from the events since the
/// start of yesterday.
///
/// PostgreSQL may make sequence numbers visible out of order (two transactions commit in the
/// other order than they drew their numbers), so a number skipped in one read may appear in
/// the next. Such gaps are remembered and re-read from until they fill or are 30 s old (a
/// rolled-back insert or an `ON CONFLICT DO NOTHING` duplicate leaves a number that never
/// fills). With no gap nothing is read twice. The reducer is idempotent by event id, so a
/// re-read is harmless.
final class LiveService: Sendable {
    private struct Cache: Sendable { var state: LiveState; var lastSeq: Int64; var gaps: [Int64: UInt64] = [:] }
    private let cache = NIOLockedValueBox<Cache?>(nil)
    private let refreshing = WriteGate()
    let configuration: LiveConfiguration

    init(timeZone: TimeZone) {
        configuration = LiveConfiguration(timeZone: timeZone)
    }

    /// How long a skipped sequence number is waited for, in nanoseconds of uptime.
    static let gapLifetime: UInt64 = 30_000_000_000
    /// At most this many open gaps are tracked (a burst of duplicates); the oldest go first.
    static let maxGaps = 5_000

    /// The state with everything stored so far folded in.
    func state(on db: Database, now: Date) async throws -> LiveState {
        try await refreshing.run {
            // Taken out of the box, so the fold below mutates the only copy: leaving one in
            // the box would make every refresh copy a day of events (copy-on-write), which
            // with 100k events cost more than everything else in a wallboard update.
            if var c = self.cache.withLockedValue({ box in let c = box; box = nil; return c }) {
                let from = (c.gaps.keys.min().map { $0 - 1 }).map { min($0, c.lastSeq) } ?? c.lastSeq
                let rows: [CTIEventStore.Row]
                do {
                    rows = try await CTIEventStore(db: db).rows(afterSeq: from)
                } catch {
                    let unchanged = c
                    self.cache.withLockedValue { $0 = unchanged }
                    throw error
                }
                if !rows.isEmpty { c.state.apply(rows.compactMap(CTIEventStore.event)) }
                Self.trackGaps(&c, seen: rows.map(\.seq), uptime: DispatchTime.now().uptimeNanoseconds)
                c.state.discardEvents(before: now.addingTimeInterval(-3 * 3600))
                let updated = c
                self.cache.withLockedValue { $0 = updated }
                return updated.state
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

    /// Closes the gaps the read filled, opens one for every number it skipped, and forgets
    /// gaps too old to fill.
    private static func trackGaps(_ c: inout Cache, seen: [Int64], uptime: UInt64) {
        let seenSet = Set(seen)
        c.gaps = c.gaps.filter { !seenSet.contains($0.key) && uptime &- $0.value < gapLifetime }
        var expected = c.lastSeq + 1
        for seq in seen where seq > c.lastSeq {
            if seq > expected {
                for missing in expected..<min(seq, expected + Int64(maxGaps)) { c.gaps[missing] = uptime }
            }
            expected = seq + 1
        }
        c.lastSeq = max(c.lastSeq, seen.last ?? c.lastSeq)
        if c.gaps.count > maxGaps {
            for key in c.gaps.keys.sorted().prefix(c.gaps.count - maxGaps) { c.gaps.removeValue(forKey: key) }
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
