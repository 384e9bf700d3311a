import Vapor

/// A path that exists asked with a method it does not take (TRACE, PUT on a list) answers
/// 405 with `Allow`, as HTTP says, instead of Vapor's 404: a client learns the path is
/// right and the method wrong, and the OpenAPI contract ("unsupported method → 405")
/// holds. Installed innermost, after the routes, so only requests no route matched reach
/// the lookup; `OPTIONS` on an API path answers which methods it takes.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    let table: AllowedMethods

    init(routes: Routes) { table = AllowedMethods(routes) }

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let notFound as RouteNotFound {
            guard let methods = table.methods(for: request.url.path) else { throw notFound }
            let isAPI = request.url.path.hasPrefix("/api/")
            let allow = AllowedMethods.headerValue(methods, options: isAPI)
            if isAPI, request.method == .OPTIONS {
                return Response(status: .noContent, headers: ["Allow": allow])
            }
            // The error middleware renders it: JSON under /api, the Chinese page elsewhere.
            var refused = KefuError(.methodNotAllowed, "method_not_allowed", "不支持 \(request.method.rawValue) 方法，可用：\(allow)。")
            refused.headers.replaceOrAdd(name: .allow, value: allow)
            throw refused
        }
    }
}

/// Methods per route path, built once from the registered routes and only read afterwards.
final class AllowedMethods: @unchecked Sendable {
    private let router = TrieRouter(Set<String>.self)

    init(_ routes: Routes) {
        // Routes that differ only in a parameter's name share a node, so group by shape.
        var groups: [String: (path: [PathComponent], methods: Set<String>)] = [:]
        for route in routes.all {
            let path = route.path.filter { if case .constant("") = $0 { return false } else { return true } }
            guard !path.isEmpty else { continue }
            let shape = path.map { component -> String in
                switch component {
                case .constant(let s): return "=" + s
                case .parameter: return ":"
                case .anything: return "*"
                case .catchall: return "**"
                }
            }.joined(separator: "/")
            groups[shape, default: (path, [])].methods.insert(route.method.rawValue)
        }
        for group in groups.values { router.register(group.methods, at: group.path) }
    }

    /// Nil when no route has this path at all (a true 404).
    func methods(for path: String) -> Set<String>? {
        var parameters = Parameters()
        return router.route(path: path.split(separator: "/").map(String.init), parameters: &parameters)
    }

    /// GET implies HEAD (Vapor answers HEAD from the GET route); API paths answer OPTIONS.
    static func headerValue(_ methods: Set<String>, options: Bool) -> String {
        var all = methods
        if all.contains("GET") { all.insert("HEAD") }
        if options { all.insert("OPTIONS") }
        return all.sorted().joined(separator: ", ")
    }
}
