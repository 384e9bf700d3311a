import Fluent
import Vapor

/// One editable SLA policy row (type × priority).
final class SLAPolicyRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "sla_policies"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "type") var type: String
    @Field(key: "priority") var priority: String
    @Field(key: "first_response_seconds") var firstResponseSeconds: Int
    @Field(key: "resolution_seconds") var resolutionSeconds: Int
    @Field(key: "calendar") var calendar: String

    init() {}
}

/// A public holiday or a make-up working day (调休) of the working-day calendar.
final class HolidayRecord: Model, @unchecked Sendable {
    static let schema = "holidays"
    @ID(key: .id) var id: UUID?
    @Field(key: "day") var day: String
    @Field(key: "name") var name: String
    @Field(key: "makeup_workday") var makeupWorkday: Bool

    init() {}
    init(day: String, name: String, makeupWorkday: Bool) { self.day = day; self.name = name; self.makeupWorkday = makeupWorkday }
}
