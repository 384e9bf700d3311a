import Vapor
import Fluent
import KefuCore

/// The special-customers list over the API (R5.3): everyone who reads customers reads the
/// list and an entry; team leads, shift leads and admins keep it.
struct SpecialCustomerAPI {
    func register(_ api: RoutesBuilder) {
        api.requiring(.specialCustomerList).get("special-customers", use: list)
        let one = api.grouped("customers", ":id")
        one.requiring(.customerRead).get("special", use: show)
        let keep = one.requiring(.specialCustomers)
        keep.put("special", use: save)
        keep.delete("special", use: remove)
        keep.post("special", "review", use: review)
        keep.idempotent().post("visits", use: addVisit)
        keep.post("visits", ":visitId", "done", use: visitDone)
        keep.idempotent().post("products", use: addProduct)
    }

    struct EntryDTO: Content {
        var customerId: UUID; var customerName: String?; var category: String; var categoryLabel: String; var ownerWorkId: String
        var reviewOn: String; var reviewDue: Bool; var dedicatedChannel: String?; var note: String?; var reviewedAt: Date?; var reviewedBy: String?
        init(_ e: SpecialCustomer, name: String?, today: LocalDay) {
            customerId = e.customerID; customerName = name; category = e.category.rawValue; categoryLabel = e.category.label
            ownerWorkId = e.ownerWorkId; reviewOn = e.reviewOn
            reviewDue = LocalDay(e.reviewOn).map { SpecialCustomerRules.reviewNoticeDue(reviewOn: $0, today: today) } ?? false
            dedicatedChannel = e.dedicatedChannel; note = e.note; reviewedAt = e.reviewedAt; reviewedBy = e.reviewedBy
        }
    }
    struct VisitDTO: Content {
        var id: UUID; var dueOn: String; var purpose: String; var ownerWorkId: String; var doneAt: Date?; var doneBy: String?; var outcome: String?
        init(_ v: CustomerVisit) throws {
            id = try v.requireID(); dueOn = v.dueOn; purpose = v.purpose; ownerWorkId = v.ownerWorkId
            doneAt = v.doneAt; doneBy = v.doneBy; outcome = v.outcome
        }
    }
    struct ProductDTO: Content {
        var id: UUID; var name: String; var startedOn: String?; var expiresOn: String?; var expiringSoon: Bool; var note: String?
        init(_ p: CustomerProduct, today: LocalDay) throws {
            id = try p.requireID(); name = p.name; startedOn = p.startedOn; expiresOn = p.expiresOn; note = p.note
            expiringSoon = p.expiresOn.flatMap(LocalDay.init).map { SpecialCustomerRules.expiryNoticeDue(expiresOn: $0, today: today) } ?? false
        }
    }
    struct SpecialDTO: Content { var listed: Bool; var entry: EntryDTO?; var visits: [VisitDTO]; var products: [ProductDTO] }
    struct ListDTO: Content { var items: [EntryDTO]; var total: Int; var limit: Int; var offset: Int }


    func customerID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        return id
    }

    func list(req: Request) async throws -> ListDTO {
        try req.refuseEmptyQuery("category", "owner", "due")
        struct Query: Content { var category: String?; var owner: String?; var due: Bool?; var limit: Int?; var offset: Int? }
        let q = try req.query.decode(Query.self)
        var category: SpecialCategory?
        if let c = q.category {
            guard let parsed = SpecialCategory(rawValue: c) else { throw KefuError.invalid([.init(field: "category", message: "类别须为 vip、key_account 或 group")]) }
            category = parsed
        }
        if let o = q.owner, o.unicodeScalars.count > 32 { throw KefuError.invalid([.init(field: "owner", message: "工号过长")]) }
        let window = try PageWindow(limit: q.limit, offset: q.offset)
        let s = try await req.specialCustomerService()
        let (rows, total) = try await s.list(category: category, owner: q.owner, dueOnly: q.due ?? false, window: window)
        let names = try await Self.names(rows.map(\.customerID), tenant: s.scope.tenant)
        return ListDTO(items: rows.map { EntryDTO($0, name: names[$0.customerID], today: s.today) }, total: total, limit: window.limit, offset: window.offset)
    }

    static func names(_ ids: [UUID], tenant: TenantData) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await tenant.query(Customer.self).filter(\.$id ~~ ids).field(\.$id).field(\.$companyID).field(\.$name).all()
            .compactMap { c in c.id.map { ($0, c.name) } }, uniquingKeysWith: { a, _ in a })
    }

    func show(req: Request) async throws -> SpecialDTO {
        let id = try customerID(req)
        let s = try await req.specialCustomerService()
        let customer = try await s.scope.customer(id)
        let entry = try await s.entry(customerID: id)
        return SpecialDTO(listed: entry != nil, entry: entry.map { EntryDTO($0, name: customer.name, today: s.today) },
                          visits: try await s.visits(customerID: id).map(VisitDTO.init),
                          products: try await s.products(customerID: id).map { try ProductDTO($0, today: s.today) })
    }

    func save(req: Request) async throws -> EntryDTO {
        let id = try customerID(req)
        let s = try await req.specialCustomerService()
        let e = try await s.save(customerID: id, try req.content.decode(SpecialCustomerService.EntryInput.self))
        return EntryDTO(e, name: nil, today: s.today)
    }

    func remove(req: Request) async throws -> HTTPStatus {
        try await req.specialCustomerService().remove(customerID: try customerID(req))
        return .noContent
    }

    func review(req: Request) async throws -> EntryDTO {
        let id = try customerID(req)
        let s = try await req.specialCustomerService()
        return EntryDTO(try await s.review(customerID: id, try req.content.decode(SpecialCustomerService.ReviewInput.self)), name: nil, today: s.today)
    }

    func addVisit(req: Request) async throws -> Response {
        let v = try await req.specialCustomerService().addVisit(customerID: try customerID(req), try req.content.decode(SpecialCustomerService.VisitInput.self))
        let res = Response(status: .created)
        try res.content.encode(try VisitDTO(v))
        return res
    }

    func visitDone(req: Request) async throws -> VisitDTO {
        guard let visit = req.parameters.get("visitId", as: UUID.self) else { throw KefuError.notFound("回访安排") }
        return try VisitDTO(try await req.specialCustomerService().visitDone(customerID: try customerID(req), visitID: visit,
                                                             try req.content.decode(SpecialCustomerService.VisitDone.self)))
    }

    func addProduct(req: Request) async throws -> Response {
        let s = try await req.specialCustomerService()
        let p = try await s.addProduct(customerID: try customerID(req), try req.content.decode(SpecialCustomerService.ProductInput.self))
        let res = Response(status: .created)
        try res.content.encode(try ProductDTO(p, today: s.today))
        return res
    }
}
