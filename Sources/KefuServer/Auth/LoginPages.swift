import Vapor
import Fluent

/// The sign-in page and sign-out.
struct LoginPages {
    func register(_ routes: RoutesBuilder) {
        let open = routes.publicRoutes()
        open.get { req -> Response in
            guard let user = req.auth.get(User.self) else { return req.redirect(to: "/login") }
            return req.redirect(to: user.roleValue.homePath)
        }
        open.get("login", use: page)
        open.post("login", use: submit)
        routes.requiring(.signedIn).post("logout", use: logout)
    }

    struct Context: Encodable { var page: PageContext; var error: String?; var workId: String; var next: String }

    func page(req: Request) async throws -> View {
        try await req.view.render("login", Context(page: PageContext(req, user: nil, title: "登录"), error: nil, workId: "",
                                                   next: req.query[String.self, at: "next"] ?? ""))
    }

    struct Form: Content { var workId: String?; var password: String?; var next: String? }

    func submit(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        do {
            let user = try await Login.verify(workId: form.workId ?? "", password: form.password ?? "", on: req)
            req.session.data[UserAuthenticator.sessionKey] = user.id!.uuidString
            try await req.history().audit(action: "user.login", objectType: "user", objectId: user.workId)
            let next = form.next ?? ""
            return req.redirect(to: next.hasPrefix("/") && !next.hasPrefix("//") ? next : user.roleValue.homePath)
        } catch let e as KefuError {
            let view = try await req.view.render("login", Context(page: PageContext(req, user: nil, title: "登录"), error: e.reason,
                                                                   workId: form.workId ?? "", next: form.next ?? ""))
            let res = try await view.encodeResponse(for: req)
            res.status = .unauthorized
            return res
        }
    }

    func logout(req: Request) async throws -> Response {
        req.session.destroy()
        return req.redirect(to: "/login")
    }
}
