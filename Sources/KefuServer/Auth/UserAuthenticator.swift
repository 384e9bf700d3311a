import Vapor
import Fluent
import SQLKit
import KefuCore

/// Signs a request in from a bearer token (API) or the session cookie (pages).
struct UserAuthenticator: AsyncMiddleware {
    static let sessionKey = "uid"

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization {
            if let (user, grants) = try await Self.user(forToken: bearer.token, reads: request.leanReads) {
                request.auth.login(user)
                request.knownGrants = grants
            }
        } else if !request.url.path.hasPrefix("/api/"),
                  let raw = request.session.data[Self.sessionKey], let id = UUID(uuidString: raw),
                  let (user, grants) = try await Self.user(id: id, reads: request.leanReads) {
            request.auth.login(user)
            request.knownGrants = grants
            // Pages show the company switcher to people who may work for several companies.
            request.companySwitcher = try await CompanySwitcher.load(for: request)
        }
        return try await next.respond(to: request)
    }

    /// The active user behind an unexpired token, and the companies granted to them: one
    /// joined SQLKit query on every API request (a row per grant), instead of three Fluent
    /// queries with model hydration.
    /// The columns of a signed-in person and one of their granted companies (a row per grant).
    struct SignInRow: Decodable, Sendable {
        var id: UUID; var work_id: String; var name: String; var role: String
        var password_hash: String; var department_id: UUID?; var active: Bool; var created_at: Date
        var company_id: UUID; var branch_id: UUID?; var granted_company_id: UUID?
    }

    /// `SignInRow`'s columns, from `users u` joined with `company_grants g`.
    /// The queries say `u.active`, not `u.active = ?` bound to true: SQLite re-prepares a
    /// statement whenever a 0 or 1 bound to an `=` filter is bound again (`whereLoopOutputAdjust`),
    /// and these run on every request.
    private static let signInColumns = """
        u.id, u.work_id, u.name, u.role, u.password_hash, u.department_id, u.active, u.created_at,
        u.company_id, u.branch_id, g.company_id AS granted_company_id
        """

    private enum ByToken: PreparedRead {
        static let sql = """
            SELECT \(signInColumns)
            FROM "\(UserToken.schema)" t JOIN "\(User.schema)" u ON u.id = t.user_id
            LEFT JOIN "\(CompanyGrant.schema)" g ON g.user_id = u.id
            WHERE t.token_hash = ? AND t.expires_at > ? AND u.active
            """
    }

    private enum BySession: PreparedRead {
        static let sql = """
            SELECT \(signInColumns)
            FROM "\(User.schema)" u LEFT JOIN "\(CompanyGrant.schema)" g ON g.user_id = u.id
            WHERE u.id = ? AND u.active
            """
    }

    static func user(forToken token: String, reads: LeanReads) async throws -> (User, [UUID])? {
        user(from: try await reads.all(SQLText(ByToken.self, binds: [.text(UserToken.hash(token)), .date(Date())]),
                                       as: SignInRow.self))
    }

    /// The active person a page session names, with their grants: one lean read per page
    /// request (a workspace polls every few seconds) instead of a Fluent model read.
    static func user(id: UUID, reads: LeanReads) async throws -> (User, [UUID])? {
        user(from: try await reads.all(SQLText(BySession.self, binds: [.uuid(id)]), as: SignInRow.self))
    }

    private static func user(from rows: [SignInRow]) -> (User, [UUID])? {
        guard let row = rows.first else { return nil }
        // A role this build does not know signs nobody in: no silent downgrade to "agent".
        guard let role = Role(rawValue: row.role) else { return nil }
        let user = User(workId: row.work_id, name: row.name, role: role,
                        passwordHash: row.password_hash, departmentID: row.department_id,
                        companyID: row.company_id, branchID: row.branch_id, createdAt: row.created_at)
        user.id = row.id
        user.active = row.active
        user.$id.exists = true
        return (user, rows.compactMap(\.granted_company_id))
    }
}
