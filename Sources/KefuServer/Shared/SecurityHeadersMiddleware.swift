import Vapor

/// Headers every response carries, errors included (it is the outermost middleware).
///
/// The CSP allows scripts only from our own files (no inline script, no eval), so an injected
/// `<script>` in a customer's name or a chat line cannot run; styles may be inline because
/// Leaf templates set widths on chart bars. Pages may not be framed (click-jacking of 保存 or
/// 结单). The session cookie is marked Secure when the request came over TLS (directly or
/// through a trusted proxy) or when the operator says so.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ].joined(separator: "; ")

    let cookieName: String
    let secureCookies: Bool

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let h = response.headers
        if !h.contains(name: "Content-Security-Policy") {
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        }
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "Cross-Origin-Opener-Policy", value: "same-origin")
        let tls = secureCookies || request.isSecureTransport
        if tls {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
            if var cookie = response.cookies[cookieName] {
                cookie.isSecure = true
                response.cookies[cookieName] = cookie
            }
        }
        // Pages carry per-session data (CSRF tokens, names): never cache them in shared caches.
        if !request.url.path.hasPrefix("/css/") && !request.url.path.hasPrefix("/js/") && !h.contains(name: .cacheControl) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
