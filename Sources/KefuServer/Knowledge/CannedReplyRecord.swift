import Fluent
import Vapor

/// One canned reply (R6.3): an agent's own (`ownerWorkId` set) or the company's shared one
/// (`ownerWorkId` empty, so one unique index covers both kinds on both databases).
final class CannedReplyRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "canned_replies"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "owner_work_id") var ownerWorkId: String
    @Field(key: "shortcut") var shortcut: String
    @Field(key: "title") var title: String
    @Field(key: "text") var text: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var isShared: Bool { ownerWorkId.isEmpty }
}
