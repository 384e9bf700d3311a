import Foundation

/// A 15-minute interval of the center's local clock, the unit the telephony KPIs are kept
/// in (R10.3); 30- and 60-minute intervals, days and periods are sums of these. Kept as a
/// plain count of quarter-hours since local 1970-01-01 so folding millions of events needs
/// no calendar arithmetic.
public struct TelephonySlot: Hashable, Comparable, Codable, Sendable {
    public static let seconds = 900
    public static let perDay = 86_400 / seconds

    public let index: Int

    public init(index: Int) { self.index = index }

    public init(_ date: Date, in timeZone: TimeZone) {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        index = Int((local / Double(Self.seconds)).rounded(.down))
    }

    public var day: LocalDay { LocalDay(dayNumber: LocalDay.floorDiv(index, Self.perDay)) }
    /// Minutes after local midnight at which the interval starts.
    public var minute: Int { LocalDay.floorMod(index, Self.perDay) * Self.seconds / 60 }
    /// ISO weekday of the interval's day, 1 = Monday.
    public var weekday: Int { day.weekday() }

    public func start(in timeZone: TimeZone) -> Date { LocalDay.instant(localSeconds: index * Self.seconds, in: timeZone) }

    public static func < (lhs: TelephonySlot, rhs: TelephonySlot) -> Bool { lhs.index < rhs.index }
}

/// A queue's calls in one interval: Asterisk's counts (`QueueTotals`, so the report and the
/// wallboard agree to the call) plus the seconds ASA and AHT are averaged from.
public struct QueueCallFigures: Codable, Equatable, Sendable {
    public var totals = QueueTotals()
    /// Waits of the answered calls, counted when they were answered.
    public var waitSeconds = 0
    /// Talk (hold included) of the completed calls, counted when the talk ended.
    public var talkSeconds = 0
    /// After-call work of the agents who talked to this queue's callers.
    public var wrapSeconds = 0
    /// Agents' talk on this queue's calls, split across the intervals it spans (the talk
    /// above is booked whole when the call ends): occupancy's handling time.
    public var agentTalkSeconds = 0
    /// Agents' free time spent waiting for this queue's calls: a stretch of idle time is
    /// the queue's whose call ended it (idle that ends in a break or sign-out is the queue's
    /// the agent served last). The switch does not report queue membership, so this is the
    /// one attribution the events themselves support.
    public var agentIdleSeconds = 0

    public init() {}

    /// The queue's occupancy: (talk + after-call work on its calls) ÷ (that + the free time
    /// spent waiting for its calls), the floor's formula read per queue.
    public var occupancy: Double? {
        let handling = agentTalkSeconds + wrapSeconds
        return handling + agentIdleSeconds == 0 ? nil : Double(handling) / Double(handling + agentIdleSeconds)
    }

    /// Average speed of answer: the mean wait of the calls agents answered.
    public var averageSpeedOfAnswer: Double? { totals.answered == 0 ? nil : Double(waitSeconds) / Double(totals.answered) }
    /// Average handling time: (talk + hold + after-call work) per completed call.
    public var averageHandlingTime: Double? {
        totals.completed == 0 ? nil : Double(talkSeconds + wrapSeconds) / Double(totals.completed)
    }

    public static func + (lhs: QueueCallFigures, rhs: QueueCallFigures) -> QueueCallFigures {
        var sum = lhs
        sum.totals = lhs.totals + rhs.totals
        sum.waitSeconds += rhs.waitSeconds
        sum.talkSeconds += rhs.talkSeconds
        sum.wrapSeconds += rhs.wrapSeconds
        sum.agentTalkSeconds += rhs.agentTalkSeconds
        sum.agentIdleSeconds += rhs.agentIdleSeconds
        return sum
    }
}

/// How an agent spent an interval, and the calls they took in it.
public struct AgentTimeFigures: Codable, Equatable, Sendable {
    public var answered = 0
    public var completed = 0
    /// On a call, hold included.
    public var talkSeconds = 0
    /// 话后处理 after a call.
    public var wrapSeconds = 0
    /// Signed in and free for a call (a ringing phone counts as free: it is waiting time).
    public var idleSeconds = 0
    /// Signed in but 示忙 (meal, meeting, training…).
    public var notReadySeconds = 0

    public init() {}

    public var staffedSeconds: Int { talkSeconds + wrapSeconds + idleSeconds + notReadySeconds }
    /// Occupancy: the share of the time an agent was available for calls that went on
    /// handling them, (talk + wrap) / (talk + wrap + idle). Breaks are left out, as in
    /// Erlang C staffing, so the planners' target and this figure mean the same thing.
    public var occupancy: Double? {
        let handling = talkSeconds + wrapSeconds
        return handling + idleSeconds == 0 ? nil : Double(handling) / Double(handling + idleSeconds)
    }
    /// The agent's AHT: (talk + wrap) per completed call.
    public var averageHandlingTime: Double? {
        completed == 0 ? nil : Double(talkSeconds + wrapSeconds) / Double(completed)
    }

    public static func + (lhs: AgentTimeFigures, rhs: AgentTimeFigures) -> AgentTimeFigures {
        var sum = lhs
        sum.answered += rhs.answered
        sum.completed += rhs.completed
        sum.talkSeconds += rhs.talkSeconds
        sum.wrapSeconds += rhs.wrapSeconds
        sum.idleSeconds += rhs.idleSeconds
        sum.notReadySeconds += rhs.notReadySeconds
        return sum
    }
}

/// One call's stay in one queue, for the list behind a figure (drill down).
public struct QueuedCallRecord: Codable, Equatable, Sendable {
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case answered, abandoned, voicemail

        public var label: String {
            switch self {
            case .answered: "接通"
            case .abandoned: "放弃"
            case .voicemail: "转留言"
            }
        }
    }

    public var callId: String
    public var queue: String
    public var caller: String?
    public var enqueuedAt: Date?
    public var outcome: Outcome
    /// When the outcome was decided: the answer, the hang-up or the move to voicemail.
    public var decidedAt: Date
    public var waitSeconds: Int?
    public var agentWorkId: String?
    /// Talk in seconds, once the answered call has ended.
    public var talkSeconds: Int?
    /// Whether the wait was within the queue's service-level threshold.
    public var withinThreshold: Bool
}

/// The interval lengths a report may be read in (R10.3: 15, 30 or 60 minutes).
public enum TelephonyInterval: Int, CaseIterable, Sendable {
    case quarter = 15, half = 30, hour = 60

    /// The interval's start (minutes after midnight) that a 15-minute slot starting at `minute` falls in.
    public func bucket(_ minute: Int) -> Int { minute - minute % rawValue }
}
