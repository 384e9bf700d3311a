import Fluent
import Vapor

/// A telephone switch's credential for pushing CTI events. Only the SHA-256 is stored;
/// `kefu cti token add --name NAME` prints the token once.
final class CTIToken: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "cti_tokens"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// Creates a token for the switch `name`; returns the plain token to hand to the switch's admin.
    static func add(name raw: String, on db: Database, now: Date) async throws -> String {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 60 else {
            throw KefuError.invalid([.init(field: "name", message: "交换机名称须为 1 到 60 个字符。")])
        }
        if try await CTIToken.query(on: db).filter(\.$name == name).count() > 0 {
            throw KefuError.conflict("cti_token_exists", "名为「\(name)」的交换机令牌已存在。")
        }
        let token = "cti_" + [UInt8].random(count: 24).map { String(format: "%02x", $0) }.joined()
        let t = CTIToken()
        t.id = UUID(); t.name = name; t.tokenHash = UserToken.hash(token); t.active = true; t.createdAt = now
        try await t.create(on: db)
        try await History(db: db, actorWorkId: "cli", ip: nil, now: now)
            .audit(action: "cti.token_added", objectType: "cti_token", objectId: name)
        return token
    }

    static func find(token: String, on db: Database) async throws -> CTIToken? {
        try await CTIToken.query(on: db).filter(\.$tokenHash == UserToken.hash(token)).filter(\.$active == true).first()
    }
}

/// Requests from a switch: the bearer token (or, for Zammad's push URL, the path's
/// `:token`) must be an active switch token. The switch is stored on the request.
struct CTITokenAuth: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let token = request.headers.bearerAuthorization?.token ?? request.parameters.get("token")
        guard let token, let t = try await CTIToken.find(token: token, on: request.db) else {
            throw KefuError(.unauthorized, "unauthenticated", "交换机令牌无效：请用 kefu cti token add 生成。")
        }
        request.storage[CTISwitchKey.self] = t.name
        return try await next.respond(to: request)
    }
}

struct CTISwitchKey: StorageKey { typealias Value = String }

extension RoutesBuilder {
    /// Routes a telephone switch calls with its own token (not a person's session).
    func switchRoutes() -> RoutesBuilder {
        PermissionRoutes(base: self.grouped(CTITokenAuth()), value: RouteAccess.switchValue)
    }
}
