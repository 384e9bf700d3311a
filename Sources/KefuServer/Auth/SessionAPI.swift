import Vapor
import Fluent
import KefuCore

/// POST /api/v1/session: work ID + password → bearer token.
struct SessionAPI {
    func register(_ api: RoutesBuilder) {
        api.publicRoutes().post("session", use: create)
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
        try await UserToken(tokenHash: UserToken.hash(token), userID: user.id!, expiresAt: expires, createdAt: issued).create(on: req.db)
        return Output(token: token, workId: user.workId, name: user.name, role: user.role, expiresAt: expires)
    }
}

/// Password check shared by the API and the login page. Bcrypt runs off the event loop.
enum Login {
    static func verify(workId: String, password: String, on req: Request) async throws -> User {
        let user = try await User.query(on: req.db).filter(\.$workId == workId.trimmingCharacters(in: .whitespaces)).first()
        guard let user, user.active,
              try await req.password.async.verify(password, created: user.passwordHash) else {
            throw KefuError(.unauthorized, "invalid_credentials", "工号或密码错误。")
        }
        return user
    }
}
