import Vapor
import Fluent
import KefuCore

/// The shift lead's live floor (R3.5): `/wallboard` (with the emergency panel) and
/// `/wallboard?big=1` for the big screen, kept current over a WebSocket; the same figures
/// as JSON at `GET /api/v1/live`. Each board is one company's floor (R11.2), chosen by
/// `?company=CODE` among the companies the person may see.
struct WallboardPages {
    func register(_ routes: RoutesBuilder, api: RoutesBuilder) {
        let lead = routes.requiring(.shiftBoard)
        lead.get("wallboard", use: page)
        // Browsers send cookies with a cross-site WebSocket too: only our own pages may open one.
        lead.grouped(SameOriginMiddleware()).webSocket("wallboard", "ws", onUpgrade: socket)
        lead.post("wallboard", "emergency", "apply", use: apply)
        lead.post("wallboard", "emergency", "mode", use: mode)
        lead.post("wallboard", "groups", use: saveGroups)
        lead.post("wallboard", "acd", use: acd)
        api.requiring(.shiftBoard).get("live", use: live)
    }

    /// `GET /api/v1/live`: one company's floor. `?company=CODE` names it (404 outside the
    /// caller's companies); with one company in scope it is that one. Someone who sees
    /// several companies and names none (the shift lead of an outsourced center) gets their
    /// own company's figures at the top level — the shape every client of a single center
    /// already reads — plus `companies`: every visible company's figures side by side, since
    /// a lead watching several clients' floors wants them all at once. Figures are never
    /// added up across companies: each has its own service level and emergency state.
    /// `?branch=CODE` narrows the calls to those that came in on that branch's hotline.
    func live(req: Request) async throws -> LiveSnapshot {
        try req.refuseEmptyQuery("company", "branch")
        let code = req.query[String.self, at: "company"], branchCode = req.query[String.self, at: "branch"]
        let (shown, branch, all) = try await Self.floor(req, company: code, branch: branchCode)
        var top = try await LiveSnapshot.current(req.application, company: shown, branch: branch, db: req.db, now: req.now)
        if Self.nonEmpty(code) == nil, branch == nil, all.count > 1 {
            var sections: [LiveSnapshot] = []
            for c in all {
                sections.append(c.id == shown.id ? top : try await LiveSnapshot.current(req.application, company: c, db: req.db, now: req.now))
            }
            top.companies = sections
        }
        return top
    }

    /// The companies a board may show (the request's scope, by code) and the one it shows:
    /// `code` when given (404 when not among them), else the person's own company when in
    /// scope, else the first.
    static func board(_ req: Request, code: String?) async throws -> (shown: Company, all: [Company]) {
        let (shown, _, all) = try await floor(req, company: code, branch: nil)
        return (shown, all)
    }

    /// Like `board`, with an optional branch of the shown company (`branch` alone names its
    /// company too, when the scope makes the code unambiguous).
    static func floor(_ req: Request, company code: String?, branch branchCode: String?) async throws -> (shown: Company, branch: Branch?, all: [Company]) {
        let tenant = try await req.tenant()
        let all = try await tenant.companies()
        var shown: Company?
        if let code = nonEmpty(code) { shown = try await tenant.company(code: code) }
        var branch: Branch?
        if let b = nonEmpty(branchCode) {
            let found = try await tenant.branch(code: b, company: shown?.id ?? tenant.scope.single)
            if shown == nil { shown = try await tenant.company(found.$company.id) }
            branch = found
        }
        guard let shown = shown ?? all.first(where: { $0.id == tenant.homeCompanyID }) ?? all.first else { throw KefuError.notFound("公司") }
        return (shown, branch, all)
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let t = s?.trimmingCharacters(in: .whitespaces), !t.isEmpty else { return nil }
        return t
    }

    /// `company=CODE[&branch=CODE]` for links back to the same board.
    static func query(_ company: Company, _ branch: Branch?) -> String {
        "company=" + company.code.urlQueryEncoded + (branch.map { "&branch=" + $0.code.urlQueryEncoded } ?? "")
    }

