import Vapor
import Fluent
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
    }

    func page(req: Request) async throws -> View {
        let user = try req.user()
        let tz = req.kefu.settings.timeZone
        let now = req.now
        let tenant = try await req.tenant()
        let filter = try await TenantFilter.resolve(req, tenant: tenant)
        let labels = try await tenant.labels()
        let escalatedQuery = tenant.query(WorkOrder.self).filter(\.$escalationLevel >= 2)
            .filter(\.$status != WorkOrderStatus.closed.rawValue).filter(\.$status != WorkOrderStatus.resolved.rawValue)
        filter.apply(escalatedQuery)
        let escalated = try await escalatedQuery.sort(\.$escalationLevel, .descending).sort(\.$resolutionDueAt).limit(200).all()
        let overdueQuery = tenant.query(SupervisionOrder.self).filter(\.$status == "open").filter(\.$deadline <= now)
            .with(\.$department).with(\.$workOrder)
        filter.apply(overdueQuery, hasBranch: false)
        // Supervision orders follow their work order's branch.
        let overdue = try await overdueQuery.sort(\.$deadline).limit(200).all()
            .filter { s in filter.branchID.map { s.workOrder.branchID == $0 } ?? true }
        // Role notices of the companies in view (every role notice names its company).
        let notesQuery = KefuNotification.query(on: req.db).filter(\.$recipientRole == user.role)
        if let visible = filter.companyID.map({ [$0] }) ?? tenant.scope.companyIDs.map(Array.init) {
            notesQuery.filter(\.$companyID ~~ visible.map { Optional($0) })
        }
        let notes = try await notesQuery.sort(\.$createdAt, .descending).limit(15).all()
        let today = LocalDay(now, in: tz)
        let start = today.start(in: tz)
        let todaysQuery = tenant.query(WorkOrder.self).filter(\.$createdAt >= start).filter(\.$createdAt <= now)
        filter.apply(todaysQuery)
        let todays = try await todaysQuery.field(\.$type).field(\.$status).all()
        let byType = WorkOrderType.allCases.map { t in Count(label: t.label, value: todays.filter { $0.type == t.rawValue }.count) }
        let byStatus = WorkOrderStatus.allCases.map { s in Count(label: s.label, value: todays.filter { $0.status == s.rawValue }.count) }
        return try await req.view.render("shift", Context(
            page: PageContext(req, user: user, title: "值班长看板"),
            tenantFilter: try await TenantFilterForm.make(tenant, labels: labels, filter: filter),
            tenantColumns: labels.mixed,
            orders: escalated.map { WorkOrderRow($0, now: now, timeZone: tz, labels: labels) },
            overdue: overdue.map { Overdue(workOrderId: $0.$workOrder.id.uuidString, number: $0.workOrder.number,
                                           company: labels.mixed ? labels.companyName($0.companyID) : "",
                                           department: $0.department.name, deadline: PageFormat.dateTime($0.deadline, tz), note: $0.note) },
            notifications: notes.map { .init(message: $0.message, at: PageFormat.dateTime($0.createdAt, tz), workOrderId: $0.workOrderID?.uuidString) },
            byType: byType, byStatus: byStatus, todayTotal: todays.count, today: today.description))
    }
}
