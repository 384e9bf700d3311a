import Vapor
import Fluent

struct DepartmentDTO: Content {
    var id: UUID
    var name: String
    var liaisonWorkIds: [String]
}

/// GET /api/v1/departments: where supervision orders can be sent.
struct DepartmentAPI {
    func register(_ api: RoutesBuilder) {
        api.requiring(.signedIn).get("departments", use: list)
    }

    func list(req: Request) async throws -> ItemsDTO<DepartmentDTO> {
        ItemsDTO(items: try await Self.all(on: req.db))
    }

    static func all(on db: Database) async throws -> [DepartmentDTO] {
        let deps = try await Department.query(on: db).sort(\.$name).all()
        let liaisons = try await User.query(on: db).filter(\.$role == "liaison").filter(\.$active == true).all()
        return deps.map { d in
            DepartmentDTO(id: d.id!, name: d.name, liaisonWorkIds: liaisons.filter { $0.$department.id == d.id }.map(\.workId).sorted())
        }
    }
}