    /// The users who may sit in `company`'s groups: its own people and those granted it.
    static func workIds(of company: UUID, on db: Database) async throws -> Set<String> {
        let tenant = TenantData.system(db)
        var ids = Set(try await tenant.query(User.self).filter(\.$companyID == company).all().map(\.workId))
        let granted = try await CompanyGrant.query(on: db).filter(\.$company.$id == company).all().map(\.$user.id)
        if !granted.isEmpty { ids.formUnion(try await tenant.query(User.self).filter(\.$id ~~ granted).all().map(\.workId)) }
        return ids
    }

    struct GroupRow: Encodable { var field: String; var label: String; var members: String }
    struct StateRow: Encodable { var code: String; var label: String; var count: Int }
    /// One queue's row, named in Chinese, with its figures past threshold flagged.
    struct QueueRow: Encodable {
        var queue: String; var label: String; var waiting: Int; var longestWaitSeconds: Int; var answered: Int; var abandoned: Int
        var serviceLevel: String; var answerRate: String; var waitingAlert: Bool; var longestAlert: Bool; var serviceLevelAlert: Bool
    }
    struct CompanyChoice: Encodable { var code: String; var name: String; var selected: Bool }
    struct Context: Encodable {
        var page: PageContext; var big: Bool; var snapshot: LiveSnapshot; var states: [StateRow]
        /// The company shown, its socket path and query, and the others to switch to (several only).
        var companyCode: String; var companyName: String; var wsPath: String; var companyQuery: String
        @NilIfEmpty var companies: [CompanyChoice]
        /// The branch shown ("" for the whole company) and the company's branches (several only).
        var branchCode: String; var branchName: String?
        @NilIfEmpty var branches: [CompanyChoice]
        var recommendation: EmergencyRecommendation?; @NilIfEmpty var applied: [String]; var automatic: Bool; var clock: String; var timeZone: String
        var groups: [GroupRow]; var acdOn: Bool; var error: String?; var longestWait: String; var serviceLevel: String; var answerRate: String
        var queues: [QueueRow]; var thresholds: WallboardThresholds
        var waitingAlert: Bool; var longestAlert: Bool; var serviceLevelAlert: Bool
        /// The snapshot the page was drawn from and the queue names, as JSON for wallboard.js,
        /// which ticks the clock and the waits every second from it until the next event.
        var snapshotJSON: String; var queueLabelsJSON: String; var serviceLevelTargetText: String
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    func page(req: Request) async throws -> Response {
        let (company, branch, all) = try await Self.floor(req, company: req.query[String.self, at: "company"],
                                                          branch: req.query[String.self, at: "branch"])
        return try await render(req, company: company, branch: branch, all: all, error: nil)
    }

