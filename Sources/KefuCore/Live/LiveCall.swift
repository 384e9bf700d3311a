import Foundation

/// A call the center is handling now, as rebuilt from its events.
public struct LiveCall: Hashable, Sendable, Codable {
    /// Where the call is; only `.waiting` calls count as 排队 on the wallboard.
    public enum Phase: String, Hashable, Sendable, Codable {
        /// In the voice menu, not yet in a queue.
        case ivr
        /// In a queue (possibly ringing one or more agents).
        case waiting
        /// Transferred to a named agent (R1.6), ringing outside any queue.
        case ringingAgent
        case connected
        case onHold
    }

    public let callId: String
    public internal(set) var phase: Phase
    public internal(set) var queue: String?
    public internal(set) var caller: String?
    /// When the call entered its current queue; nil if the enqueue was never reported.
    public internal(set) var enqueuedAt: Date?
    public internal(set) var answeredAt: Date?
    public internal(set) var agentWorkId: String?
    /// The agent the caller asked for by work ID (R1.6: 客户指定话务员), carried by the
    /// `enqueued` event's `agentWorkId`; the built-in ACD offers the call to them first
    /// when they are free.
    public internal(set) var requestedWorkId: String?
    /// Agents whose phones ring for this call now (several under ring-all).
    public internal(set) var ringingAgents: Set<String>
    /// Start of the current hold, for "on hold for 2 min" (nil when not held).
    public internal(set) var holdSince: Date?
    /// Keys or options chosen in the voice menu, in order.
    public internal(set) var ivrSelections: [String]
    /// The queue wait at answer time, which decides service level at completion.
    public internal(set) var waitAtAnswer: TimeInterval?
    /// Whether the answer was counted in a queue's totals, so completion is too.
    var answeredFromQueue: Bool

    init(callId: String, phase: Phase) {
        self.callId = callId
        self.phase = phase
        self.ringingAgents = []
        self.ivrSelections = []
        self.answeredFromQueue = false
    }

    /// How long the caller has waited in the queue at `now` (nil unless waiting
    /// with a known enqueue time).
    public func waitingTime(at now: Date) -> TimeInterval? {
        guard phase == .waiting, let enqueuedAt else { return nil }
        return max(0, now.timeIntervalSince(enqueuedAt))
    }
}
