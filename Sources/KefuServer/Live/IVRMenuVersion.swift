import Fluent
import Vapor

/// One saved version of the voice menu; the newest is the one exported to the switch.
final class IVRMenuVersion: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "ivr_menus"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "body") var body: String
    @Field(key: "note") var note: String
    @OptionalField(key: "created_by") var createdBy: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
