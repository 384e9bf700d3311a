import Vapor
import Fluent
import KefuCore

/// The hall's pages (R3.6): the counter clerk's desk (/counter), the ticket kiosk or the
/// guide's tablet (/counter/kiosk), the hall display (/counter/display, which speaks the
/// calls), the services the hall offers (/counter/services, admin) and the hall's waiting
/// and service times (/reports/counter).
struct CounterPages {
    func register(_ routes: RoutesBuilder) {
        let hall = routes.grouped("counter").requiring(.counterServe)
        hall.get(use: desk)
        hall.post("open", use: open)
        hall.post("close", use: close)
        hall.post("call-next", use: callNext)
        hall.post("tickets", ":id", "act", use: act)
        hall.get("kiosk", use: kiosk)
        hall.post("kiosk", use: issue)
        hall.get("tickets", ":id", use: ticket)
        hall.get("display", use: display)
        hall.get("display.json", use: displayJSON)
        let setup = routes.grouped("counter", "services").requiring(.adminSettings)
        setup.get(use: services)
        setup.post(use: saveService)
        setup.post(":code", "retire", use: retireService)
        routes.grouped("reports").requiring(.reportsRead).get("counter", use: report)
    }

    struct BranchChoice: Encodable { var code: String; var label: String; var selected: Bool }
    struct ServiceChoice: Encodable { var code: String; var name: String; var checked: Bool }
    struct QueueRow: Encodable {
        var code: String; var name: String; var waiting: Int; var priority: Int; var expected: Int
        init(_ q: CounterHall.ServiceQueue) {
            code = q.service.code; name = q.service.name; waiting = q.waiting; priority = q.priority; expected = q.expectedWaitMinutes
        }
    }
    struct TicketRow: Encodable {
        var id: String; var number: String; var service: String; var priority: String; var isPriority: Bool
        var status: String; var issuedAt: String; var waitedMinutes: Int; var counter: String?; var forCounter: String?; var recalls: Int
    }
    struct Current: Encodable { var ticket: TicketRow; var mayRecall: Bool }

    /// The halls a person may pick: the branches of the companies in scope.
    static func branchChoices(_ req: Request, _ hall: CounterHall) async throws -> [BranchChoice] {
        try await hall.tenant.branches(of: hall.company).map { BranchChoice(code: $0.code, label: $0.name, selected: $0.id == hall.branch.id) }
    }

    static func row(_ t: CounterTicket, now: Date, _ tz: TimeZone) -> TicketRow {
        TicketRow(id: t.id?.uuidString ?? "", number: t.number, service: t.serviceName, priority: t.priority.label, isPriority: t.priority.isPriority,
                  status: t.status.label, issuedAt: PageFormat.dateTime(t.issuedAt, tz),
                  waitedMinutes: Int((t.firstCalledAt ?? now).timeIntervalSince(t.issuedAt) / 60), counter: t.counter, forCounter: t.forCounter, recalls: t.recalls)
    }

    // MARK: the counter clerk's desk

    struct DeskContext: Encodable {
        var page: PageContext
        var branchCode: String
        var branchName: String
        @NilIfEmpty var branches: [BranchChoice]
        @NilIfEmpty var services: [ServiceChoice]
        /// The counter this clerk has open, and what it serves.
        var counter: String?
        var counterServices: String
        var current: Current?
        @NilIfEmpty var others: [String]
        @NilIfEmpty var queues: [QueueRow]
        @NilIfEmpty var waiting: [TicketRow]
        var mayReport: Bool
        var maySetUp: Bool
        var error: String?
    }

    struct Form: Content {
        var branch: String?; var counter: String?; var services: [String]?; var action: String?; var toCounter: String?
        var service: String?; var priority: String?
    }

    func desk(req: Request) async throws -> Response {
        try await renderDesk(req, try await CounterHall.of(req, branchCode: req.query[String.self, at: "branch"]), error: nil)
    }

