import Foundation

/// Why an agent is on a shift: answering demand, or held back for emergencies.
public enum RosterRole: String, Codable, Sendable {
    /// 正常 — counts toward the shift scheduler's requirement.
    case regular
    /// 应急备班 — standing reserve on top of the requirement (ordinary days).
    case reserve
    /// 节日应急台席 — holiday standby seat, called in for overtime when traffic spikes.
    case standby
}

/// One cell of the roster grid: who works which shift on which day.
public struct RosterAssignment: Codable, Hashable, Sendable {
    public var workId: String
    public var day: LocalDay
    public var shiftCode: String
    public var role: RosterRole

    public init(workId: String, day: LocalDay, shiftCode: String, role: RosterRole = .regular) {
        self.workId = workId
        self.day = day
        self.shiftCode = shiftCode
        self.role = role
    }
}

/// Seats the builder could not fill without breaking a rule, so the lead
/// sees where to hire, call in overtime or move leave.
public struct RosterShortfall: Codable, Equatable, Sendable {
    public var day: LocalDay
    public var shiftCode: String
    public var missing: Int
    /// Which kind of seat is missing (regular requirement, reserve or standby).
    public var role: RosterRole

    public init(day: LocalDay, shiftCode: String, missing: Int, role: RosterRole = .regular) {
        self.day = day
        self.shiftCode = shiftCode
        self.missing = missing
        self.role = role
    }
}

/// Per-agent totals for the month, shown beside the grid so fairness (nights,
/// holidays) and the 40-hour rule can be checked at a glance.
public struct AgentRosterStats: Codable, Equatable, Sendable {
    public var workId: String
    /// Paid hours of every rostered shift (standby included, so the limit
    /// holds even if every standby seat is called in).
    public var hours: Double
    /// `hours` spread over the weeks of the period (days / 7).
    public var averageWeeklyHours: Double
    public var shifts: Int
    public var nights: Int
    public var holidayShifts: Int
    public var monthStartShifts: Int
    public var daysOff: Int

    public init(workId: String, hours: Double, averageWeeklyHours: Double, shifts: Int, nights: Int,
                holidayShifts: Int, monthStartShifts: Int, daysOff: Int) {
        self.workId = workId
        self.hours = hours
        self.averageWeeklyHours = averageWeeklyHours
        self.shifts = shifts
        self.nights = nights
        self.holidayShifts = holidayShifts
        self.monthStartShifts = monthStartShifts
        self.daysOff = daysOff
    }
}

/// A month roster (排班表): the grid, what could not be staffed, and totals.
public struct Roster: Codable, Equatable, Sendable {
    /// Ordered by day, template order, role, work ID.
    public var assignments: [RosterAssignment]
    public var shortfalls: [RosterShortfall]
    /// One entry per agent, ordered by work ID.
    public var stats: [AgentRosterStats]

    public init(assignments: [RosterAssignment], shortfalls: [RosterShortfall], stats: [AgentRosterStats]) {
        self.assignments = assignments
        self.shortfalls = shortfalls
        self.stats = stats
    }
}
