import Vapor
import Fluent
import KefuCore

/// A company's and its branches' own forbidden phrases (R11.1, seed 004: stricter rules of
/// their own, reported to the center): the editors' page to add and deactivate them, and
/// the read-only list the center's QC reads — both newest first, with company, branch and
/// who added each.
struct LexiconAdditionPages {
    func register(_ routes: RoutesBuilder) {
        let admin = routes.requiring(.qaAdmin)
        admin.get("qa", "lexicon", "additions", use: page)
        admin.post("qa", "lexicon", "additions", use: add)
        admin.post("qa", "lexicon", "additions", ":id", "deactivate", use: deactivate)
        routes.requiring(.qaAppraisal).get("qa", "lexicon", "additions", "report", use: report)
    }

    struct Row: Encodable {
        var id: String; var phrase: String; var note: String; var company: String; var branch: String
        var by: String; var at: String; var active: Bool; var kind: String
    }
    struct Target: Encodable { var value: String; var label: String; var selected: Bool }
    struct Context: Encodable {
        var page: PageContext
        /// False on the center's read-only list.
        var editable: Bool
        var targets: [Target]
        @NilIfEmpty var rows: [Row]
        var tenantFilter: TenantFilterForm?
        var mixed: Bool
        var error: String?
        var draftPhrase: String?
        var draftNote: String?
    }

    func page(req: Request) async throws -> View {
        try await render(req, editable: true).0
    }

    func report(req: Request) async throws -> View {
        try await render(req, editable: false).0
    }

    func render(_ req: Request, editable: Bool, error: KefuError? = nil, phrase: String? = nil, note: String? = nil,
                target: String? = nil) async throws -> (View, HTTPStatus) {
        let user = try req.user()
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        let filter = try await TenantFilter.resolve(req, tenant: tenant)
        let tz = req.kefu.settings.timeZone
        let rows = try await LexiconAdditionService(req: req).list(filter).compactMap { a -> Row? in
            guard let id = a.id else { return nil }
            return Row(id: id.uuidString, phrase: a.phrase, note: a.note, company: labels.companyName(a.companyID),
                       branch: a.branchID.map { labels.branchName($0) } ?? "全公司", by: a.createdBy,
                       at: PageFormat.dateTime(a.createdAt, tz), active: a.active, kind: a.kind.label)
        }
        var targets: [Target] = []
        if editable {
            for c in try await tenant.companies() {
                guard let cid = c.id else { continue }
                let prefix = labels.mixed ? "\(c.name) · " : ""
                targets.append(Target(value: "c-" + cid.uuidString, label: prefix + "全公司", selected: target == "c-" + cid.uuidString))
                for b in try await tenant.branches(of: cid) {
                    guard let bid = b.id else { continue }
                    targets.append(Target(value: "b-" + bid.uuidString, label: prefix + "\(b.name)（\(b.code)）",
                                          selected: target == "b-" + bid.uuidString))
                }
            }
        }
        let title = editable ? "补充忌语" : "补充忌语报备"
        let ctx = Context(page: PageContext(req, user: user, title: title), editable: editable, targets: targets, rows: rows,
                          tenantFilter: try await TenantFilterForm.make(tenant, labels: labels, filter: filter), mixed: labels.mixed,
                          error: error?.reason, draftPhrase: phrase, draftNote: note)
        return (try await req.view.render("qa_lexicon_additions", ctx), error?.status ?? .ok)
    }

    func refused(_ req: Request, _ e: KefuError, phrase: String? = nil, note: String? = nil, target: String? = nil) async throws -> Response {
        let (view, status) = try await render(req, editable: true, error: e, phrase: phrase, note: note, target: target)
        let res = try await view.encodeResponse(for: req)
        res.status = status
        return res
    }

    func add(req: Request) async throws -> Response {
        struct Form: Content { var phrase: String?; var note: String?; var target: String? }
        let form = try req.content.decode(Form.self)
        return try await req.once(form: "qa.lexicon_addition", fallback: "/qa/lexicon/additions") {
            do {
                let row = try await LexiconAdditionService(req: req).add(phrase: form.phrase, note: form.note,
                                                                         target: try .init(form: form.target))
                return .created("/qa/lexicon/additions", req.redirect(to: "/qa/lexicon/additions", notice: "已添加补充忌语“\(row.phrase)”"))
            } catch let e as KefuError {
                return .refused(try await refused(req, e, phrase: form.phrase, note: form.note, target: form.target))
            }
        }
    }

    func deactivate(req: Request) async throws -> Response {
        do {
            try await LexiconAdditionService(req: req).deactivate(req.parameters.get("id", as: UUID.self))
            return req.redirect(to: "/qa/lexicon/additions", notice: "已停用")
        } catch let e as KefuError where e.status != .notFound {
            return try await refused(req, e)
        }
    }
}
