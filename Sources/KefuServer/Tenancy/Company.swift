import Fluent
import Vapor

/// A client company (租户, R11.2): the unit of hard isolation. The operating company is the
/// one whose center this is; its staff may be granted other companies.
final class Company: Model, @unchecked Sendable {
    static let schema = "companies"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "hotline") var hotline: String
    @Field(key: "is_operator") var isOperator: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(code: String, name: String, hotline: String, isOperator: Bool, createdAt: Date) {
        self.code = code; self.name = name; self.hotline = hotline; self.isOperator = isOperator; self.createdAt = createdAt
    }
}

/// A branch 分公司 of a company (R11.1): its own hotline and IVR welcome. Soft scope: it
/// filters and labels rows, the company is what isolates them.
final class Branch: Model, @unchecked Sendable {
    static let schema = "branches"
    @ID(key: .id) var id: UUID?
    @Parent(key: "company_id") var company: Company
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "hotline") var hotline: String
    /// With {company}, {branch} and {hotline} placeholders; see `WelcomeText`.
    @Field(key: "welcome") var welcome: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(companyID: UUID, code: String, name: String, hotline: String, welcome: String, createdAt: Date) {
        self.$company.id = companyID; self.code = code; self.name = name; self.hotline = hotline
        self.welcome = welcome; self.createdAt = createdAt
    }
}

/// Access to a company other than the user's own (an operating-company admin, planner, QC
/// inspector, or an agent serving several companies from one seat).
final class CompanyGrant: Model, @unchecked Sendable {
    static let schema = "company_grants"
    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Parent(key: "company_id") var company: Company
    @Field(key: "granted_by") var grantedBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(userID: UUID, companyID: UUID, grantedBy: String, createdAt: Date) {
        self.$user.id = userID; self.$company.id = companyID; self.grantedBy = grantedBy; self.createdAt = createdAt
    }
}
