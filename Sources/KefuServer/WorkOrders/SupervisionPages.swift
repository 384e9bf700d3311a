import Vapor
import Fluent
import SQLKit
import KefuCore

/// The department liaison's page: their department's supervision orders and the receipt form.
struct SupervisionPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.receiptWrite).get("supervision", use: page)
        routes.requiring(.receiptWrite).post("supervision", ":id", "receipt", use: receipt)
    }

    struct Row: Encodable {
        var id: String; var workOrderId: String; var number: String; var subject: String; var department: String
        var deadline: String; var note: String; var status: String; var overdue: Bool; var receipt: String?; var answeredAt: String
        /// The order page opens only while the department may still see the order.
        var canOpenOrder: Bool
        var company: String; var branch: String
    }
    struct Context: Encodable {
        var page: PageContext; @NilIfEmpty var open: [Row]; @NilIfEmpty var answered: [Row]; var department: String?
        var error: String?; var errorFor: String?; var draft: String?
        var tenantFilter: TenantFilterForm? = nil; var tenantColumns = false
    }

    /// `?company=&branch=` on supervision orders: they carry the company; the branch is
    /// their work order's.
    static func apply(_ filter: TenantFilter, to query: QueryBuilder<SupervisionOrder>) {
        filter.apply(query, hasBranch: false)
        guard let branch = filter.branchID else { return }
        var ofBranch = SQLSelect()
        ofBranch.columns = [SQLColumn("id", table: WorkOrder.schema)]
        ofBranch.tables = [SQLIdentifier(WorkOrder.schema)]
        ofBranch.predicate = SQLBinaryExpression(SQLColumn("branch_id", table: WorkOrder.schema), .equal, SQLBind(branch))
        query.filter(.custom(SQLBinaryExpression(SQLColumn("work_order_id", table: SupervisionOrder.schema), .in, SQLSubquery(ofBranch))))
    }

    func page(req: Request) async throws -> View {
        try await render(req, error: nil, errorFor: nil, draft: nil).0
    }

    func render(_ req: Request, error: KefuError?, errorFor: String?, draft: String?) async throws -> (View, HTTPStatus) {
        let user = try req.user()
        let tz = req.kefu.settings.timeZone
        let scope = try await req.orderScope()
        let filter = try await TenantFilter.resolve(req, tenant: scope.tenant)
        let labels = try await scope.tenant.labels()
        let query = scope.supervisionOrders().with(\.$department)
        Self.apply(filter, to: query)
        var depName: String?
        if user.roleValue == .liaison {
            guard let dep = user.$department.id else {
                let v = try await req.view.render("supervision", Context(page: PageContext(req, user: user, title: "督办单"), open: [], answered: [], department: nil, error: "您还没有所属部门，请联系管理员。"))
                return (v, .ok)
            }
            depName = try await scope.tenant.find(Department.self, dep)?.name
        }
        let rows = try await query.sort(\.$deadline).limit(500).all()
        let orders = try await Self.orderLines(rows.map { $0.$workOrder.id }, tenant: scope.tenant)
        let now = req.now
        func row(_ s: SupervisionOrder) -> Row? {
            guard let o = orders[s.$workOrder.id], let id = s.id else { return nil }
            return Row(id: id.uuidString, workOrderId: s.$workOrder.id.uuidString, number: o.number, subject: o.subject,
                department: s.department.name, deadline: PageFormat.dateTime(s.deadline, tz), note: s.note, status: s.status,
                overdue: s.status == "open" && s.deadline <= now, receipt: s.receiptText, answeredAt: PageFormat.dateTime(s.answeredAt, tz),
                canOpenOrder: scope.visibility.includes(status: WorkOrderStatus(rawValue: o.status) ?? .open, supervisedBy: [s.$department.id]),
                company: labels.companyName(s.companyID), branch: labels.branchName(o.branch_id))
        }
        let ctx = Context(page: PageContext(req, user: user, title: "督办单"),
                          open: rows.filter { $0.status == "open" }.compactMap(row),
                          answered: rows.filter { $0.status != "open" }.sorted { ($0.answeredAt ?? .distantPast) > ($1.answeredAt ?? .distantPast) }.prefix(50).compactMap(row),
                          department: depName, error: error?.reason, errorFor: errorFor, draft: draft,
                          tenantFilter: try await TenantFilterForm.make(scope.tenant, labels: labels, filter: filter), tenantColumns: labels.mixed)
        return (try await req.view.render("supervision", ctx), error?.status ?? .ok)
    }

    /// What the page shows of each supervision order's work order, read as plain rows: up to
    /// 500 orders, and loading each as a full Fluent model (`with(\.$workOrder)`, a
    /// reflection pass per field of 33) was most of the page's time. Same rows as the eager
    /// load. The company scope is checked on the rows, not in the WHERE: next to
    /// "id IN (…)" SQLite (without statistics) would take "company_id IN (…)" for the more
    /// selective condition and walk the company's orders (1.2 s at 1,000,000).
    struct OrderLine: Decodable { var id: UUID; var company_id: UUID; var number: String; var subject: String; var status: String; var branch_id: UUID? }

    static func orderLines(_ ids: [UUID], tenant: TenantData) async throws -> [UUID: OrderLine] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let lines = try await (try tenant.db.sql()).select()
            .column("id").column("company_id").column("number").column("subject").column("status").column("branch_id")
            .from(WorkOrder.schema).where(SQLColumn("id", table: WorkOrder.schema), .in, SQLBind.group(unique))
            .all(decoding: OrderLine.self)
        return Dictionary(lines.filter { tenant.scope.includes($0.company_id) }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func receipt(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("督办单") }
        struct Form: Content { var text: String? }
        let form = try req.content.decode(Form.self)
        return try await req.once(form: "supervision.receipt:\(id.uuidString)", fallback: "/supervision") {
            do {
                _ = try await WorkOrderService(req: req).receipt(id, text: form.text, actor: try req.user())
                return .created("/supervision", req.redirect(to: "/supervision", notice: "回单已提交"))
            } catch let e as KefuError {
                let (view, status) = try await render(req, error: e, errorFor: id.uuidString, draft: form.text)
                let res = try await view.encodeResponse(for: req)
                res.status = status
                return .refused(res)
            }
        }
    }
}
