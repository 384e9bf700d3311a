import Foundation

/// Whether a schedule is proven best, only the best found in time, or impossible.
public enum ScheduleStatus: String, Codable, Sendable {
    case optimal, feasible, infeasible
}

/// People per shift per day, with the objective value, or why no schedule exists.
public struct ScheduleSolution: Codable, Equatable, Sendable {
    public var status: ScheduleStatus
    /// Total cost (min-resources) or total |coverage − required| (min-abs-difference); nil when infeasible.
    public var objective: Double?
    public var shiftNames: [String]
    /// `assignment[day][shift]`, shifts in `shiftNames` order; empty when infeasible.
    public var assignment: [[Int]]
    /// Why no schedule exists (Chinese, days and periods counted from 1), for the planner to fix the caps.
    public var infeasibleReason: String?

    public init(status: ScheduleStatus, objective: Double?, shiftNames: [String], assignment: [[Int]], infeasibleReason: String? = nil) {
        self.status = status
        self.objective = objective
        self.shiftNames = shiftNames
        self.assignment = assignment
        self.infeasibleReason = infeasibleReason
    }

    /// The CLI's output, keyed like pyworkforce's per-day result so scripts can
    /// diff the two: `{"status", "objective", "assignment": {"0": {"Morning": 3, …}, …}}`
    /// (day keys are strings because JSON object keys must be; `infeasibleReason` is added when set).
    public func cliJSON() throws -> Data {
        var days: [String: [String: Int]] = [:]
        for (d, row) in assignment.enumerated() {
            days[String(d)] = Dictionary(uniqueKeysWithValues: zip(shiftNames, row))
        }
        let body = ScheduleCLIBody(status: status, objective: objective, assignment: days, infeasibleReason: infeasibleReason)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(body)
    }
}

/// The `cliJSON` document; `objective` is written as `null` when infeasible.
private struct ScheduleCLIBody: Encodable {
    var status: ScheduleStatus
    var objective: Double?
    var assignment: [String: [String: Int]]
    var infeasibleReason: String?

    enum CodingKeys: String, CodingKey { case status, objective, assignment, infeasibleReason }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(objective, forKey: .objective)
        try c.encode(assignment, forKey: .assignment)
        try c.encodeIfPresent(infeasibleReason, forKey: .infeasibleReason)
    }
}
