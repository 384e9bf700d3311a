import Vapor
import Fluent
import KefuCore

/// POST /api/v1/session: work ID + password → bearer token.
struct SessionAPI {
    func register(_ api: RoutesBuilder) {
        api.publicRoutes().post("session", use: create)
        api.requiring(.signedIn).delete("session", use: revoke)
    }

    /// DELETE /api/v1/session: the bearer token of this request stops working at once.
    func revoke(req: Request) async throws -> Response {
        guard let bearer = req.headers.bearerAuthorization else {
            throw KefuError.badRequest("只能注销以令牌登录的会话。")
        }
        try await UserToken.query(on: req.db).filter(\.$tokenHash == UserToken.hash(bearer.token)).delete()
        try await req.history().audit(action: "token.revoke", objectType: "user", objectId: req.auth.get(User.self)?.workId)
        return Response(status: .noContent)
    }

    struct Input: Content { var workId: String?; var password: String? }
    struct Output: Content { var token: String; var workId: String; var name: String; var role: String; var expiresAt: Date }

    func create(req: Request) async throws -> Output {
        let input = try req.content.decode(Input.self)
        guard let workId = input.workId, !workId.isEmpty, let password = input.password, !password.isEmpty else {
            throw KefuError.invalid([.init(field: "workId", message: "请输入工号和密码")])
        }
        let user = try await Login.verify(workId: workId, password: password, on: req)
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = UInt8.random(in: .min ... .max) }
        let token = Data(bytes).base64EncodedString().replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")
        // Token lifetime is security, not business time: it follows the wall clock even when
        // a training center fast-forwards the simulated clock.
        let issued = Date()
        let expires = issued.addingTimeInterval(TimeInterval(req.kefu.settings.tokenLifetimeSeconds))
        guard let userID = user.id else { throw KefuError(.internalServerError, "internal_error", "用户记录缺少编号。") }
        try await UserToken(tokenHash: UserToken.hash(token), userID: userID, expiresAt: expires, createdAt: issued).create(on: req.db)
        return Output(token: token, workId: user.workId, name: user.name, role: user.role, expiresAt: expires)
    }
}
