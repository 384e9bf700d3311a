import Vapor

/// Form posts from pages must carry the session's CSRF token (`_csrf`). API calls use
/// bearer tokens, which a foreign site cannot send, and are exempt.
struct CSRFMiddleware: AsyncMiddleware {
    static let sessionKey = "csrf"
    static let field = "_csrf"
    /// Pages whose forms upload a file (transcripts, a month of customer figures).
    static let uploadPaths: Set<String> = ["/qa/import", "/customers/tiers/values"]

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if request.method == .POST, !request.url.path.hasPrefix("/api/") {
            // A large form (a transcript upload) arrives as a stream; read it first so the
            // token can be checked. Only the upload forms may send more than the usual 1 MB.
            if request.body.data == nil {
                let max = Self.uploadPaths.contains(request.url.path) ? 20 * 1024 * 1024 : 1024 * 1024
                _ = try await request.body.collect(max: max).get()
            }
            struct Form: Content { var _csrf: String? }
            let sent = (try? request.content.decode(Form.self))?._csrf
            guard let expected = request.session.data[Self.sessionKey], let sent, sent == expected else {
                throw KefuError(.forbidden, "csrf_failed", "页面已过期或来源不明，请刷新页面后重试。")
            }
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The session's CSRF token, created on first use.
    var csrfToken: String {
        if let t = session.data[CSRFMiddleware.sessionKey] { return t }
        let t = [UInt8].random(count: 24).base64
        session.data[CSRFMiddleware.sessionKey] = t
        return t
    }
}
