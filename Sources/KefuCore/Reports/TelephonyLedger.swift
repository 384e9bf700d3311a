import Foundation

/// The telephony KPIs of a stretch of the switch's events (R10.3): per queue and per agent,
/// in 15-minute intervals, and optionally the list of queued calls behind them.
///
/// It does not decide again what answered, abandoned or in-threshold mean: it runs the very
/// fold the wallboard runs (`LiveReduction`) and reads off what each event changed, so a
/// day's report and that day's wallboard can never disagree. Events before `countFrom` only
/// set the scene (calls already waiting, agents already signed in); what they decided is
/// another window's to count. An outcome is counted in the interval of the event that
/// decided it, as Asterisk counts; time is split exactly across the intervals it spans.
public struct TelephonyLedger: Sendable {
    public struct QueueKey: Hashable, Sendable { public var slot: TelephonySlot; public var queue: String }
    public struct AgentKey: Hashable, Sendable { public var slot: TelephonySlot; public var workId: String }

    public let configuration: LiveConfiguration
    public let countFrom: Date
    public let countUntil: Date
    public private(set) var queues: [QueueKey: QueueCallFigures] = [:]
    public private(set) var agents: [AgentKey: AgentTimeFigures] = [:]
    /// Filled only when `keepsRecords`: the list behind a figure is read for one day at a time.
    public private(set) var records: [QueuedCallRecord] = []
    public let keepsRecords: Bool

    private var reduction = LiveReduction()
    /// Since when each agent has been doing what they do now.
    private var useSince: [String: Date] = [:]
    /// The queue of the call each agent last finished, which their after-call work is owed to.
    private var lastQueue: [String: String] = [:]
    /// The queue of the call each talking agent is on.
    private var talkQueue: [String: String] = [:]
    /// Open answered records, by call, until the talk ends.
    private var openRecords: [String: Int] = [:]

    public init(configuration: LiveConfiguration, countFrom: Date, countUntil: Date, keepsRecords: Bool = false) {
        self.configuration = configuration
        self.countFrom = countFrom
        self.countUntil = countUntil
        self.keepsRecords = keepsRecords
    }

    /// Folds events given in (at, arrival) order.
    public mutating func apply(_ events: [CTIEvent]) {
        for event in events { apply(event) }
    }

    public mutating func apply(_ event: CTIEvent) {
        let at = event.at
        let counting = at >= countFrom && at < countUntil
        let before = event.callId.flatMap { reduction.calls[$0] }
        var touched: Set<String> = []
        if let a = event.agentWorkId { touched.insert(a) }
        if let before {
            if let a = before.agentWorkId { touched.insert(a) }
            touched.formUnion(before.ringingAgents)
        }
        let usesBefore = touched.map { ($0, Self.use(of: reduction.agents[$0])) }
        let day = LocalDay(at, in: configuration.timeZone)
        let queueNames = Set([before?.queue, event.queue].compactMap { $0 })
        let totalsBefore = queueNames.map { ($0, reduction.totals[day]?[$0] ?? QueueTotals()) }

        reduction.apply(event, configuration: configuration)

        let after = event.callId.flatMap { reduction.calls[$0] }
        let slot = TelephonySlot(at, in: configuration.timeZone)
        for (queue, old) in totalsBefore {
            let new = reduction.totals[day]?[queue] ?? QueueTotals()
            guard new != old else { continue }
            let delta = Self.difference(new, old)
            var figures = QueueCallFigures()
            figures.totals = delta
            if delta.answered > 0 {
                let wait = Int((after?.waitAtAnswer ?? 0).rounded())
                figures.waitSeconds = wait * delta.answered
                if let callId = event.callId {
                    record(QueuedCallRecord(callId: callId, queue: queue, caller: after?.caller ?? before?.caller,
                                            enqueuedAt: before?.enqueuedAt, outcome: .answered, decidedAt: at, waitSeconds: wait,
                                            agentWorkId: after?.agentWorkId, talkSeconds: nil,
                                            withinThreshold: delta.answeredWithinThreshold > 0), counting: counting, open: true)
                }
            }
            if delta.completed > 0, let before, let answeredAt = before.answeredAt {
                let talk = Int(max(0, at.timeIntervalSince(answeredAt)).rounded())
                figures.talkSeconds = talk
                if let workId = before.agentWorkId { lastQueue[workId] = queue }
                if let index = openRecords.removeValue(forKey: before.callId) { records[index].talkSeconds = talk }
            }
            if delta.abandoned > 0 || delta.voicemail > 0, let callId = event.callId {
                let wait = before?.enqueuedAt.map { Int(max(0, at.timeIntervalSince($0)).rounded()) }
                record(QueuedCallRecord(callId: callId, queue: queue, caller: before?.caller ?? event.caller, enqueuedAt: before?.enqueuedAt,
                                        outcome: delta.abandoned > 0 ? .abandoned : .voicemail, decidedAt: at, waitSeconds: wait,
                                        agentWorkId: nil, talkSeconds: nil, withinThreshold: delta.abandonedWithinThreshold > 0),
                       counting: counting, open: false)
            }
            if counting {
                let key = QueueKey(slot: slot, queue: queue)
                queues[key] = queues[key, default: QueueCallFigures()] + figures
            }
        }

        // The agents' calls: an answer is theirs when the call became connected to them.
        let wasTalking = before.map { $0.phase == .connected || $0.phase == .onHold } ?? false
        let isTalking = after.map { $0.phase == .connected || $0.phase == .onHold } ?? false
        if counting {
            if let workId = after?.agentWorkId, isTalking, !wasTalking || before?.agentWorkId != workId {
                agents[AgentKey(slot: slot, workId: workId), default: AgentTimeFigures()].answered += 1
            }
            if wasTalking, let workId = before?.agentWorkId, !isTalking || after?.agentWorkId != workId {
                agents[AgentKey(slot: slot, workId: workId), default: AgentTimeFigures()].completed += 1
            }
        }

        // The agents' time: a stretch ends when what they do changes.
        for (workId, old) in usesBefore {
            let new = Self.use(of: reduction.agents[workId])
            guard new != old else { continue }
            let newQueue = new == .talk ? reduction.agents[workId]?.callId.flatMap { reduction.calls[$0]?.queue } : nil
            if let since = useSince[workId] {
                let queue: String? = switch old {
                case .talk: talkQueue[workId]
                case .wrap: lastQueue[workId]
                case .idle: new == .talk ? newQueue : lastQueue[workId]
                case .off, .notReady: nil
                }
                spend(since, at, on: old, by: workId, queue: queue)
            }
            useSince[workId] = at
            talkQueue[workId] = newQueue
        }
    }

