import Fluent
import Vapor

/// 督办单: work sent to a department with a deadline; answered by a receipt (回单) (R1.3).
final class SupervisionOrder: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "supervision_orders"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Parent(key: "work_order_id") var workOrder: WorkOrder
    @Parent(key: "department_id") var department: Department
    @Field(key: "status") var status: String
    @Field(key: "deadline") var deadline: Date
    @Field(key: "note") var note: String
    @OptionalField(key: "receipt_text") var receiptText: String?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @OptionalField(key: "answered_by_work_id") var answeredByWorkId: String?
    @Field(key: "escalated") var escalated: Bool
    @Field(key: "created_by_work_id") var createdByWorkId: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// 受理单: a hand-over of the matter to the shift lead, with the agent's account of it.
final class AcceptanceForm: Model, @unchecked Sendable {
    static let schema = "acceptance_forms"
    @ID(key: .id) var id: UUID?
    @Parent(key: "work_order_id") var workOrder: WorkOrder
    @Field(key: "note") var note: String
    @Field(key: "created_by_work_id") var createdByWorkId: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
