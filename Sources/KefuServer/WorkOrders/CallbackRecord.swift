import Fluent
import Vapor

/// 回访: the call back to the customer before closing (R1.5).
final class CallbackRecord: Model, @unchecked Sendable {
    static let schema = "callbacks"
    @ID(key: .id) var id: UUID?
    @Parent(key: "work_order_id") var workOrder: WorkOrder
    @Field(key: "reached") var reached: Bool
    @OptionalField(key: "satisfaction") var satisfaction: Int?
    @Field(key: "note") var note: String
    @Field(key: "by_work_id") var byWorkId: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