    func renderDesk(_ req: Request, _ hall: CounterHall, error: KefuError?) async throws -> Response {
        let user = try req.user()
        let tz = hall.timeZone
        let windows = try await hall.windows()
        let mine = windows.first { $0.clerkWorkId == user.workId }
        let services = try await hall.services()
        let names = Dictionary(services.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        var current: Current?
        if let mine, let t = try await hall.current(counter: mine.name) {
            current = Current(ticket: Self.row(t, now: hall.now, tz), mayRecall: t.recalls < CounterQueue.maxRecalls)
        }
        let ctx = DeskContext(
            page: PageContext(req, user: user, title: "营业厅叫号"),
            branchCode: hall.branch.code, branchName: hall.branch.name, branches: try await Self.branchChoices(req, hall),
            services: services.map { ServiceChoice(code: $0.code, name: $0.name, checked: mine?.serviceCodes.contains($0.code) ?? false) },
            counter: mine?.name,
            counterServices: mine.map { $0.serviceCodes.isEmpty ? "全部业务" : $0.serviceCodes.sorted().map { names[$0] ?? $0 }.joined(separator: "、") } ?? "",
            current: current, others: windows.map(\.name).filter { $0 != mine?.name },
            queues: try await hall.queues().map(QueueRow.init),
            waiting: try await hall.waitingList().map { Self.row($0, now: hall.now, tz) },
            mayReport: user.can(.reportsRead), maySetUp: user.can(.adminSettings), error: error?.reason)
        let res = try await req.view.render("counter", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    private func back(_ hall: CounterHall) -> String { "/counter?branch=\(hall.branch.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }

    /// Runs a desk action and returns to the desk, or shows it again with the reason.
    private func attempt(_ req: Request, form name: String, hall known: CounterHall? = nil,
                         _ body: (CounterHall, Form) async throws -> String) async throws -> Response {
        let f = try req.content.decode(Form.self)
        let hall = if let known { known } else { try await CounterHall.of(req, branchCode: f.branch) }
        return try await req.once(form: name, fallback: back(hall)) {
            do {
                let notice = try await body(hall, f)
                return .created(back(hall), req.redirect(to: back(hall), notice: notice))
            } catch let e as KefuError {
                return .refused(try await renderDesk(req, hall, error: e))
            }
        }
    }

    func open(req: Request) async throws -> Response {
        try await attempt(req, form: "counter.open") { hall, f in
            let w = try await hall.open(counter: f.counter, services: f.services ?? [])
            return "\(w.name) 已开启，按「下一位」叫号。"
        }
    }

    func close(req: Request) async throws -> Response {
        let f = try req.content.decode(Form.self)
        let hall = try await CounterHall.of(req, branchCode: f.branch)
        let counter = (f.counter ?? "").trimmingCharacters(in: .whitespaces)
        if let t = try await hall.current(counter: counter) {
            return try await renderDesk(req, hall, error: KefuError.conflict("counter_serving", "\(counter) 还在办理 \(t.number)，请先办结、过号或转窗口。"))
        }
        try await hall.close(counter: counter)
        return req.redirect(to: back(hall), notice: "\(counter) 已关闭。")
    }

    func callNext(req: Request) async throws -> Response {
        try await attempt(req, form: "counter.call") { hall, f in
            guard let t = try await hall.callNext(counter: f.counter) else { return "目前没有等候的客户。" }
            return "已呼叫 \(t.number)（\(t.serviceName)\(t.priority.isPriority ? "，" + t.priority.label + "优先" : "")）。"
        }
    }

    func act(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("排队号") }
        return try await attempt(req, form: "counter.act", hall: try await CounterHall.of(req, ticket: id)) { hall, f in
            guard let action = TicketAction(rawValue: f.action ?? "") else {
                throw KefuError.invalid([.init(field: "action", message: "未知操作")])
            }
            let t = try await hall.act(id, action, toCounter: f.toCounter)
            switch action {
            case .recall: return "已重呼 \(t.number)（第 \(t.recalls) 次）。"
            case .transfer: return "\(t.number) 已转到 \(t.forCounter ?? "")，由该窗口优先呼叫。"
            case .served: return "\(t.number) 已办结。"
            case .absent: return "\(t.number) 已过号。"
            }
        }
    }

    // MARK: the kiosk and the ticket

    struct KioskContext: Encodable {
        var page: PageContext
        var branchCode: String
        var branchName: String
        @NilIfEmpty var queues: [QueueRow]
        var priorities: [Choice]
        var error: String?
    }

    func kiosk(req: Request) async throws -> Response {
        try await renderKiosk(req, try await CounterHall.of(req, branchCode: req.query[String.self, at: "branch"]), error: nil)
    }

    func renderKiosk(_ req: Request, _ hall: CounterHall, error: KefuError?) async throws -> Response {
        var page = PageContext(req, user: try req.user(), title: "取号")
        page.bare = true
        let ctx = KioskContext(page: page, branchCode: hall.branch.code, branchName: hall.branch.name,
                               queues: try await hall.queues().map(QueueRow.init),
                               priorities: TicketPriority.allCases.map { Choice(value: $0.rawValue, label: $0.label) }, error: error?.reason)
        let res = try await req.view.render("counter_kiosk", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func issue(req: Request) async throws -> Response {
        let f = try req.content.decode(Form.self)
        let hall = try await CounterHall.of(req, branchCode: f.branch)
        return try await req.once(form: "counter.ticket", fallback: "/counter/kiosk") {
            do {
                let issued = try await hall.issue(service: f.service, priority: f.priority)
                let href = "/counter/tickets/\(try issued.ticket.requireID().uuidString)"
                return .created(href, req.redirect(to: href))
            } catch let e as KefuError {
                return .refused(try await renderKiosk(req, hall, error: e))
            }
        }
    }

    struct TicketContext: Encodable {
        var page: PageContext
        var ticket: TicketRow
        var branchName: String
        var branchCode: String
        var waiting: Bool
        var ahead: Int
        var expected: Int
    }

    /// The ticket as the customer is shown it (and may print): number, business, how many
    /// are ahead and about how long (第二十条（七）), counted now.
    func ticket(req: Request) async throws -> Response {
        let id = req.parameters.get("id", as: UUID.self)
        let itsHall = try await CounterHall.of(req, ticket: id)
        let t = try await itsHall.ticket(id)
        let owner = itsHall.branch
        let waiting = try await itsHall.waitingTickets()
        let before = waiting.filter { w in
            guard let mine = t.waiting else { return false }
            return w.id != mine.id && w.service == mine.service && w.forCounter == nil && CounterQueue.precedes(w, mine)
        }.count
        var page = PageContext(req, user: try req.user(), title: "排队号 \(t.number)")
        page.bare = true
        let ctx = TicketContext(page: page, ticket: Self.row(t, now: itsHall.now, itsHall.timeZone), branchName: owner.name, branchCode: owner.code,
                                waiting: t.status == .waiting, ahead: before,
                                expected: try await itsHall.expectedWait(t.serviceCode, ahead: before))
        return try await req.view.render("counter_ticket", ctx).encodeResponse(for: req)
    }

    // MARK: the hall display

    /// `at` (when it was last announced) tells the display a call it has not said yet: a new
    /// call, a recall, or the same ticket called again at the counter it was sent to.
    struct Call: Content { var id: String; var number: String; var counter: String; var at: String; var announcement: String; var priority: Bool }
    struct Waiting: Content { var code: String; var name: String; var waiting: Int; var expected: Int }
    struct DisplayState: Content { var branchName: String; var calls: [Call]; var waiting: [Waiting] }

    static func state(_ hall: CounterHall) async throws -> DisplayState {
        let calls = try await hall.recentCalls().compactMap { t -> Call? in
            guard let counter = t.counter ?? t.forCounter else { return nil }
            return Call(id: t.id?.uuidString ?? "", number: t.number, counter: CounterQueue.place(counter),
                        at: String(Int(((t.announcedAt ?? t.issuedAt).timeIntervalSince1970 * 1000).rounded())),
                        announcement: CounterQueue.announcement(number: t.number, counter: counter), priority: t.priority.isPriority)
        }
        return DisplayState(branchName: hall.branch.name, calls: calls,
                            waiting: try await hall.queues().map { Waiting(code: $0.service.code, name: $0.service.name, waiting: $0.waiting, expected: $0.expectedWaitMinutes) })
    }

    struct DisplayContext: Encodable { var page: PageContext; var branchCode: String; var state: DisplayState; @NilIfEmpty var calls: [Call]; @NilIfEmpty var waiting: [Waiting] }

    func display(req: Request) async throws -> Response {
        let hall = try await CounterHall.of(req, branchCode: req.query[String.self, at: "branch"])
        var page = PageContext(req, user: try req.user(), title: "叫号显示屏 · \(hall.branch.name)")
        page.bare = true
        let state = try await Self.state(hall)
        return try await req.view.render("counter_display", DisplayContext(page: page, branchCode: hall.branch.code, state: state,
                                                                           calls: state.calls, waiting: state.waiting)).encodeResponse(for: req)
    }

    /// What the display polls: stateless, so any server process answers it.
    func displayJSON(req: Request) async throws -> DisplayState {
        try await Self.state(try await CounterHall.of(req, branchCode: req.query[String.self, at: "branch"]))
    }

    // MARK: services (admin)

    struct ServiceRow: Encodable { var code: String; var name: String; var active: Bool }
    struct ServicesContext: Encodable {
        var page: PageContext
        var branchCode: String
        var branchName: String
        @NilIfEmpty var branches: [BranchChoice]
        @NilIfEmpty var rows: [ServiceRow]
        var form: [String: String]
        var error: String?
    }

    func services(req: Request) async throws -> Response {
        try await renderServices(req, try await CounterHall.of(req, branchCode: req.query[String.self, at: "branch"]), form: [:], error: nil)
    }

    func renderServices(_ req: Request, _ hall: CounterHall, form: [String: String], error: KefuError?) async throws -> Response {
        let ctx = ServicesContext(page: PageContext(req, user: try req.user(), title: "营业厅业务设置"), branchCode: hall.branch.code, branchName: hall.branch.name,
                                  branches: try await Self.branchChoices(req, hall),
                                  rows: try await hall.services(activeOnly: false).map { ServiceRow(code: $0.code, name: $0.name, active: $0.active) },
                                  form: form, error: error?.reason)
        let res = try await req.view.render("counter_services", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func saveService(req: Request) async throws -> Response {
        let f = try req.content.decode([String: String].self)
        let hall = try await CounterHall.of(req, branchCode: f["branch"])
        let path = "/counter/services?branch=\(hall.branch.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        return try await req.once(form: "counter.service", fallback: path) {
            do {
                try await hall.saveService(code: f["code"], name: f["name"])
                return .created(path, req.redirect(to: path, notice: "业务已保存，取号页即刻可选。"))
            } catch let e as KefuError {
                return .refused(try await renderServices(req, hall, form: ["code": f["code"] ?? "", "name": f["name"] ?? ""], error: e))
            }
        }
    }

    func retireService(req: Request) async throws -> Response {
        let f = try req.content.decode([String: String].self)
        let hall = try await CounterHall.of(req, branchCode: f["branch"])
        let path = "/counter/services?branch=\(hall.branch.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        do {
            try await hall.retireService(code: req.parameters.get("code") ?? "")
        } catch let e as KefuError {
            return try await renderServices(req, hall, form: [:], error: e)
        }
        return req.redirect(to: path, notice: "业务已停用，历史排队号和统计保留。")
    }

    // MARK: the report

    struct FigureRow: Encodable {
        var label: String; var issued: Int; var priority: Int; var served: Int; var absent: Int; var waiting: Int
        var averageWait: String; var longestWait: String; var averageService: String
    }
    struct ReportContext: Encodable {
        var page: PageContext
        var from: String
        var to: String
        var branchCode: String
        var branchName: String
        @NilIfEmpty var branches: [BranchChoice]
        var total: FigureRow
        @NilIfEmpty var services: [FigureRow]
        @NilIfEmpty var days: [FigureRow]
        var chart: String?
        var error: String?
    }

    static func minutes(_ seconds: Double?) -> String {
        guard let seconds else { return "—" }
        return String(format: "%.1f 分", seconds / 60)
    }

    static func figureRow(_ label: String, _ f: CounterFigures) -> FigureRow {
        FigureRow(label: label, issued: f.issued, priority: f.priority, served: f.served, absent: f.absent, waiting: f.waiting,
                  averageWait: minutes(f.averageWaitSeconds), longestWait: f.waitCount > 0 ? minutes(f.longestWaitSeconds) : "—",
                  averageService: minutes(f.averageServiceSeconds))
    }

    func report(req: Request) async throws -> Response {
        let hall = try await CounterHall.of(req, branchCode: req.query[String.self, at: "branch"])
        let today = LocalDay(hall.now, in: hall.timeZone)
        let fromRaw = req.query[String.self, at: "from"], toRaw = req.query[String.self, at: "to"]
        var error: KefuError?
        var range = today.adding(days: -6)...today
        if fromRaw != nil || toRaw != nil {
            do { range = try PeriodQuery.range(from: fromRaw, to: toRaw) } catch let e as KefuError { error = e }
        }
        let result = try await CounterReport(hall: hall).figures(range)
        let chart = result.services.isEmpty ? nil : SVGChart.stackedBars(
            labels: result.services.map { "\($0.code) \($0.name)" },
            series: [SVGChart.Series(name: "平均等候（分钟）", color: "#2b6cb0", values: result.services.map { ($0.figures.averageWaitSeconds ?? 0) / 60 }),
                     SVGChart.Series(name: "平均办理（分钟）", color: "#dd6b20", values: result.services.map { ($0.figures.averageServiceSeconds ?? 0) / 60 })],
            title: "各业务平均等候与办理时间（分钟）")
        let ctx = ReportContext(page: PageContext(req, user: try req.user(), title: "营业厅排队统计"),
                                from: range.lowerBound.description, to: range.upperBound.description,
                                branchCode: hall.branch.code, branchName: hall.branch.name, branches: try await Self.branchChoices(req, hall),
                                total: Self.figureRow("合计", result.total),
                                services: result.services.map { Self.figureRow("\($0.code) \($0.name)", $0.figures) },
                                days: result.days.map { Self.figureRow($0.day, $0.figures) }, chart: chart, error: error?.reason)
        let res = try await req.view.render("counter_report", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }
}
