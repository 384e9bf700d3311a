import Fluent
import Vapor

/// One interval of traffic history, imported from CSV or folded from CTI events.
final class TrafficIntervalRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "traffic_intervals"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "start") var start: Date
    @Field(key: "interval_minutes") var intervalMinutes: Int
    @Field(key: "offered") var offered: Int
    @Field(key: "answered") var answered: Int
    @Field(key: "abandoned") var abandoned: Int
    @Field(key: "aht_seconds") var ahtSeconds: Double
    /// `csv` or `cti`: where the row came from, shown on the history page.
    @Field(key: "source") var source: String
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

/// A forecast for one month with the staffing computed from it. The whole result is
/// kept as JSON so the page, the roster and the five tables read exactly what was shown.
final class ForecastRun: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "forecast_runs"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    /// "2026-12"
    @Field(key: "month") var month: String
    @Field(key: "interval_minutes") var intervalMinutes: Int
    @Field(key: "method") var method: String
    /// `auto`, `holt-winters` or `wacc`, as asked.
    @Field(key: "requested_method") var requestedMethod: String
    /// KefuCore `ForecastResult` as JSON.
    @Field(key: "result") var result: String
    /// `StaffingParameters` as JSON.
    @Field(key: "staffing_params") var staffingParams: String
    /// `[StaffingResult]` per interval as JSON, same order as the forecast's intervals.
    @Field(key: "staffing") var staffing: String
    @OptionalField(key: "created_by") var createdBy: String?
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// What the roster builder needs to know about one person beyond their user record.
final class WorkforceProfile: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "workforce_profiles"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "work_id") var workId: String
    @Field(key: "weekly_hours") var weeklyHours: Double
    @Field(key: "night_allowed") var nightAllowed: Bool
    @Field(key: "reserve_eligible") var reserveEligible: Bool
    /// Comma-separated lists (skills, template codes, YYYY-MM-DD days).
    @Field(key: "skills") var skills: String
    @Field(key: "preferred_shifts") var preferredShifts: String
    @Field(key: "unavailable") var unavailable: String
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

/// One month's roster. Templates, rules and demand are snapshots, so later edits of the
/// templates do not silently change a roster already published.
final class RosterRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "rosters"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "month") var month: String
    /// `draft` or `published` (agents see only published rosters).
    @Field(key: "status") var status: String
    @OptionalField(key: "forecast_run_id") var forecastRunId: UUID?
    @Field(key: "interval_minutes") var intervalMinutes: Int
    /// KefuCore `RosterDemand` as JSON.
    @Field(key: "demand") var demand: String
    /// `[ShiftTemplate]` as JSON.
    @Field(key: "templates") var templates: String
    /// `RosterRules` as JSON.
    @Field(key: "rules") var rules: String
    /// Required seats per day and interval (`[[Int]]`) that the demand was solved from.
    @Field(key: "required_seats") var requiredSeats: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "updated_by") var updatedBy: String?
    init() {}
}

final class RosterAssignmentRecord: Model, @unchecked Sendable {
    static let schema = "roster_assignments"
    @ID(key: .id) var id: UUID?
    @Field(key: "roster_id") var rosterId: UUID
    @Field(key: "work_id") var workId: String
    @Field(key: "day") var day: String
    @Field(key: "shift_code") var shiftCode: String
    @Field(key: "role") var role: String
    init() {}
}

final class ShiftSwapRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "shift_swaps"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "roster_id") var rosterId: UUID
    @Field(key: "requester") var requester: String
    @Field(key: "peer") var peer: String
    @Field(key: "requester_day") var requesterDay: String
    @Field(key: "requester_shift") var requesterShift: String
    @OptionalField(key: "peer_day") var peerDay: String?
    @OptionalField(key: "peer_shift") var peerShift: String?
    @Field(key: "state") var state: String
    @Field(key: "note") var note: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    init() {}
}
