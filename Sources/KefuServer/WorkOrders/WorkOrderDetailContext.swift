import Vapor
import Fluent
import KefuCore

/// Everything the order page shows, and the one place that renders it — also when an
/// action was refused, so the refusal appears above the form with the input kept.
struct WorkOrderDetailContext: Encodable {
    struct Line: Encodable { var at: String; var actor: String; var kind: String; var summary: String }
    struct SupervisionLine: Encodable {
        var id: String; var department: String; var status: String; var deadline: String; var note: String
        var receipt: String?; var answeredAt: String; var overdue: Bool
    }
    struct CallbackLine: Encodable { var at: String; var by: String; var reached: Bool; var satisfaction: Int?; var note: String }
    struct Field: Encodable { var label: String; var value: String }

    var page: PageContext
    var order: WorkOrderRow
    var description: String
    var fields: [Field]
    var customerName: String
    var customerPhone: String
    var customerId: String
    var address: String?
    var duplicateOfNumber: String?
    var duplicateOfId: String?
    var timeline: [Line]
    var supervision: [SupervisionLine]
    var callbacks: [CallbackLine]
    var departments: [Choice]
    var colleagues: [Choice]
    var manualStatuses: [Choice]
    var canClose: Bool
    var closeBlocker: String?
    var canWork: Bool
    var canCallback: Bool
    var isClosed: Bool
    var canReopen: Bool
    var error: String?
    var form: [String: String]
    var defaultDeadline: String
    var knowledge: Knowledge
    var visits: Visits

    /// The order's field visits (R8.1) and whether this person may book one.
    struct Visits: Encodable {
        @NilIfEmpty var rows: [VisitPages.VisitRow]
        var mayBook: Bool
        var show: Bool
        init(rows: [VisitPages.VisitRow], mayBook: Bool) {
            self.rows = rows; self.mayBook = mayBook; show = !rows.isEmpty || mayBook
        }
    }

    /// The articles the order calls for and the cases written from it (R6.1, R6.2).
    struct Knowledge: Encodable {
        @NilIfEmpty var articles: [KnowledgeSuggestions.Link]
        @NilIfEmpty var cases: [Choice]
        var mayWriteCase: Bool
        var show: Bool

        init(articles: [KnowledgeSuggestions.Link], cases: [Choice], mayWriteCase: Bool) {
            self.articles = articles; self.cases = cases; self.mayWriteCase = mayWriteCase
            show = !articles.isEmpty || !cases.isEmpty || mayWriteCase
        }
    }

