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
