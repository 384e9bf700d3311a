import Fluent
import Vapor

/// A message for one person (by work ID) or for everyone holding a role — how escalations
/// reach the owner, the shift lead and the team lead.
final class KefuNotification: Model, @unchecked Sendable {
    static let schema = "notifications"
    @ID(key: .id) var id: UUID?
    /// The company a role-addressed notice is for (nil: a notice to one person, or center-wide).
    @OptionalField(key: "company_id") var companyID: UUID?
    @OptionalField(key: "recipient_work_id") var recipientWorkId: String?
    @OptionalField(key: "recipient_role") var recipientRole: String?
    @OptionalField(key: "work_order_id") var workOrderID: UUID?
    @Field(key: "message") var message: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(recipientWorkId: String?, recipientRole: String?, workOrderID: UUID?, message: String, createdAt: Date) {
        self.recipientWorkId = recipientWorkId; self.recipientRole = recipientRole
        self.workOrderID = workOrderID; self.message = message; self.createdAt = createdAt
    }
}
