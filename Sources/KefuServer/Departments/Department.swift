import Fluent
import Vapor

/// A back-office department (技术部, 财务部 …) that receives supervision orders through its liaisons.
final class Department: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "departments"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(name: String, companyID: UUID, branchID: UUID?, createdAt: Date) {
        self.name = name; self.companyID = companyID; self.branchID = branchID; self.createdAt = createdAt
    }
}
