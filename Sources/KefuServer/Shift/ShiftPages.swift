import Vapor
import Fluent
import SQLKit
import KefuCore

/// The shift lead's board (值班长): escalated orders, overdue supervision orders, acceptance
/// forms, and today's counts by type and status — of the companies the lead may see (R11.2),
/// narrowed by `?company=CODE&branch=CODE`, with 公司/分公司 columns where they mix.
struct ShiftPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.shiftBoard).get("shift", use: page)
    }

    struct Count: Encodable { var label: String; var value: Int }
    struct Overdue: Encodable {
        var workOrderId: String; var number: String; var company: String; var department: String; var deadline: String; var note: String
    }
    struct Context: Encodable {
        var page: PageContext
        var tenantFilter: TenantFilterForm?
        var tenantColumns: Bool
        @NilIfEmpty var orders: [WorkOrderRow]
        @NilIfEmpty var overdue: [Overdue]
        var notifications: [WorkOrderPages.NotificationRow]
        var byType: [Count]
        var byStatus: [Count]
        var todayTotal: Int
        var today: String
        /// Items the last shifts flagged and nobody has closed yet (R9.1).
        @NilIfEmpty var handoverItems: [HandoverPages.ItemRow]
    }

    func page(req: Request) async throws -> View {
        let user = try req.user()
        let tz = req.kefu.settings.timeZone
        let now = req.now
        let tenant = try await req.tenant()
        let filter = try await TenantFilter.resolve(req, tenant: tenant)
        let labels = try await tenant.labels()
        let escalated = try await Self.escalated(tenant: tenant, filter: filter, labels: labels)
        let overdueQuery = tenant.query(SupervisionOrder.self).filter(\.$status == "open").filter(\.$deadline <= now)
            .with(\.$department)
        filter.apply(overdueQuery, hasBranch: false)
        let overdueRows = try await overdueQuery.sort(\.$deadline).limit(200).all()
        // Their orders' number and branch as plain rows (not 200 Fluent models).
        let overdueOrders = try await SupervisionPages.orderLines(overdueRows.map { $0.$workOrder.id }, tenant: tenant)
        // Supervision orders follow their work order's branch.
        let overdue = overdueRows.compactMap { s -> (SupervisionOrder, SupervisionPages.OrderLine)? in
            guard let o = overdueOrders[s.$workOrder.id] else { return nil }
            return (filter.branchID.map { o.branch_id == $0 } ?? true) ? (s, o) : nil
        }
        // Role notices of the companies in view (every role notice names its company).
        let notesQuery = KefuNotification.query(on: req.db).filter(\.$recipientRole == user.role)
        if let visible = filter.companyID.map({ [$0] }) ?? tenant.scope.companyIDs.map(Array.init) {
            notesQuery.filter(\.$companyID ~~ visible.map { Optional($0) })
        }
        let notes = try await notesQuery.sort(\.$createdAt, .descending).limit(15).all()
        let today = LocalDay(now, in: tz)
        let start = today.start(in: tz)
        let todays = try await Self.todaysCounts(tenant: tenant, filter: filter, from: start, to: now)
        let byType = WorkOrderType.allCases.map { t in Count(label: t.label, value: todays.filter { $0.type == t.rawValue }.reduce(0) { $0 + $1.n }) }
        let byStatus = WorkOrderStatus.allCases.map { s in Count(label: s.label, value: todays.filter { $0.status == s.rawValue }.reduce(0) { $0 + $1.n }) }
        return try await req.view.render("shift", Context(
            page: PageContext(req, user: user, title: "值班长看板"),
            tenantFilter: try await TenantFilterForm.make(tenant, labels: labels, filter: filter),
            tenantColumns: labels.mixed,
            orders: escalated.map { WorkOrderRow($0, now: now, timeZone: tz, labels: labels) },
            overdue: overdue.map { s, o in Overdue(workOrderId: s.$workOrder.id.uuidString, number: o.number,
                                                   company: labels.mixed ? labels.companyName(s.companyID) : "",
                                                   department: s.department.name, deadline: PageFormat.dateTime(s.deadline, tz), note: s.note) },
            notifications: notes.map { .init(message: $0.message, at: PageFormat.dateTime($0.createdAt, tz), workOrderId: $0.workOrderID?.uuidString) },
            byType: byType, byStatus: byStatus, todayTotal: todays.reduce(0) { $0 + $1.n }, today: today.description,
            handoverItems: try await ShiftHandovers(req: req).openItems().map { HandoverPages.itemRow($0, tz) }))
    }

    /// Escalated (level 2 and up) orders not yet resolved, highest level first, then the
    /// nearest deadline; at most 200, as plain rows with the list's columns (a Fluent model
    /// per order costs a reflection pass per field). Unresolved as a list of statuses, not
    /// "<> closed AND <> resolved", so the (company, status, owner) index (M015) finds them
    /// without reading the year's orders. Company scope and filter as raw-SQL conditions.
    static func escalated(tenant: TenantData, filter: TenantFilter, labels: TenantLabels) async throws -> [WorkOrderDTO] {
        var query = (try tenant.db.sql()).select()
            .columns(WorkOrderListQuery.columns.map { column, key in SQLAlias(SQLIdentifier(column), as: SQLIdentifier(key)) })
            .from(WorkOrder.schema)
            .where(SQLColumn("escalation_level", table: WorkOrder.schema), .greaterThanOrEqual, SQLBind(2))
            .where(SQLColumn("status", table: WorkOrder.schema), .in, SQLBind.group(WorkOrderStatus.unresolved.map(\.rawValue)))
        if let scope = OrderScope.companyPredicate(tenant.scope, table: WorkOrder.schema) { query = query.where(scope) }
        for p in filter.predicates(table: WorkOrder.schema) { query = query.where(p) }
        return try await query
            .orderBy("escalation_level", .descending)
            .orderBy("resolution_due_at", .ascending)
            .limit(200).all(decoding: WorkOrderDTO.self).map { row in var r = row; r.label(labels); return r }
    }

    struct TypeStatusCount: Decodable { var type: String; var status: String; var n: Int }

    /// Today's orders counted by type and status in the database: a busy day has thousands,
    /// and loading each as a model only to count it was most of the board's time.
    /// The same rows as `tenant.query(WorkOrder.self)` with the page's filter (company scope
    /// through `OrderScope.companyPredicate`, the raw-SQL form of it).
    static func todaysCounts(tenant: TenantData, filter: TenantFilter, from start: Date, to end: Date) async throws -> [TypeStatusCount] {
        let sql = try tenant.db.sql()
        var query = sql.select().column("type").column("status")
            .column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
            .from(WorkOrder.schema)
            .where(SQLColumn("created_at", table: WorkOrder.schema), .greaterThanOrEqual, SQLBind(start))
            .where(SQLColumn("created_at", table: WorkOrder.schema), .lessThanOrEqual, SQLBind(end))
        if let scope = OrderScope.companyPredicate(tenant.scope, table: WorkOrder.schema) { query = query.where(scope) }
        for p in filter.predicates(table: WorkOrder.schema) { query = query.where(p) }
        return try await query.groupBy("type").groupBy("status").all(decoding: TypeStatusCount.self)
    }
}
