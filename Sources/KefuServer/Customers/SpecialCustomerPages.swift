import Vapor
import Fluent
import KefuCore

/// The special-customers list page (/customers/special) and the customer page's forms for
/// the entry, its review, follow-up visits and services (R5.3). Same service as the API;
/// each form answers with the customer page and a notice.
struct SpecialCustomerPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.specialCustomerList).get("customers", "special", use: list)
        let keep = routes.grouped("customers", ":id").requiring(.specialCustomers)
        keep.post("special", use: save)
        keep.post("special", "review", use: review)
        keep.post("special", "delete", use: remove)
        keep.post("visits", use: addVisit)
        keep.post("visits", ":visitId", "done", use: visitDone)
        keep.post("products", use: addProduct)
    }

    struct Option: Encodable { var value: String; var label: String; var selected: Bool }
    struct Row: Encodable {
        var customerId: String; var name: String; var category: String; var owner: String; var reviewOn: String; var due: Bool; var channel: String
    }
    struct ListContext: Encodable {
        var page: PageContext
        @NilIfEmpty var rows: [Row]
        var total: Int
        var categories: [Option]
        var dueOnly: Bool
        var prevHref: String?
        var nextHref: String?
    }

    func list(req: Request) async throws -> View {
        struct Query: Content { var category: String?; var due: String?; var offset: Int? }
        let q = try req.query.decode(Query.self)
        let category = q.category.flatMap(SpecialCategory.init(rawValue:))
        let dueOnly = q.due == "on"
        let window = try PageWindow(limit: 50, offset: max(0, min(q.offset ?? 0, PageWindow.maxOffset)))
        let s = try await req.specialCustomerService()
        let (rows, total) = try await s.list(category: category, owner: nil, dueOnly: dueOnly, window: window)
        let names = try await SpecialCustomerAPI.names(rows.map(\.customerID), tenant: s.scope.tenant)
        func href(_ offset: Int) -> String {
            var c = URLComponents(); c.path = "/customers/special"
            c.queryItems = [URLQueryItem(name: "offset", value: String(offset))] + (category.map { [URLQueryItem(name: "category", value: $0.rawValue)] } ?? [])
                + (dueOnly ? [URLQueryItem(name: "due", value: "on")] : [])
            return c.string ?? "/customers/special"
        }
        return try await req.view.render("special_customers", ListContext(
            page: PageContext(req, user: try req.user(), title: "特殊客户名单"),
            rows: rows.map { e in
                Row(customerId: e.customerID.uuidString, name: names[e.customerID] ?? "—", category: e.category.label, owner: e.ownerWorkId,
                    reviewOn: e.reviewOn, due: LocalDay(e.reviewOn).map { SpecialCustomerRules.reviewNoticeDue(reviewOn: $0, today: s.today) } ?? false,
                    channel: e.dedicatedChannel ?? "")
            },
            total: total,
            categories: [Option(value: "", label: "全部类别", selected: category == nil)]
                + SpecialCategory.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == category) },
            dueOnly: dueOnly,
            prevHref: window.offset > 0 ? href(max(0, window.offset - 50)) : nil,
            nextHref: window.offset + rows.count < total ? href(window.offset + 50) : nil))
    }

    // MARK: forms on the customer page

    func location(_ req: Request) throws -> (UUID, String) {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        return (id, "/customers/\(id.uuidString)#special")
    }

    static func notice(_ e: KefuError) -> String { "未保存：" + e.noticeText() }

    func run(_ req: Request, _ location: String, success: String, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
            return req.redirect(to: location, notice: success)
        } catch let e as KefuError where e.status != .notFound {
            return req.redirect(to: location, notice: Self.notice(e))
        }
    }

    func save(req: Request) async throws -> Response {
        let (id, location) = try location(req)
        let input = try req.content.decode(SpecialCustomerService.EntryInput.self)
        let s = try await req.specialCustomerService()
        return try await run(req, location, success: "特殊客户名单已保存") { _ = try await s.save(customerID: id, input) }
    }

    func review(req: Request) async throws -> Response {
        let (id, location) = try location(req)
        let input = try req.content.decode(SpecialCustomerService.ReviewInput.self)
        let s = try await req.specialCustomerService()
        return try await run(req, location, success: "已记录复核，下次复核日期已更新") { _ = try await s.review(customerID: id, input) }
    }

    func remove(req: Request) async throws -> Response {
        let (id, location) = try location(req)
        let s = try await req.specialCustomerService()
        return try await run(req, location, success: "已移出特殊客户名单") { try await s.remove(customerID: id) }
    }

    func addVisit(req: Request) async throws -> Response {
        let (id, location) = try location(req)
        let input = try req.content.decode(SpecialCustomerService.VisitInput.self)
        let s = try await req.specialCustomerService()
        return try await req.once(form: "customer.visit:\(id.uuidString)", fallback: location) {
            do {
                _ = try await s.addVisit(customerID: id, input)
                return .created(location, req.redirect(to: location, notice: "回访已安排，前一天会提醒负责人"))
            } catch let e as KefuError where e.status != .notFound {
                return .refused(req.redirect(to: location, notice: Self.notice(e)))
            }
        }
    }

    func visitDone(req: Request) async throws -> Response {
        let (id, location) = try location(req)
        guard let visit = req.parameters.get("visitId", as: UUID.self) else { throw KefuError.notFound("回访安排") }
        let input = try req.content.decode(SpecialCustomerService.VisitDone.self)
        let s = try await req.specialCustomerService()
        return try await run(req, location, success: "已记录回访结果") { _ = try await s.visitDone(customerID: id, visitID: visit, input) }
    }

    func addProduct(req: Request) async throws -> Response {
        let (id, location) = try location(req)
        let input = try req.content.decode(SpecialCustomerService.ProductInput.self)
        let s = try await req.specialCustomerService()
        return try await req.once(form: "customer.product:\(id.uuidString)", fallback: location) {
            do {
                _ = try await s.addProduct(customerID: id, input)
                return .created(location, req.redirect(to: location, notice: "已登记产品/服务"))
            } catch let e as KefuError where e.status != .notFound {
                return .refused(req.redirect(to: location, notice: Self.notice(e)))
            }
        }
    }
}
