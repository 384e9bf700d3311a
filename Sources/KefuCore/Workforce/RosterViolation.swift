import Foundation

/// A rule a roster breaks, reported per agent so the lead editing one cell
/// sees exactly whose week or rest became unlawful.
public struct RosterViolation: Codable, Equatable, Sendable {
    public var workId: String
    /// The day the violation shows on; nil for month-wide ones (weekly hours).
    public var day: LocalDay?
    /// Stable code: "weekly_hours", "rest", "consecutive_days", "nights_in_a_row",
    /// "unavailable", "night_not_allowed", "double_booked", "unknown_shift",
    /// "unknown_agent", "reserve_not_eligible".
    public var code: String
    /// Chinese explanation for the page.
    public var message: String

    public init(workId: String, day: LocalDay?, code: String, message: String) {
        self.workId = workId
        self.day = day
        self.code = code
        self.message = message
    }
}
