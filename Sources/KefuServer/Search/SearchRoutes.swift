import Vapor
import Fluent
import KefuCore

/// `GET /api/v1/search?q=…&kinds=orders,customers,articles&limit=…` and the page behind
/// the header's search box (`/search?q=…`). Every signed-in role may search; what each
/// finds is `SearchKind.allowed` and the order scope.
struct SearchRoutes {
    func register(api: RoutesBuilder, pages: RoutesBuilder) {
        api.requiring(.signedIn).get("search", use: apiSearch)
        pages.requiring(.signedIn).get("search", use: page)
    }

    struct Query: Content { var q: String?; var kinds: String?; var limit: Int? }

    func service(_ req: Request, kinds asked: String?) async throws -> SearchService {
        var wanted: [SearchKind]?
        if let asked {
            guard let parsed = SearchKind.parse(list: asked) else {
                throw KefuError(.unprocessableEntity, "unknown_kind", "kinds 只能是 \(SearchKind.allCases.map(\.rawValue).joined(separator: "、"))，用逗号分隔。",
                                fields: [.init(field: "kinds", message: "未知的搜索类别")])
            }
            wanted = parsed
        }
        let (_, role) = try req.userAndRole()
        return SearchService(scope: try await req.orderScope(), kinds: SearchKind.allowed(for: role, asked: wanted))
    }

    func apiSearch(req: Request) async throws -> Response {
        let q = try req.query.decode(Query.self)
        for (name, value) in [("q", q.q), ("kinds", q.kinds)] where value?.isEmpty == true {
            throw KefuError.badRequest("查询参数 \(name) 不能为空。")
        }
        let limit = q.limit ?? SearchService.defaultLimit
        guard (1...SearchService.maxLimit).contains(limit) else { throw KefuError.badRequest("limit 须在 1–\(SearchService.maxLimit) 之间") }
        let (text, query) = try SearchService.parse(q.q)
        let service = try await service(req, kinds: q.kinds)
        await req.kefu.search.catchUp(req.db, logger: req.logger)
        return try await service.search(text, query, limit: limit).response(timeZone: req.kefu.settings.timeZone)
    }

    struct PageItem: Encodable { var title: String; var href: String; var when: String; var number: String?; var statusLabel: String?; var phone: String?; var snippet: [SearchSnippet.Piece] }
    struct PageGroup: Encodable { var kind: String; var label: String; var items: [PageItem]; var more: Bool }
    struct Context: Encodable {
        var page: PageContext
        var q: String
        var groups: [PageGroup]
        var total: Int
        var error: String?
    }

    func page(req: Request) async throws -> Response {
        let q = (try? req.query.decode(Query.self))?.q ?? ""
        var ctx = Context(page: PageContext(req, user: try req.user(), title: "搜索"), q: q, groups: [], total: 0, error: nil)
        var status = HTTPResponseStatus.ok
        if !q.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                let (text, query) = try SearchService.parse(q)
                let service = try await service(req, kinds: nil)
                await req.kefu.search.catchUp(req.db, logger: req.logger)
                let tz = req.kefu.settings.timeZone
                ctx.groups = try await service.search(text, query, limit: 20).groups.map { g in
                    PageGroup(kind: g.kind.rawValue, label: g.label, items: g.items.map {
                        PageItem(title: $0.title, href: $0.href, when: PageFormat.dateTime($0.at, tz), number: $0.number,
                                 statusLabel: $0.statusLabel, phone: $0.phone, snippet: $0.snippet)
                    }, more: g.more)
                }
                ctx.total = ctx.groups.reduce(0) { $0 + $1.items.count }
            } catch let e as KefuError {
                ctx.error = e.reason
                status = e.status
            }
        }
        let res = try await req.view.render("search", ctx).encodeResponse(for: req)
        res.status = status
        return res
    }
}
