import Fluent
import Vapor

/// One editable SLA policy row (type × priority) of one company; without a row the
/// shipped default (`SLAPolicy.defaultPolicy`) applies.
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

/// A branch's own, tighter targets for one type × priority (R11.1, 004 第三条: a branch may
/// be stricter than its company, never looser; `BranchRules`). Scoped through its branch:
/// read only for branches `TenantData` returned.
final class BranchSLATarget: Model, @unchecked Sendable {
    static let schema = "branch_sla_targets"
    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Field(key: "type") var type: String
    @Field(key: "priority") var priority: String
    @Field(key: "first_response_seconds") var firstResponseSeconds: Int
    @Field(key: "resolution_seconds") var resolutionSeconds: Int
    @Field(key: "updated_by") var updatedBy: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
    init(branchID: UUID, type: String, priority: String, firstResponseSeconds: Int, resolutionSeconds: Int, updatedBy: String, updatedAt: Date) {
        self.$branch.id = branchID; self.type = type; self.priority = priority
        self.firstResponseSeconds = firstResponseSeconds; self.resolutionSeconds = resolutionSeconds
        self.updatedBy = updatedBy; self.updatedAt = updatedAt
    }
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
