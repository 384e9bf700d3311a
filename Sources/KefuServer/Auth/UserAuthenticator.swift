import Vapor
import Fluent
import SQLKit
import KefuCore

/// Signs a request in from a bearer token (API) or the session cookie (pages).
struct UserAuthenticator: AsyncMiddleware {
    static let sessionKey = "uid"

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization {
            if let user = try await Self.user(forToken: bearer.token, on: request.db) { request.auth.login(user) }
        } else if !request.url.path.hasPrefix("/api/"),
                  let raw = request.session.data[Self.sessionKey], let id = UUID(uuidString: raw),
                  let user = try await User.find(id, on: request.db), user.active {
            request.auth.login(user)
            // Pages show the company switcher to people who may work for several companies.
            request.companySwitcher = try await CompanySwitcher.load(for: request)
        }
        return try await next.respond(to: request)
    }

    /// The active user behind an unexpired token: one joined SQLKit query on every API
    /// request, instead of two Fluent queries with model hydration.
    static func user(forToken token: String, on db: Database) async throws -> User? {
        struct Row: Decodable {
            var id: UUID; var work_id: String; var name: String; var role: String
            var password_hash: String; var department_id: UUID?; var active: Bool; var created_at: Date
            var company_id: UUID; var branch_id: UUID?
        }
        let row = try await (try db.sql()).select()
            .column(SQLColumn(SQLLiteral.all, table: SQLIdentifier(User.schema)))
            .from(UserToken.schema)
            .join(User.schema, on: SQLColumn("user_id", table: UserToken.schema), .equal, SQLColumn("id", table: User.schema))
            .where(SQLColumn("token_hash", table: UserToken.schema), .equal, SQLBind(UserToken.hash(token)))
            .where(SQLColumn("expires_at", table: UserToken.schema), .greaterThan, SQLBind(Date()))
            .where(SQLColumn("active", table: User.schema), .equal, SQLBind(true))
            .first(decoding: Row.self)
        guard let row else { return nil }
        // A role this build does not know signs nobody in: no silent downgrade to "agent".
        guard let role = Role(rawValue: row.role) else { return nil }
        let user = User(workId: row.work_id, name: row.name, role: role,
                        passwordHash: row.password_hash, departmentID: row.department_id,
                        companyID: row.company_id, branchID: row.branch_id, createdAt: row.created_at)
        user.id = row.id
        user.active = row.active
        user.$id.exists = true
        return user
    }
}
