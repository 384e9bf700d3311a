import Fluent
import Vapor
import KefuCore

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

extension KefuNotification {
    /// The notices `user` reads: those addressed to them by work ID, and those addressed to
    /// their role for a company in `scope` — a shift lead of company B never reads A's
    /// escalations. A role notice without a company reaches nobody but `.system` readers:
    /// every writer names the company (R11.2).
    static func addressed(to user: User, scope: TenantScope, on db: any Database) -> QueryBuilder<KefuNotification> {
        KefuNotification.query(on: db).group(.or) { or in
            or.filter(\.$recipientWorkId == user.workId)
            or.group(.and) { role in
                role.filter(\.$recipientRole == user.role)
                if let ids = scope.companyIDs { role.filter(\.$companyID ~~ ids.map { Optional($0) }) }
            }
        }
    }

    /// A notice for everyone holding `role` in `company`.
    convenience init(role: String, company: UUID, workOrderID: UUID?, message: String, createdAt: Date) {
        self.init(recipientWorkId: nil, recipientRole: role, workOrderID: workOrderID, message: message, createdAt: createdAt)
        companyID = company
    }
}
