import Foundation

/// One look at the floor, taken by the caller. The engine never reads a
/// clock: `now` comes from here, so the simulated clock drives it exactly as
/// real time would.
public struct EmergencyObservation: Sendable, Equatable, Codable {
    public var now: Date
    /// Calls waiting in the inbound queue (呼入等待人数).
    public var waiting: Int
    /// Staff of each group who could be signed into inbound now (signed in,
    /// not already answering inbound, not on a break). Missing groups count as 0.
    public var available: [AgentGroup: Int]
    /// Supervisors on duty; at night all but the policy's kept number join inbound.
    public var supervisorsOnDuty: Int
    /// Seats answering inbound now, including staff already pulled in; the
    /// physical seat cap is checked against it, and the seat estimate counts it as staffed.
    public var seatsInUse: Int
    /// Recent inbound arrivals per hour and average handle time; when both are
    /// given, extended shifts and overtime are sized from them.
    public var arrivalsPerHour: Double?
    public var averageHandleSeconds: Double?
    /// Forces night (true) or day (false); nil reads the policy's night window at `now`.
    public var isNight: Bool?

    public init(now: Date, waiting: Int, available: [AgentGroup: Int] = [:], supervisorsOnDuty: Int = 0,
                seatsInUse: Int = 0, arrivalsPerHour: Double? = nil, averageHandleSeconds: Double? = nil,
                isNight: Bool? = nil) {
        self.now = now
        self.waiting = waiting
        self.available = available
        self.supervisorsOnDuty = supervisorsOnDuty
        self.seatsInUse = seatsInUse
        self.arrivalsPerHour = arrivalsPerHour
        self.averageHandleSeconds = averageHandleSeconds
        self.isNight = isNight
    }

    public func available(_ group: AgentGroup) -> Int {
        max(0, available[group] ?? 0)
    }
}