    static func render(_ req: Request, order o: WorkOrder, error: KefuError? = nil, form: [String: String] = [:]) async throws -> Response {
        let user = try req.user()
        let tz = req.kefu.settings.timeZone
        let now = req.now
        // What a person may see of the order (their department's part only, for a liaison).
        let scope = try await req.orderScope()
        let tenant = scope.tenant
        let customer = try await tenant.find(Customer.self, o.$customer.id)
        let labels = try await tenant.labels()
        let events = try await scope.timeline(of: o)
        let sup = try await scope.supervisionOrders(of: o)
        let cbs = try await scope.callbacks(of: o)
        let leads: Set<Role> = [.shiftLead, .teamLead, .complaintHandler, .admin]
        let canWork = (o.ownerWorkId == user.workId || leads.contains(user.roleValue)) && user.can(.workOrderWrite)
        // Only the order's company's departments receive its supervision orders, and only
        // people working for that company (their own or granted) may take it over.
        let deps = canWork ? try await tenant.query(Department.self).filter(\.$companyID == o.companyID).sort(\.$name).all() : []
        var people: [User] = []
        if canWork {
            let granted = Set(try await CompanyGrant.query(on: req.db).filter(\.$company.$id == o.companyID).all().map(\.$user.id))
            people = try await TenantData.system(req.db).query(User.self).filter(\.$active == true).sort(\.$workId).all()
                .filter { u in (u.companyID == o.companyID || u.id.map(granted.contains) == true) && u.can(.workOrderWrite) && u.workId != o.ownerWorkId }
        }
        var master: WorkOrder?
        if let d = o.duplicateOf { master = try await scope.orders().filter(\.$id == d).first() }
        let blocker = try await WorkOrderService(req: req).closeBlocker(o)
        let manual = WorkOrderStatus.manuallySettable.filter { o.statusValue.canChangeManually(to: $0) }
            .sorted { $0.rawValue < $1.rawValue }.map { Choice(value: $0.rawValue, label: $0.label) }

        let caseIDs = try await tenant.query(KnowledgeCaseOrder.self).filter(\.$workOrderID == o.requireID()).all().map(\.caseID)
        let cases = caseIDs.isEmpty ? [] : try await tenant.query(KnowledgeCaseRecord.self, ids: caseIDs).sort(\.$createdAt).all()
        let knowledge = Knowledge(
            articles: try await KnowledgeSuggestions.on(req, tenant: tenant).articles(subject: o.subject, description: o.description, company: o.companyID),
            cases: cases.map { Choice(value: $0.id?.uuidString ?? "", label: $0.title) }, mayWriteCase: KnowledgeCase.mayWrite(user.roleValue))

        let visitDesk = VisitDesk(scope: scope, user: user, now: now, timeZone: tz)
        let visitRows = user.can(.visitBook) ? try await visitDesk.visits(of: o).map { VisitPages.row($0, tz) } : []
        let visits = Visits(rows: visitRows, mayBook: user.can(.visitBook) && o.statusValue != .closed && (o.needsVisit || VisitDesk.area(of: o) != nil))
        let ctx = WorkOrderDetailContext(
            page: PageContext(req, user: user, title: "工单 \(o.number)"),
            order: WorkOrderRow(o, now: now, timeZone: tz, labels: labels),
            description: o.description,
            fields: [
                Field(label: "首次响应时限", value: PageFormat.dateTime(o.firstResponseDueAt, tz)),
                Field(label: "首次响应", value: o.firstRespondedAt.map { PageFormat.dateTime($0, tz) } ?? "尚未响应"),
                Field(label: "解决时限", value: o.resolutionDueAt.map { PageFormat.dateTime($0, tz) }
                      ?? (o.statusValue == .closed ? "已关闭" : o.statusValue == .resolved ? "已解决，停止计时" : "待客户反馈，暂停计时")),
                Field(label: "时限日历", value: o.calendarKindValue == .allDay ? "24小时" : "工作日"),
                Field(label: "升级级别", value: o.escalationLevel == 0 ? "未升级" : "第 \(o.escalationLevel) 级"),
                Field(label: "承诺答复", value: o.promisedReplyAt.map { PageFormat.dateTime($0, tz) } ?? "—"),
                Field(label: "回访", value: o.callbackDone ? "已完成" : "未完成"),
                Field(label: "受理时间", value: PageFormat.dateTime(o.createdAt, tz)),
            ] + (labels.mixed ? [Field(label: "公司", value: labels.companyName(o.companyID))] : [])
              + (o.branchID.map { [Field(label: "分公司", value: labels.branchName($0))] } ?? []),
            customerName: customer?.name ?? "", customerPhone: customer.map { Masking.phone($0.phone) } ?? "",
            customerId: customer?.id?.uuidString ?? "",
            address: o.address.map(\.singleLine),
            duplicateOfNumber: master?.number, duplicateOfId: master?.id?.uuidString,
            timeline: events.map { Line(at: PageFormat.dateTime($0.at, tz), actor: $0.actorWorkId ?? "系统", kind: $0.kind, summary: $0.summary) },
            supervision: sup.map { s in
                SupervisionLine(id: s.id!.uuidString, department: s.department.name, status: s.status,
                                deadline: PageFormat.dateTime(s.deadline, tz), note: s.note, receipt: s.receiptText,
                                answeredAt: PageFormat.dateTime(s.answeredAt, tz), overdue: s.status == "open" && s.deadline <= now)
            },
            callbacks: cbs.map { CallbackLine(at: PageFormat.dateTime($0.createdAt, tz), by: $0.byWorkId, reached: $0.reached, satisfaction: $0.satisfaction, note: $0.note) },
            departments: deps.map { Choice(value: $0.id!.uuidString, label: $0.name) },
            colleagues: people.map { Choice(value: $0.workId, label: "\($0.workId) \($0.name)（\($0.roleValue.label)）") },
            manualStatuses: manual,
            canClose: blocker == nil, closeBlocker: blocker?.reason, canWork: canWork,
            canCallback: user.can(.callbackWrite) && o.statusValue != .closed,
            isClosed: o.statusValue == .closed,
            canReopen: canWork && (o.statusValue == .closed || o.statusValue == .resolved),
            error: error?.reason, form: form,
            defaultDeadline: PageFormat.inputValue(now.addingTimeInterval(24 * 3600), tz), knowledge: knowledge, visits: visits)
        let res = try await req.view.render("work_order", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }
}
