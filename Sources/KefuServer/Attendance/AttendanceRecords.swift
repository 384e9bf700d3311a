import Fluent
import Vapor
import KefuCore

/// One punch (打卡), from the workspace, the seat's sign-in, a clock machine or a lead.
final class AttendancePunch: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "attendance_punches"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "work_id") var workId: String
    @Field(key: "at") var at: Date
    @Field(key: "kind") var kind: PunchKind
    @Field(key: "source") var source: PunchSource
    /// A lead's correction says why.
    @OptionalField(key: "note") var note: String?
    @Field(key: "recorded_by") var recordedBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A leave request (请假) and the team lead's answer.
final class LeaveRequest: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "leave_requests"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "work_id") var workId: String
    @Field(key: "kind") var kind: LeaveKind
    @Field(key: "from_day") var fromDay: String
    @Field(key: "through_day") var throughDay: String
    @Field(key: "reason") var reason: String
    @Field(key: "status") var status: LeaveStatus
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "reply") var reply: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

extension QueryBuilder where Model == LeaveRequest {
    /// Approved leave touching `first`…`last`: the only leave that changes a roster or a sheet.
    func approved(overlapping first: LocalDay, _ last: LocalDay) -> Self {
        filter(\.$status == .approved).filter(\.$fromDay <= last.description).filter(\.$throughDay >= first.description)
    }
}

/// One version of the center's attendance and penalty rules (R9.3: data, versioned).
final class AttendanceRuleVersion: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "attendance_rule_versions"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "version") var version: Int
    /// `AttendanceRules` as JSON.
    @Field(key: "attendance") var attendance: String
    /// `PenaltyRules` as JSON.
    @Field(key: "penalties") var penalties: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
