import Vapor
import Fluent
import NIOConcurrencyHelpers
import KefuCore

/// This process's view of the floor: one `LiveState` per company (R11.2), each folded from
/// that company's stored CTI events only. It is a cache of the database, never the source
/// of truth — each read first folds in whatever any process stored since, and a restart
/// rebuilds it from the events since the start of yesterday. The events are read once for
/// every company (one sequence, one set of gaps) and each row goes to its company's state
/// (and to the branch views asked for, `state(company:branch:)`).
///
/// PostgreSQL may make sequence numbers visible out of order (two transactions commit in the
/// other order than they drew their numbers), so a number skipped in one read may appear in
/// the next. Such gaps are remembered and re-read from until they fill or are 30 s old (a
/// rolled-back insert or an `ON CONFLICT DO NOTHING` duplicate leaves a number that never
/// fills). With no gap nothing is read twice. The reducer is idempotent by event id, so a
/// re-read is harmless.
final class LiveService: Sendable {
    private struct Cache: Sendable {
        var states: [UUID: LiveState]
        var lastSeq: Int64
        var gaps: [Int64: UInt64] = [:]
        /// Branch views asked for so far, by branch id: that branch's calls and the
        /// company's agents (agent events belong to no branch).
        var branches: [UUID: BranchView] = [:]
    }
    private struct BranchView: Sendable { var company: UUID; var state: LiveState }
    private let cache = NIOLockedValueBox<Cache?>(nil)
    private let refreshing = WriteGate()
    private let refreshes = SharedRefresh()
    let configuration: LiveConfiguration

    init(timeZone: TimeZone) {
        configuration = LiveConfiguration(timeZone: timeZone)
    }

    /// How long a skipped sequence number is waited for, in nanoseconds of uptime.
    static let gapLifetime: UInt64 = 30_000_000_000
    /// At most this many open gaps are tracked (a burst of duplicates); the oldest go first.
    static let maxGaps = 5_000

    var empty: LiveState { LiveState(configuration: configuration, events: []) }

    /// `company`'s floor with everything stored so far folded in (an empty floor when the
    /// company has no events yet).
    func state(company: UUID, on db: Database, now: Date) async throws -> LiveState {
        try await states(on: db, now: now)[company] ?? empty
    }

    /// One branch's floor of `company`: the calls that came in on its hotline, and the
    /// company's agents (they serve every branch). Built from the stored events the first
    /// time it is asked for, then kept current with the company's.
    func state(company: UUID, branch: UUID, on db: Database, now: Date) async throws -> LiveState {
        try await withCache(on: db, now: now) { c in
            if let view = c.branches[branch] { return view.state }
            let rows = try await CTIEventStore(db: db).rows(since: Self.start(of: now, self.configuration), company: company,
                                                            branch: branch, upTo: c.lastSeq)
            let view = BranchView(company: company, state: LiveState(configuration: self.configuration, events: rows.compactMap(CTIEventStore.event)))
            c.branches[branch] = view
            return view.state
        }
    }

    /// Every company's floor, by company id (companies without events are absent).
    func states(on db: Database, now: Date) async throws -> [UUID: LiveState] {
        try await withCache(on: db, now: now) { $0.states }
    }

    private static func start(of now: Date, _ configuration: LiveConfiguration) -> Date {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = configuration.timeZone
        return cal.startOfDay(for: now).addingTimeInterval(-86_400)
    }

    /// Brings the cache up to date (or builds it) and lets `body` read or extend it behind the
    /// one gate. The refresh is shared: readers arriving while one runs wait for the next one
    /// (which starts after they arrived, so it holds every event stored before their read),
    /// and all of them take it together — a floor of a thousand polling workspaces reads the
    /// new events a few times a second, not a thousand.
    private func withCache<T: Sendable>(on db: Database, now: Date, _ body: @Sendable (inout Cache) async throws -> T) async throws -> T {
        try await refreshes.join { try await self.refresh(on: db, now: now) }
        return try await refreshing.run {
            guard var c = self.cache.withLockedValue({ box in let c = box; box = nil; return c }) else {
                throw KefuError(.serviceUnavailable, "live_unavailable", "实时状态暂时无法读取，请稍后重试。")
            }
            do {
                let result = try await body(&c)
                let updated = c
                self.cache.withLockedValue { $0 = updated }
                return result
            } catch {
                let kept = c
                self.cache.withLockedValue { $0 = kept }
                throw error
            }
        }
    }

    /// Folds in what was stored since the last refresh (or builds the cache), behind the gate.
    private func refresh(on db: Database, now: Date) async throws {
        try await refreshing.run {
            // Taken out of the box, so the fold below mutates the only copy: leaving one in
            // the box would make every refresh copy a day of events (copy-on-write), which
            // with 100k events cost more than everything else in a wallboard update.
            var c: Cache
            if let cached = self.cache.withLockedValue({ box in let c = box; box = nil; return c }) {
                c = cached
                let from = (c.gaps.keys.min().map { $0 - 1 }).map { min($0, c.lastSeq) } ?? c.lastSeq
                let rows: [CTIEventStore.Row]
                do {
                    rows = try await CTIEventStore(db: db).rows(afterSeq: from)
                } catch {
                    let unchanged = c
                    self.cache.withLockedValue { $0 = unchanged }
                    throw error
                }
                self.fold(rows, into: &c)
                Self.trackGaps(&c, seen: rows.map(\.seq), uptime: DispatchTime.now().uptimeNanoseconds)
                let cutoff = now.addingTimeInterval(-3 * 3600)
                for key in c.states.keys { c.states[key]?.discardEvents(before: cutoff) }
                for key in c.branches.keys { c.branches[key]?.state.discardEvents(before: cutoff) }
            } else {
                let (rows, last) = try await CTIEventStore(db: db).rows(since: Self.start(of: now, self.configuration))
                var states: [UUID: LiveState] = [:]
                for (company, events) in Self.byCompany(rows) {
                    states[company] = LiveState(configuration: self.configuration, events: events)
                }
                c = Cache(states: states, lastSeq: last)
            }
            let updated = c
            self.cache.withLockedValue { $0 = updated }
        }
    }

    /// Each row to its company's floor, and to the branch views it belongs to: a call's
    /// events to its branch, an agent's to every view of the company.
    private func fold(_ rows: [CTIEventStore.Row], into c: inout Cache) {
        for (company, events) in Self.byCompany(rows) {
            c.states[company, default: empty].apply(events)
        }
        guard !c.branches.isEmpty else { return }
        for (branch, view) in c.branches {
            let mine = rows.filter { $0.company_id == view.company && ($0.branch_id == nil || $0.branch_id == branch) }
                .compactMap(CTIEventStore.event)
            if !mine.isEmpty { c.branches[branch]?.state.apply(mine) }
        }
    }

    /// The rows' events grouped by company, each in arrival order. A row without a company
    /// (none after M014) belongs to nobody's floor.
    private static func byCompany(_ rows: [CTIEventStore.Row]) -> [UUID: [CTIEvent]] {
        var out: [UUID: [CTIEvent]] = [:]
        for r in rows {
            guard let company = r.company_id, let e = CTIEventStore.event(r) else { continue }
            out[company, default: []].append(e)
        }
        return out
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
