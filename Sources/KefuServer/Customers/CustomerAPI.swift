import Vapor
import Fluent
import KefuCore

/// /api/v1/customers — every read of one archive is registered (R5.5).
struct CustomerAPI {
    func register(_ api: RoutesBuilder) {
        api.requiring(.customerRead).get("customers", use: list)
        api.requiring(.customerRead).get("customers", ":id", use: show)
        api.requiring(.customerRead).get("customers", ":id", "history", use: history)
        api.requiring(.customerWrite).put("customers", ":id", "profile", use: profile)
        api.requiring(.customerWrite).idempotent().post("customers", use: create)
    }

    struct ListQuery: Content {
        var phone: String?; var q: String?; var limit: Int?; var offset: Int?
        /// Company and branch codes (R11 list filters).
        var company: String?; var branch: String?
    }

    func list(req: Request) async throws -> CustomerListDTO {
        try req.refuseEmptyQuery("company", "branch")
        let q = try req.query.decode(ListQuery.self)
        let window = try PageWindow(limit: q.limit, offset: q.offset)
        let scope = try await req.orderScope()
        let query = scope.customers()
        try await TenantFilter.resolve(company: q.company, branch: q.branch, tenant: scope.tenant).apply(query)
        if let p = q.phone, !p.isEmpty {
            try await CustomerService(tenant: scope.tenant, now: req.now).holding(Validation.normalizePhone(p), query)
        }
        if let text = q.q?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            query.group(.or) { $0.filter(\.$name, .custom("LIKE"), "%\(text)%").filter(\.$phone, .custom("LIKE"), "%\(text)%") }
        }
        let total = try await query.count()
        let items = try await query.sort(\.$createdAt, .descending).range(window.range).all()
        // Lists mask phone numbers; the full number is read one archive at a time, registered (R5.5).
        let labels = try await scope.tenant.labels()
        return CustomerListDTO(items: try items.map { try CustomerDTO($0, labels: labels, masked: true) }, total: total, limit: window.limit, offset: window.offset)
    }

    func show(req: Request) async throws -> CustomerDTO {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        let scope = try await req.orderScope()
        try req.refuseEmptyQuery("orderNumber", "callId", "reason")
        let reason = try req.archiveReadReason(fallback: "接口查阅")
        let c = try await scope.customer(id)
        try await req.logArchiveRead(c, channel: "api", reason: reason)
        var dto = try CustomerDTO(c, labels: try await scope.tenant.labels())
        dto.add(contacts: try await scope.tenant.query(CustomerContact.self).filter(\.$customerID == id).sort(\.$createdAt).all())
        return dto
    }

    struct HistoryDTO: Content {
        struct Item: Content { var kind: String; var label: String; var at: Date; var title: String; var detail: String; var href: String? }
        var items: [Item]
    }

    /// The customer's one history (R5.1), as the caller may see it; a read of the archive,
    /// registered like the record's.
    func history(req: Request) async throws -> HistoryDTO {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        try req.refuseEmptyQuery("orderNumber", "callId", "reason")
        // Decoded strictly: `limit=null` or `limit=abc` is a 400, not the default.
        struct Query: Content { var limit: Int? }
        let window = try PageWindow(limit: try req.query.decode(Query.self).limit, offset: nil)
        let scope = try await req.orderScope()
        let reason = try req.archiveReadReason(fallback: "接口查阅（往来记录）")
        let c = try await scope.customer(id)
        try await req.logArchiveRead(c, channel: "api", reason: reason)
        let entries = try await CustomerHistoryReader(scope: scope, user: try req.user(), timeZone: req.kefu.settings.timeZone).entries(of: c, limit: window.limit)
        return HistoryDTO(items: entries.map { .init(kind: $0.kind.rawValue, label: $0.kind.label, at: $0.at, title: $0.title, detail: $0.detail, href: $0.href) })
    }

    func profile(req: Request) async throws -> CustomerDTO {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        let scope = try await req.orderScope()
        let c = try await CustomerProfileUpdate(scope: scope, history: req.history(), now: req.now)
            .apply(customerID: id, try req.content.decode(CustomerProfileUpdate.Input.self))
        return try CustomerDTO(c, labels: try await scope.tenant.labels())
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(CustomerInput.self)
        // A number already on file answers that customer (200) instead of a second one (201);
        // "on file" means in the company the customer is filed under (the person's branch).
        let tenant = try await req.tenant()
        let branch = try await tenant.defaultBranch()
        let company = branch.$company.id, branchID = try branch.requireID()
        let history = req.history(), now = req.now, sealer = req.kefu.sealer
        let (c, created) = try await req.db.writeTransaction { tx in
            try await CustomerService(tenant: tenant.on(tx), now: now).findOrCreate(input, company: company, branch: branchID, history: history.on(tx), sealer: sealer)
        }
        let res = Response(status: created ? .created : .ok)
        try res.content.encode(try CustomerDTO(c, labels: try await tenant.labels()))
        return res
    }
}
