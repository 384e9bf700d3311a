import Foundation

/// The live picture of the center (R3.5: waiting calls, longest wait, agents
/// by state, answer rate, service level, abandoned calls), rebuilt from CTI
/// events alone.
///
/// Switches deliver events late, twice, and out of order (retries, several
/// switches, clock skew). So the state keeps the events it was given, sorted
/// by `at` with ties broken by arrival order, and the picture is always "the
/// fold of these events in that order":
/// - an event whose id is already known is ignored (the first copy wins);
/// - an event at or after the last one is folded in directly (the usual case);
/// - an older event is inserted in place and everything is re-folded from the
///   retained start. That costs O(events kept), which for one day of a
///   ~100-seat center is well under a millisecond per thousand events, and
///   keeps correctness trivial to see.
///
/// Memory is bounded with `discardEvents(before:)`, which folds old events
/// into a base picture and forgets them; events older than that horizon are
/// then refused (`LiveApplyReport.tooOld`).
///
/// "Today" is the local day in `configuration.timeZone`: every count is filed
/// under the local day of the event that decided it (answer, hang-up…), so
/// the figures reset at local midnight without any timer.
public struct LiveState: Sendable {
    public let configuration: LiveConfiguration

    private struct Entry: Sendable {
        let event: CTIEvent
        let sequence: Int

        static func precedes(_ lhs: Entry, _ rhs: Entry) -> Bool {
            lhs.event.at != rhs.event.at ? lhs.event.at < rhs.event.at : lhs.sequence < rhs.sequence
        }
    }

    private var log: [Entry] = []
    private var knownIds: Set<String> = []
    private var nextSequence = 0
    private var base = LiveReduction()
    private var horizon: Date?
    private var current = LiveReduction()

    public init(configuration: LiveConfiguration) {
        self.configuration = configuration
    }

    /// Rebuilds from stored events, e.g. at server start; pass them in arrival
    /// order (their storage order) so that ties on `at` resolve as they did live.
    public init(configuration: LiveConfiguration, events: [CTIEvent]) {
        self.init(configuration: configuration)
        apply(events)
    }

    /// Stores and folds in new events; see the type's documentation for the
    /// ordering and idempotency rules.
    @discardableResult
    public mutating func apply(_ events: [CTIEvent]) -> LiveApplyReport {
        var report = LiveApplyReport()
        var fresh: [Entry] = []
        for event in events {
            if knownIds.contains(event.id) {
                report.duplicates.append(event.id)
            } else if let horizon, event.at < horizon {
                report.tooOld.append(event.id)
            } else {
                knownIds.insert(event.id)
                fresh.append(Entry(event: event, sequence: nextSequence))
                nextSequence += 1
                report.applied.append(event.id)
            }
        }
        guard !fresh.isEmpty else { return report }
        fresh.sort(by: Entry.precedes)
        if let last = log.last, Entry.precedes(fresh[0], last) {
            log.append(contentsOf: fresh)
            log.sort(by: Entry.precedes)
            var reduction = base
            for entry in log { reduction.apply(entry.event, configuration: configuration) }
            current = reduction
            report.replayed = true
        } else {
            log.append(contentsOf: fresh)
            for entry in fresh { current.apply(entry.event, configuration: configuration) }
        }
        return report
    }

    @discardableResult
    public mutating func apply(_ event: CTIEvent) -> LiveApplyReport {
        apply([event])
    }

    /// Forgets events before `cutoff` after folding them into the base picture.
    /// Call it with a horizon later than any delay you expect from the switches
    /// (e.g. one hour ago); totals of past days stay available.
    public mutating func discardEvents(before cutoff: Date) {
        guard horizon.map({ cutoff > $0 }) ?? true else { return }
        let split = log.firstIndex { $0.event.at >= cutoff } ?? log.count
        for entry in log[..<split] {
            base.apply(entry.event, configuration: configuration)
            knownIds.remove(entry.event.id)
        }
        log.removeFirst(split)
        horizon = cutoff
    }

    // MARK: - Reading the picture

    /// The retained events in the order they were folded.
    public var events: [CTIEvent] { log.map(\.event) }

    /// Time of the latest event folded in (the picture is "as of" this instant).
    public var lastEventAt: Date? { log.last?.event.at }

    /// Every call in progress (menu, queue, ringing, talking, held), by call id.
    public var calls: [String: LiveCall] { current.calls }

    /// Every agent ever seen, by work ID (signed-out agents included).
    public var agents: [String: LiveAgent] { current.agents }

    public func call(_ callId: String) -> LiveCall? { current.calls[callId] }

    public func agent(_ workId: String) -> LiveAgent? { current.agents[workId] }

    /// Calls waiting in a queue, longest-waiting first; calls without a known
    /// enqueue time come last.
    public func waitingCalls(in queue: String? = nil) -> [LiveCall] {
        current.calls.values
            .filter { $0.phase == .waiting && (queue == nil || $0.queue == queue) }
            .sorted { lhs, rhs in
                switch (lhs.enqueuedAt, rhs.enqueuedAt) {
                case let (l?, r?): return l != r ? l < r : lhs.callId < rhs.callId
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return lhs.callId < rhs.callId
                }
            }
    }

    /// Number of waiting calls per queue, the input of staged staffing (R3.4).
    public var waitingCountByQueue: [String: Int] {
        var counts: [String: Int] = [:]
        for call in current.calls.values where call.phase == .waiting {
            counts[call.queue ?? "", default: 0] += 1
        }
        return counts
    }

    /// The longest current wait at `now` (nil when nobody waits).
    public func longestWait(at now: Date, in queue: String? = nil) -> TimeInterval? {
        waitingCalls(in: queue).first?.waitingTime(at: now)
    }

    /// Agents grouped by `AgentState.code`, every code present (empty when
    /// none), each list sorted by work ID.
    public var agentsByState: [String: [LiveAgent]] {
        var groups = Dictionary(uniqueKeysWithValues: AgentState.allCodes.map { ($0, [LiveAgent]()) })
        for agent in current.agents.values.sorted(by: { $0.workId < $1.workId }) {
            groups[agent.state.code, default: []].append(agent)
        }
        return groups
    }

    /// Counts per `AgentState.code`, zeros included, for the JSON `agentsByState`.
    public var agentCountsByState: [String: Int] {
        agentsByState.mapValues(\.count)
    }

    /// When the call's current hold began (nil when not on hold).
    public func holdStart(callId: String) -> Date? { current.calls[callId]?.holdSince }

    /// Per-queue totals of one local day.
    public func totals(on day: LocalDay) -> [String: QueueTotals] {
        current.totals[day] ?? [:]
    }

    /// Today's totals for one queue, or for the whole center when `queue` is nil.
    public func todayTotals(at now: Date, queue: String? = nil) -> QueueTotals {
        let day = LocalDay(now, in: configuration.timeZone)
        let byQueue = totals(on: day)
        if let queue { return byQueue[queue] ?? QueueTotals() }
        return byQueue.values.reduce(QueueTotals(), +)
    }
}
