import Foundation

/// One queue's counts for one local day, and the figures the shift lead reads
/// from them (R3.5: answer rate 接通率, service level 服务水平, abandoned calls).
///
/// The service levels follow Asterisk's app_queue exactly, so a center moving
/// from Asterisk's own `queue show` to Kefu sees the same numbers:
/// - `completedWithinThreshold`: Asterisk's `callscompletedinsl`. A call is
///   "in SL" when its wait at the moment of answer was ≤ the threshold; it is
///   counted when the talk ends (AgentComplete, or a transfer), which is when
///   Asterisk's `update_queue` runs.
/// - `abandonedWithinThreshold`: `callsabandonedinsl`, wait at hang-up ≤ threshold
///   (`record_abandoned`).
/// The comparison is `<=` in both, as in app_queue.
public struct QueueTotals: Hashable, Sendable, Codable {
    /// Calls that entered the queue (a re-queue after a transfer counts again,
    /// as a new queue entry does in Asterisk).
    public var enqueued = 0
    /// Calls an agent picked up from the queue, counted at answer time.
    public var answered = 0
    /// Of `answered`, those that waited no longer than the threshold.
    public var answeredWithinThreshold = 0
    /// Answered calls whose talk has ended (Asterisk `callscompleted`).
    public var completed = 0
    /// Asterisk `callscompletedinsl`.
    public var completedWithinThreshold = 0
    /// Callers who hung up while waiting (Asterisk `callsabandoned`).
    public var abandoned = 0
    /// Asterisk `callsabandonedinsl`.
    public var abandonedWithinThreshold = 0
    /// Callers who left the queue for the voicemail box (R3.3): not served by
    /// an agent, but not an abandon either; it counts against the answer rate
    /// only, because the message still needs a prompt answer.
    public var voicemail = 0

    public init() {}

    /// Calls whose fate in the queue is known: answered + abandoned + voicemail.
    /// Calls still waiting are left out, so the answer rate does not dip every
    /// time the queue grows and recover when it drains.
    public var offered: Int { answered + abandoned + voicemail }

    /// 接通率 = answered / offered; nil before the first outcome of the day
    /// (a wallboard shows "—", not a misleading 0 % or 100 %).
    public var answerRate: Double? { Self.ratio(answered, offered) }

    /// Asterisk `servicelevelperf` (SL1): completedinsl / completed.
    /// Abandoned calls do not lower it, which is why SL2 exists.
    public var serviceLevel: Double? { Self.ratio(completedWithinThreshold, completed) }

    /// Asterisk `servicelevelperf2` (SL2): (completedinsl + abandonedinsl) /
    /// (completed + abandoned). Callers who gave up quickly count as served in
    /// time, callers who gave up late count against the center.
    public var serviceLevel2: Double? {
        Self.ratio(completedWithinThreshold + abandonedWithinThreshold, completed + abandoned)
    }

    /// Abandon rate = abandoned / offered, the complement the seeds watch.
    public var abandonRate: Double? { Self.ratio(abandoned, offered) }

    /// Sums queues into a center-wide figure; ratios are recomputed from the
    /// summed counts, never averaged.
    public static func + (lhs: QueueTotals, rhs: QueueTotals) -> QueueTotals {
        var sum = lhs
        sum.enqueued += rhs.enqueued
        sum.answered += rhs.answered
        sum.answeredWithinThreshold += rhs.answeredWithinThreshold
        sum.completed += rhs.completed
        sum.completedWithinThreshold += rhs.completedWithinThreshold
        sum.abandoned += rhs.abandoned
        sum.abandonedWithinThreshold += rhs.abandonedWithinThreshold
        sum.voicemail += rhs.voicemail
        return sum
    }

    private static func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) : nil
    }
}
