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
/// - an older event is inserted in place and everything after it is re-folded
///   from the last checkpoint before its place (a picture kept every
///   `checkpointSpacing` events, the last `maxCheckpoints` of them), or from
///   the retained start when it is older than all of them. Concurrent posts
///   make late-by-milliseconds the common case on a busy floor: re-folding a
///   thousand-agent center's three hours from the start on each of them was
///   a tenth of the server's CPU, under the lock every live read waits on.
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

    /// The picture after the first `index` entries of the log (folded onto `base`).
    private struct Checkpoint: Sendable {
        var index: Int
        let reduction: LiveReduction
    }

    static let checkpointSpacing = 1_024
    /// Each checkpoint holds a copy of every agent and call: a few hundred kilobytes on a
    /// thousand-seat floor, so only the recent ones are kept (late events are recent).
    static let maxCheckpoints = 16

    private var log: [Entry] = []
    private var knownIds: Set<String> = []
    private var nextSequence = 0
    private var base = LiveReduction()
    private var horizon: Date?
    private var current = LiveReduction()
    private var checkpoints: [Checkpoint] = []

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
            // Everything before the earliest late event's place stands; the rest is merged.
            let place = firstIndex(after: fresh[0])
            var tail = Array(log[place...])
            tail.append(contentsOf: fresh)
            tail.sort(by: Entry.precedes)
            log.replaceSubrange(place..., with: tail)
            checkpoints.removeAll { $0.index > place }
            current = checkpoints.last?.reduction ?? base
            fold(from: checkpoints.last?.index ?? 0)
            report.replayed = true
        } else {
            let start = log.count
            log.append(contentsOf: fresh)
            fold(from: start)
        }
        return report
    }

    /// The first position whose entry comes after `entry` (binary search: the log is sorted).
    private func firstIndex(after entry: Entry) -> Int {
        var low = 0, high = log.count
        while low < high {
            let mid = (low + high) / 2
            if Entry.precedes(entry, log[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// Folds `log[start...]` into `current` (which holds the picture of `log[..<start]`),
    /// keeping a checkpoint every `checkpointSpacing` entries.
    private mutating func fold(from start: Int) {
        var lastIndex = checkpoints.last?.index ?? 0
        for i in start..<log.count {
            current.apply(log[i].event, configuration: configuration)
            if i + 1 - lastIndex >= Self.checkpointSpacing {
                checkpoints.append(Checkpoint(index: i + 1, reduction: current))
                lastIndex = i + 1
                if checkpoints.count > Self.maxCheckpoints { checkpoints.removeFirst() }
            }
        }
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
        // A checkpoint's index counts entries after `base`, which just took the first `split`.
        checkpoints = checkpoints.filter { $0.index >= split }.map { Checkpoint(index: $0.index - split, reduction: $0.reduction) }
        horizon = cutoff
    }

    // MARK: - Reading the picture

    /// The retained events in the order they were folded.
    public var events: [CTIEvent] { log.map(\.event) }

    /// Time of the latest event folded in (the picture is "as of" this instant).
    public var lastEventAt: Date? { log.last?.event.at }

    /// The latest retained event that `matches`, searched from the end in place: a seat
    /// click asks it of a busy floor's day of events, and `events` would copy them all.
    public func lastEvent(where matches: (CTIEvent) -> Bool) -> CTIEvent? {
        for entry in log.reversed() where matches(entry.event) { return entry.event }
        return nil
    }

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
