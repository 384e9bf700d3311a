import Vapor
import Fluent
import KefuCore

/// /api/v1/protected-numbers (R5.6), admins only: the directory of numbers never given out,
/// per company (`?company=CODE` when the admin may see several).
struct ProtectedNumberAPI {
    func register(_ api: RoutesBuilder) {
        let numbers = api.grouped("protected-numbers").requiring(.protectedNumbers)
        numbers.get(use: list)
        numbers.idempotent().post(use: add)
        numbers.delete(":id", use: remove)
    }

    struct ListDTO: Content { var items: [ProtectedNumberDirectory.EntryDTO] }

    func directory(_ req: Request, _ intent: WorkforceCompany.Intent) async throws -> ProtectedNumberDirectory {
        try req.refuseEmptyQuery("company")
        return ProtectedNumberDirectory(company: try await req.workforceCompany(intent), now: req.now)
    }

    func list(req: Request) async throws -> ListDTO {
        let d = try await directory(req, .read)
        return ListDTO(items: try await d.list().map(d.dto))
    }

    func add(req: Request) async throws -> Response {
        let d = try await directory(req, .write)
        let p = try await d.add(try req.content.decode(ProtectedNumberDirectory.Input.self), by: try req.user().workId)
        let res = Response(status: .created)
        try res.content.encode(try d.dto(p))
        return res
    }

    func remove(req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("受保护号码") }
        let d = try await directory(req, .write)
        try await d.remove(id, by: try req.user().workId)
        return .noContent
    }
}
