import Fluent
import Vapor

/// A telephone switch's credential for pushing CTI events. Only the SHA-256 is stored;
/// `kefu cti token add --name NAME [--company CODE]` prints the token once. A token
/// belongs to one company: what it posts is that company's.
final class CTIToken: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "cti_tokens"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// Creates a token for the switch `name` of `company` (nil: the only company; with
    /// several a clear error asks which); returns the plain token to hand to the switch's admin.
    static func add(name raw: String, company: UUID? = nil, on db: Database, now: Date) async throws -> String {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 60 else {
            throw KefuError.invalid([.init(field: "name", message: "交换机名称须为 1 到 60 个字符。")])
        }
        let companyID: UUID
        if let company { companyID = company } else { companyID = try await TenantData.system(db).company(named: nil).requireID() }
        // Names are unique across the center (the table's constraint): a switch is one machine.
        if try await TenantData.system(db).query(CTIToken.self).filter(\.$name == name).count() > 0 {
            throw KefuError.conflict("cti_token_exists", "名为「\(name)」的交换机令牌已存在。")
        }
        let token = "cti_" + [UInt8].random(count: 24).map { String(format: "%02x", $0) }.joined()
        let t = CTIToken()
        t.id = UUID(); t.companyID = companyID; t.name = name; t.tokenHash = UserToken.hash(token); t.active = true; t.createdAt = now
        try await t.create(on: db)
        try await History(db: db, actorWorkId: "cli", ip: nil, now: now)
            .audit(action: "cti.token_added", objectType: "cti_token", objectId: name)
        return token
    }

    /// An active token, whichever company it belongs to: the token is what names the company.
    static func find(token: String, on db: Database) async throws -> CTIToken? {
        try await TenantData.system(db).query(CTIToken.self).filter(\.$tokenHash == UserToken.hash(token)).filter(\.$active == true).first()
    }
}

/// Requests from a switch: the bearer token (or, for Zammad's push URL, the path's
/// `:token`) must be an active switch token. The switch and its company are stored on the
/// request: every event it posts belongs to that company (R11.2).
struct CTITokenAuth: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let token = request.headers.bearerAuthorization?.token ?? request.parameters.get("token")
        guard let token, let t = try await CTIToken.find(token: token, on: request.db) else {
            throw KefuError(.unauthorized, "unauthenticated", "交换机令牌无效：请用 kefu cti token add 生成。")
        }
        request.storage[CTISwitchKey.self] = t.name
        request.storage[CTICompanyKey.self] = t.companyID
        return try await next.respond(to: request)
    }
}

struct CTISwitchKey: StorageKey { typealias Value = String }
struct CTICompanyKey: StorageKey { typealias Value = UUID }

extension RoutesBuilder {
    /// Routes a telephone switch calls with its own token (not a person's session).
    func switchRoutes() -> RoutesBuilder {
        PermissionRoutes(base: self.grouped(CTITokenAuth()), value: RouteAccess.switchValue)
    }
}
