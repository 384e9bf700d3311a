import Vapor
import Fluent
import KefuCore

/// The shift lead's board (值班长): escalated orders, overdue supervision orders, acceptance
/// forms, and today's counts by type and status.
struct ShiftPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.shiftBoard).get("shift", use: page)
    }

    struct Count: Encodable { var label: String; var value: Int }
    struct Overdue: Encodable { var workOrderId: String; var number: String; var department: String; var deadline: String; var note: String }
    struct Context: Encodable {
        var page: PageContext
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
        let escalated = try await WorkOrder.query(on: req.db).filter(\.$escalationLevel >= 2)
            .filter(\.$status != WorkOrderStatus.closed.rawValue).filter(\.$status != WorkOrderStatus.resolved.rawValue)
            .sort(\.$escalationLevel, .descending).sort(\.$resolutionDueAt).limit(200).all()
        let overdue = try await SupervisionOrder.query(on: req.db).filter(\.$status == "open").filter(\.$deadline <= now)
            .with(\.$department).with(\.$workOrder).sort(\.$deadline).limit(200).all()
        let notes = try await KefuNotification.query(on: req.db).filter(\.$recipientRole == user.role)
            .sort(\.$createdAt, .descending).limit(15).all()
        let today = LocalDay(now, in: tz)
        let start = today.start(in: tz)
        let todays = try await WorkOrder.query(on: req.db).filter(\.$createdAt >= start).filter(\.$createdAt <= now)
            .field(\.$type).field(\.$status).all()
        let byType = WorkOrderType.allCases.map { t in Count(label: t.label, value: todays.filter { $0.type == t.rawValue }.count) }
        let byStatus = WorkOrderStatus.allCases.map { s in Count(label: s.label, value: todays.filter { $0.status == s.rawValue }.count) }
        return try await req.view.render("shift", Context(
            page: PageContext(req, user: user, title: "值班长看板"),
            orders: escalated.map { WorkOrderRow($0, now: now, timeZone: tz) },
            overdue: overdue.map { Overdue(workOrderId: $0.$workOrder.id.uuidString, number: $0.workOrder.number, department: $0.department.name,
                                           deadline: PageFormat.dateTime($0.deadline, tz), note: $0.note) },
            notifications: notes.map { .init(message: $0.message, at: PageFormat.dateTime($0.createdAt, tz), workOrderId: $0.workOrderID?.uuidString) },
            byType: byType, byStatus: byStatus, todayTotal: todays.count, today: today.description))
    }
}