    func render(_ req: Request, company: Company, branch: Branch?, all: [Company], error: KefuError?) async throws -> Response {
        let companyID = try company.requireID()
        let snapshot = try await LiveSnapshot.current(req.application, company: company, branch: branch, db: req.db, now: req.now)
        let branches = try await (try await req.tenant()).branches(of: companyID)
        let state = try await EmergencyCoordinator.state(company: companyID, on: req.db)
        let roster = try await EmergencyCoordinator.roster(company: companyID, on: req.db)
        let states = AgentState.allCodes.map { code in
            StateRow(code: code, label: AgentState(code: code, reason: nil)?.label ?? code, count: snapshot.agentsByState[code] ?? 0)
        }
        let tz = req.kefu.settings.timeZone
        let big = req.query[String.self, at: "big"] == "1"
        var page = PageContext(req, user: try req.user(), title: "实时监控")
        page.bare = big
        let thresholds = WallboardThresholds(serviceLevelSeconds: snapshot.serviceLevelSeconds,
                                             policy: try await EmergencyCoordinator.policy(company: companyID, on: req.db))
        let ivrBranch: Branch
        if let branch { ivrBranch = branch } else { ivrBranch = try await IVRService.firstBranch(of: companyID, tenant: try await req.tenant()) }
        let ivr = try await IVRService.current(branch: ivrBranch, tenant: try await req.tenant())
        let labels = QueueNames.labels(snapshot.queues.map(\.queue), ivr: ivr)
        let queues = snapshot.queues.map { q in
            QueueRow(queue: q.queue, label: labels[q.queue] ?? q.queue, waiting: q.waiting, longestWaitSeconds: q.longestWaitSeconds,
                     answered: q.answered, abandoned: q.abandoned, serviceLevel: Self.percent(q.serviceLevel), answerRate: Self.percent(q.answerRate),
                     waitingAlert: thresholds.waitingExceeded(q.waiting), longestAlert: thresholds.longestWaitExceeded(q.longestWaitSeconds),
                     serviceLevelAlert: thresholds.serviceLevelMissed(q.serviceLevel))
        }
        let encoder = JSONCoding.encoder(timeZone: tz)
        let snapshotJSON = String(decoding: try encoder.encode(snapshot), as: UTF8.self)
        let labelsJSON = String(decoding: try JSONEncoder().encode(labels), as: UTF8.self)
        let query = Self.query(company, branch)
        let ctx = Context(page: page, big: big,
                          snapshot: snapshot, states: states,
                          companyCode: company.code, companyName: company.name, wsPath: "/wallboard/ws?" + query, companyQuery: query,
                          companies: all.count > 1 ? all.map { CompanyChoice(code: $0.code, name: $0.name, selected: $0.id == company.id) } : [],
                          branchCode: branch?.code ?? "", branchName: branch?.name,
                          branches: branches.count > 1 ? branches.map { CompanyChoice(code: $0.code, name: $0.name, selected: $0.id == branch?.id) } : [],
                          recommendation: state.open,
                          applied: state.applied.map { "\(PageFormat.dateTime($0.appliedAt, tz)) 第\($0.stageNumber)步：\($0.action.groupsText) \($0.action.seats) 人（\($0.appliedBy ?? "自动")）" },
                          automatic: state.mode == .automatic, clock: Self.clock(snapshot.at, tz),
                          timeZone: tz.identifier,
                          groups: AgentGroup.allCases.map { GroupRow(field: "g_" + $0.rawValue, label: $0.label, members: (roster[$0] ?? []).joined(separator: " ")) },
                          acdOn: try await BuiltInACD.isOn(company: companyID, on: req.db),
                          error: error?.reason, longestWait: Self.duration(snapshot.longestWaitSeconds),
                          serviceLevel: Self.percent(snapshot.serviceLevel), answerRate: Self.percent(snapshot.answerRate),
                          queues: queues, thresholds: thresholds,
                          waitingAlert: thresholds.waitingExceeded(snapshot.waiting),
                          longestAlert: thresholds.longestWaitExceeded(snapshot.longestWaitSeconds),
                          serviceLevelAlert: thresholds.serviceLevelMissed(snapshot.serviceLevel),
                          snapshotJSON: snapshotJSON, queueLabelsJSON: labelsJSON,
                          serviceLevelTargetText: String(format: "%.0f%%", thresholds.serviceLevelTarget * 100))
        let res = try await req.view.render("wallboard", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    static func duration(_ s: Int) -> String { String(format: "%d:%02d", s / 60, s % 60) }

    /// HH:mm:ss in the center's zone; the browser keeps it ticking.
    static func clock(_ d: Date, _ tz: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = tz
        let c = calendar.dateComponents([.hour, .minute, .second], from: d)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// One company's figures (`?company=CODE`, as the page that opened it); a code outside
    /// the person's companies closes the socket without a word.
    func socket(req: Request, ws: WebSocket) async {
        let hub = req.application.wallboard
        guard let (company, branch, _) = try? await Self.floor(req, company: req.query[String.self, at: "company"],
                                                                branch: req.query[String.self, at: "branch"]),
              let companyID = company.id else {
            try? await ws.close(code: .policyViolation)
            return
        }
        let id = hub.add(ws, floor: .init(company: companyID, branch: branch?.id))
        ws.onClose.whenComplete { _ in hub.remove(id) }
        if let s = try? await LiveSnapshot.current(req.application, company: company, branch: branch, db: req.db, now: req.now),
           let data = try? JSONCoding.encoder(timeZone: req.kefu.settings.timeZone).encode(s) {
            try? await ws.send(String(decoding: data, as: UTF8.self))
        }
    }

    /// Runs a board action on the company the form names (`company`, a hidden field; the
    /// person's own when absent), then back to that company's board.
    func attempt(_ req: Request, notice: String, _ body: (UUID) async throws -> Void) async throws -> Response {
        struct Which: Content { var company: String?; var branch: String? }
        let which = try? req.content.decode(Which.self)
        let (company, branch, all) = try await Self.floor(req, company: which?.company, branch: which?.branch)
        let companyID = try company.requireID()
        do {
            try await body(companyID)
            // Every process's screens: an applied step or a new mode shows everywhere.
            try await LiveNotifier.changed(req.application, db: req.db)
            return req.redirect(to: "/wallboard?" + Self.query(company, branch), notice: notice)
        } catch let e as KefuError {
            return try await render(req, company: company, branch: branch, all: all, error: e)
        }
    }

    func apply(req: Request) async throws -> Response {
        struct Form: Content { var id: String?; var seats: String? }
        let form = try req.content.decode(Form.self)
        return try await attempt(req, notice: "已执行应急调度") { company in
            var seats: Int?
            if let s = form.seats?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
                guard let v = Int(s) else { throw KefuError.invalid([.init(field: "seats", message: "人数须为整数。")]) }
                seats = v
            }
            try await EmergencyCoordinator(app: req.application, db: req.db, company: company)
                .apply(recommendationId: form.id ?? "", seats: seats, by: try req.user(), now: req.now)
        }
    }

    func acd(req: Request) async throws -> Response {
        struct Form: Content { var acd: String? }
        let on = (try req.content.decode(Form.self)).acd == "on"
        return try await attempt(req, notice: on ? "已开启内置排队分配" : "已关闭内置排队分配") { company in
            try await BuiltInACD.set(on, company: company, by: try req.user(), on: req.db, now: req.now)
            if on { try await BuiltInACD.dispatch(req.application, company: company, db: req.db, now: req.now) }
        }
    }

    func mode(req: Request) async throws -> Response {
        struct Form: Content { var mode: String? }
        let form = try req.content.decode(Form.self)
        return try await attempt(req, notice: "应急调度模式已切换") { company in
            guard let m = form.mode.flatMap(EmergencyMode.init(rawValue:)) else {
                throw KefuError.invalid([.init(field: "mode", message: "请选择手动或自动。")])
            }
            try await EmergencyCoordinator(app: req.application, db: req.db, company: company).setMode(m, by: try req.user(), now: req.now)
        }
    }

    /// Who is in which group: work IDs separated by spaces or commas, each a person of the
    /// company (or granted it).
    func saveGroups(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await attempt(req, notice: "分组已保存") { company in
            let known = try await Self.workIds(of: company, on: req.db)
            var roster: [AgentGroup: [String]] = [:]
            var problems: [FieldProblemDTO] = []
            for g in AgentGroup.allCases {
                let ids = (form["g_" + g.rawValue] ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "，" || $0.isNewline }).map(String.init)
                for id in ids where !known.contains(id) { problems.append(.init(field: g.rawValue, message: "\(g.label)：工号 \(id) 不存在或不属于本公司。")) }
                if !ids.isEmpty { roster[g] = ids }
            }
            if !problems.isEmpty { throw KefuError.invalid(problems) }
            let json = String(decoding: try JSONEncoder().encode(roster), as: UTF8.self)
            let saved = roster
            try await req.db.writeTransaction { tx in
                try await EmergencyCoordinator.saveRoster(saved, company: company, on: tx)
                try await req.history(on: tx).audit(action: "live.groups_saved", objectType: "agent_groups", objectId: company.uuidString, after: json)
            }
        }
    }
}
