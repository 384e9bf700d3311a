import Vapor
import Fluent
import KefuCore

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
                                                   next: SafeRedirect.localPath(req.query[String.self, at: "next"]) ?? ""))
    }

    struct Form: Content { var workId: String?; var password: String?; var next: String? }

    func submit(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        do {
            let user = try await Login.verify(workId: form.workId ?? "", password: form.password ?? "", on: req)
            guard let userID = user.id else { throw KefuError(.internalServerError, "internal_error", "用户记录缺少编号。") }
            try await startFreshSession(req)
            req.session.data[UserAuthenticator.sessionKey] = userID.uuidString
            try await req.history().audit(action: "user.login", objectType: "user", objectId: user.workId)
            return req.redirect(to: SafeRedirect.localPath(form.next) ?? user.roleValue.homePath)
        } catch let e as KefuError {
            let next = SafeRedirect.localPath(form.next) ?? ""
            let view = try await req.view.render("login", Context(page: PageContext(req, user: nil, title: "登录"), error: e.reason,
                                                                   workId: form.workId ?? "", next: next))
            let res = try await view.encodeResponse(for: req)
            res.status = e.status
            for (name, value) in e.headers { res.headers.replaceOrAdd(name: name, value: value) }
            return res
        }
    }

    func logout(req: Request) async throws -> Response {
        try await req.history().audit(action: "user.logout", objectType: "user", objectId: req.auth.get(User.self)?.workId)
        req.auth.logout(User.self)
        // Destroying deletes the stored session and expires the cookie; the next page starts
        // a new anonymous session with a new id.
        req.session.destroy()
        return req.redirect(to: "/login")
    }

    /// A session id that existed before sign-in (planted by someone else, or an anonymous
    /// visit's) is dropped, so the signed-in session gets an id nobody else has seen.
    private func startFreshSession(_ req: Request) async throws {
        let csrf = req.session.data[CSRFMiddleware.sessionKey]
        if let old = req.session.id {
            try await req.application.sessions.driver.deleteSession(old, for: req).get()
        }
        req.session.id = nil
        req.session.data = SessionData()
        // The page's forms keep working after sign-in; the token is re-issued with the session.
        if let csrf { req.session.data[CSRFMiddleware.sessionKey] = csrf }
    }
}
