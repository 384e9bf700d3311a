import Vapor
import Fluent
import KefuCore

/// /api/v1/customers — every read of one archive is registered (R5.5).
struct CustomerAPI {
    func register(_ api: RoutesBuilder) {
        api.requiring(.customerRead).get("customers", use: list)
        api.requiring(.customerRead).get("customers", ":id", use: show)
        api.requiring(.customerWrite).post("customers", use: create)
    }

    struct ListQuery: Content { var phone: String?; var q: String?; var limit: Int?; var offset: Int? }

    func list(req: Request) async throws -> CustomerListDTO {
        let q = try req.query.decode(ListQuery.self)
        let limit = q.limit ?? 50, offset = q.offset ?? 0
        guard (1...200).contains(limit), offset >= 0 else { throw KefuError.badRequest("limit 须在 1–200 之间，offset 不能为负数") }
        let query = Customer.query(on: req.db)
        if let p = q.phone, !p.isEmpty {
            let n = Validation.normalizePhone(p)
            query.group(.or) { $0.filter(\.$phone == n).filter(\.$phone2 == n) }
        }
        if let text = q.q?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            query.group(.or) { $0.filter(\.$name, .custom("LIKE"), "%\(text)%").filter(\.$phone, .custom("LIKE"), "%\(text)%") }
        }
        let total = try await query.count()
        let items = try await query.sort(\.$createdAt, .descending).range(offset..<(offset + limit)).all()
        return CustomerListDTO(items: items.map(CustomerDTO.init), total: total, limit: limit, offset: offset)
    }

    func show(req: Request) async throws -> CustomerDTO {
        guard let id = req.parameters.get("id", as: UUID.self), let c = try await Customer.find(id, on: req.db) else {
            throw KefuError.notFound("客户")
        }
        try await req.logArchiveRead(c, channel: "api")
        return CustomerDTO(c)
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(CustomerInput.self)
        let c = try await CustomerService(db: req.db, now: req.now).create(input, history: req.history())
        let res = Response(status: .created)
        try res.content.encode(CustomerDTO(c))
        return res
    }
}
