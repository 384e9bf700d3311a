import Foundation

/// What "best" means for a schedule — pyworkforce's two schedulers.
public enum ScheduleObjective: String, Codable, CaseIterable, Sendable {
    /// Never below the requirement, at the least total (cost-weighted) people
    /// (pyworkforce `MinRequiredResources`): the safe plan when service level is a promise.
    case minResources = "min-resources"
    /// Closest to the requirement, counting each person short or over in each
    /// period (pyworkforce `MinAbsDifference`): the plan when headcount is fixed-ish
    /// and under- and over-staffing cost about the same.
    case minAbsDifference = "min-abs-difference"
}

/// Knobs of one scheduling run. The caps are optional because a contact centre
/// often has none; pyworkforce requires both, so pass them when comparing.
public struct ScheduleOptions: Sendable {
    public var objective: ScheduleObjective
    /// At most this many people on one shift on one day (pyworkforce `max_shift_concurrency`).
    public var maxPerShift: Int?
    /// At most this many people working in any period (seats; pyworkforce `max_period_concurrency`).
    public var maxPerPeriod: Int?
    /// Wall-clock budget; when it runs out the best schedule found so far is
    /// returned with status `feasible` instead of waiting for the proof of optimality.
    public var timeLimitSeconds: Double

    public init(objective: ScheduleObjective, maxPerShift: Int? = nil, maxPerPeriod: Int? = nil, timeLimitSeconds: Double = 30) {
        self.objective = objective
        self.maxPerShift = maxPerShift
        self.maxPerPeriod = maxPerPeriod
        self.timeLimitSeconds = timeLimitSeconds
    }
}
