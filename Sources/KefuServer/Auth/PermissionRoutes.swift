import Vapor
import KefuCore

/// Where a route's permission is recorded, so a test can prove every route declared one.
enum RouteAccess {
    static let key = "kefu.permission"
    static let publicValue = "public"
    /// Routes for telephone switches, authenticated by a switch token (CTI).
    static let switchValue = "switch_token"
    /// `/metrics`, for Prometheus, authenticated by the metrics token (`MetricsRoute`).
    static let metricsValue = "metrics_token"
}

/// A RoutesBuilder that stamps every route added through it with the permission it needs
/// and checks that permission on each request. Routes are only ever added through one of
/// these (or `publicRoutes`), which is what makes "every route has a declared role" testable.
struct PermissionRoutes: RoutesBuilder {
    let base: RoutesBuilder
    let value: String

    func add(_ route: Route) {
        route.userInfo[RouteAccess.key] = value
        base.add(route)
    }
}

struct RequirePermission: AsyncMiddleware {
    let permission: Permission
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard let user = request.auth.get(User.self) else { throw KefuError.unauthenticated }
        guard user.can(permission) else {
            throw KefuError.forbidden("您的角色（\(user.roleValue.label)）无权执行此操作。")
        }
        return try await next.respond(to: request)
    }
}

extension RoutesBuilder {
    /// Routes that need `permission`.
    func requiring(_ permission: Permission) -> RoutesBuilder {
        PermissionRoutes(base: self.grouped(RequirePermission(permission: permission)), value: permission.rawValue)
    }

    /// Routes open to everyone on purpose (login page, health check, the API document).
    func publicRoutes() -> RoutesBuilder {
        PermissionRoutes(base: self, value: RouteAccess.publicValue)
    }
}

extension Request {
    /// The signed-in user; routes behind `requiring` always have one.
    func user() throws -> User {
        guard let u = auth.get(User.self) else { throw KefuError.unauthenticated }
        return u
    }

    /// The signed-in user and their role; a stored role this version does not know is
    /// refused, never read as some other role.
    func userAndRole() throws -> (User, Role) {
        let u = try user()
        guard let role = Role(rawValue: u.role) else { throw KefuError.forbidden() }
        return (u, role)
    }
}
