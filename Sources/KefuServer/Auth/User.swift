import Fluent
import Vapor
import KefuCore

/// A person who signs in with their work ID (工号). Names stay inside the center; customers
/// are only ever told the work ID (R2.5).
final class User: Model, Authenticatable, CompanyScoped, @unchecked Sendable {
    static let schema = "users"
    @ID(key: .id) var id: UUID?
    @Field(key: "work_id") var workId: String
    @Field(key: "name") var name: String
    @Field(key: "role") var role: String
    @Field(key: "password_hash") var passwordHash: String
    @OptionalParent(key: "department_id") var department: Department?
    /// The client company this person belongs to (R11.2); `company_grants` may add others.
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "branch_id") var branchID: UUID?
    /// The 班组 this agent sits in (`TeamDirectory` keeps it to agents of the team's company).
    @OptionalField(key: "team_id") var teamID: UUID?
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(workId: String, name: String, role: Role, passwordHash: String, departmentID: UUID?,
         companyID: UUID, branchID: UUID?, createdAt: Date) {
        self.workId = workId; self.name = name; self.role = role.rawValue; self.passwordHash = passwordHash
        self.$department.id = departmentID; self.companyID = companyID; self.branchID = branchID
        self.active = true; self.createdAt = createdAt
    }

    /// For labels and home pages only; an unknown stored role falls back to the most
    /// restricted presentation, and `can` refuses everything for it.
    var roleValue: Role { Role(rawValue: role) ?? .agent }
    func can(_ p: Permission) -> Bool {
        guard active, let known = Role(rawValue: role) else { return false }
        return p.isGranted(to: known)
    }
}
