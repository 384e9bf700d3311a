import Fluent
import Vapor

/// A web chat between a customer and an agent (001: web chat opens with an automatic
/// greeting). The customer holds a secret token (only its hash is stored); when the agent
/// ends the chat it is stored as a contact and scored.
final class Chat: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "chats"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "customer_name") var customerName: String
    @OptionalField(key: "customer_phone") var customerPhone: String?
    @OptionalField(key: "agent_work_id") var agentWorkId: String?
    /// `waiting` (no agent yet), `open`, `closed`.
    @Field(key: "status") var status: String
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "contact_id") var contactId: UUID?

    init() {}
}