    /// Books every agent's stretch still running up to `instant` (the window's end, or now
    /// for a day still under way), so time open at midnight is counted on its own day.
    public mutating func finish(at instant: Date) {
        for (workId, since) in useSince.sorted(by: { $0.key < $1.key }) where since < instant {
            let use = Self.use(of: reduction.agents[workId])
            spend(since, instant, on: use, by: workId, queue: use == .talk ? talkQueue[workId] : lastQueue[workId])
            useSince[workId] = instant
        }
    }

    /// What an agent's time counts as.
    enum Use: Equatable { case off, idle, talk, wrap, notReady }

    static func use(of agent: LiveAgent?) -> Use {
        guard let agent else { return .off }
        if agent.callState == .onContact || agent.callState == .onHold { return .talk }
        switch agent.presence {
        case .loggedOut: return .off
        case .afterContactWork: return .wrap
        case .notReady: return .notReady
        case .available, .reserved, .onContact, .onHold: return .idle
        }
    }

    /// Books [from, to) on the intervals it spans, keeping only what lies in the window; the
    /// talk, after-call work and waiting also go to `queue`, for its occupancy.
    private mutating func spend(_ from: Date, _ to: Date, on use: Use, by workId: String, queue: String?) {
        guard use != .off else { return }
        let start = max(from, countFrom), end = min(to, countUntil)
        guard start < end else { return }
        let zone = configuration.timeZone
        var cursor = start
        var slot = TelephonySlot(start, in: zone)
        while cursor < end {
            // A clock turned back (DST) can put the next quarter's start behind us: step on regardless.
            var boundary = TelephonySlot(index: slot.index + 1).start(in: zone)
            if boundary <= cursor { boundary = cursor.addingTimeInterval(Double(TelephonySlot.seconds)) }
            let next = min(end, boundary)
            let seconds = Int(next.timeIntervalSince(cursor).rounded())
            var figures = agents[AgentKey(slot: slot, workId: workId), default: AgentTimeFigures()]
            switch use {
            case .off: break
            case .idle:
                figures.idleSeconds += seconds
                if let queue { queues[QueueKey(slot: slot, queue: queue), default: QueueCallFigures()].agentIdleSeconds += seconds }
            case .talk:
                figures.talkSeconds += seconds
                if let queue { queues[QueueKey(slot: slot, queue: queue), default: QueueCallFigures()].agentTalkSeconds += seconds }
            case .notReady: figures.notReadySeconds += seconds
            case .wrap:
                figures.wrapSeconds += seconds
                if let queue { queues[QueueKey(slot: slot, queue: queue), default: QueueCallFigures()].wrapSeconds += seconds }
            }
            agents[AgentKey(slot: slot, workId: workId)] = figures
            cursor = next
            slot = TelephonySlot(next, in: zone)
        }
    }

    private mutating func record(_ record: QueuedCallRecord, counting: Bool, open: Bool) {
        guard keepsRecords, counting else { return }
        records.append(record)
        if open { openRecords[record.callId] = records.count - 1 }
    }

    private static func difference(_ a: QueueTotals, _ b: QueueTotals) -> QueueTotals {
        var d = QueueTotals()
        d.enqueued = a.enqueued - b.enqueued
        d.answered = a.answered - b.answered
        d.answeredWithinThreshold = a.answeredWithinThreshold - b.answeredWithinThreshold
        d.completed = a.completed - b.completed
        d.completedWithinThreshold = a.completedWithinThreshold - b.completedWithinThreshold
        d.abandoned = a.abandoned - b.abandoned
        d.abandonedWithinThreshold = a.abandonedWithinThreshold - b.abandonedWithinThreshold
        d.voicemail = a.voicemail - b.voicemail
        return d
    }
}
