import Fluent
import Vapor

/// A 班组 of one company: its name, its team lead, and (through `users.team_id`) its agents.
final class Team: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "teams"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "lead_id") var leadID: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
