import Fluent
import Vapor

/// The agent's one appeal against a reviewed contact's findings (R2.10: results go into the
/// appraisal, so the agent gets one say). `status`: open → upheld (findings withdrawn) | dismissed.
final class QAAppeal: Model, @unchecked Sendable {
    static let schema = "qa_appeals"
    @ID(key: .id) var id: UUID?
    @Parent(key: "contact_id") var contact: Contact
    @Field(key: "agent_work_id") var agentWorkId: String
    @Field(key: "reason") var reason: String
    @Field(key: "status") var status: String
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
