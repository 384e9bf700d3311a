import Vapor

/// Whether a request that a browser may send cross-site (a WebSocket upgrade) came from one
/// of our own pages. Non-browser clients send no Origin and are judged by their credentials.
enum OriginCheck {
    static func isSameOrigin(_ req: Request) -> Bool {
        guard let origin = req.headers.first(name: .origin) else { return true }
        guard let host = req.headers.first(name: .host), let url = URL(string: origin), let originHost = url.host else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return originAuthority.lowercased() == host.lowercased()
    }
}

/// Refuses (403) a request whose Origin is another site, before anything is upgraded or done.
struct SameOriginMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard OriginCheck.isSameOrigin(request) else {
            throw KefuError(.forbidden, "foreign_origin", "不接受来自其他网站的连接。")
        }
        return try await next.respond(to: request)
    }
}
