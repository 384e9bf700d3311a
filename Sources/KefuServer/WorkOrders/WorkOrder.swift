import Fluent
import Vapor
import KefuCore

/// The work order (工单). SLA state is stored, not derived at read time, so the sweeper
/// can ask the database "what is due" and several processes agree on it.
final class WorkOrder: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "work_orders"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "number") var number: String
    @Field(key: "type") var type: String
    @Field(key: "channel") var channel: String
    @Field(key: "status") var status: String
    @Field(key: "priority") var priority: String
    @Field(key: "subject") var subject: String
    @Field(key: "description") var description: String
    @Field(key: "owner_work_id") var ownerWorkId: String
    @Field(key: "created_by_work_id") var createdByWorkId: String
    @Parent(key: "customer_id") var customer: Customer
    @OptionalField(key: "address") var address: Address?
    @Field(key: "needs_visit") var needsVisit: Bool
    @Field(key: "first_response_due_at") var firstResponseDueAt: Date
    @OptionalField(key: "first_responded_at") var firstRespondedAt: Date?
    @Field(key: "resolution_target_seconds") var resolutionTargetSeconds: Int
    @Field(key: "calendar_kind") var calendarKind: String
    @OptionalField(key: "resolution_due_at") var resolutionDueAt: Date?
    @Field(key: "paused_seconds") var pausedSeconds: Int
    @OptionalField(key: "paused_since") var pausedSince: Date?
    @Field(key: "escalation_level") var escalationLevel: Int
    @OptionalField(key: "next_escalation_at") var nextEscalationAt: Date?
    @OptionalField(key: "duplicate_of") var duplicateOf: UUID?
    @OptionalField(key: "promised_reply_at") var promisedReplyAt: Date?
    @Field(key: "callback_done") var callbackDone: Bool
    @Field(key: "open_supervision_count") var openSupervisionCount: Int
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var typeValue: WorkOrderType { WorkOrderType(rawValue: type) ?? .consultation }
    var channelValue: KefuCore.Channel { KefuCore.Channel(rawValue: channel) ?? .phone }
    var statusValue: WorkOrderStatus { WorkOrderStatus(rawValue: status) ?? .open }
    var priorityValue: Priority { Priority(rawValue: priority) ?? .normal }
    var calendarKindValue: ServiceCalendar.Kind { ServiceCalendar.Kind(rawValue: calendarKind) ?? .allDay }
}
