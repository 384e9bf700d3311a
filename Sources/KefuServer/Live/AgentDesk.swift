import Vapor
import Fluent
import KefuCore

/// The agent's side of the live floor, on their workspace: signing in and out of the seat
/// and its groups (R3.1), not-ready with a reason (meal breaks mean signing out of the
/// queue), and the screen pop of the call they are on — the caller's record, their open
/// orders and today's opening phrase (R2.1) — with the hold timer (R2.3) and the reminder
/// not to hang up first (R2.9).
///
/// Companies (R11.2): the desk sees the floors of the companies the agent works for (their
/// own and granted ones, narrowed by the switcher), never another's. A call names its
/// company and branch with that branch's greeting, since an agent serving several client
/// companies from one seat must answer each in its own name. Seat buttons sign the agent in
/// and out of every company in scope at once: one seat, one state.
struct AgentDesk {
    struct CallPanel: Encodable {
        var callId: String
        var ringing: Bool
        var talking: Bool
        var held: Bool
        var caller: String?
        var queue: String?
        /// Whose call it is: the company and the branch whose hotline was dialled.
        var companyCode: String
        var companyName: String
        var branchName: String?
        /// The branch's welcome as the caller heard it (`WelcomeText`), the agent's work ID filled in.
        var greeting: String?
        var customerId: String?
        var customerName: String?
        var customerTier: String?
        /// Nil when empty, so the pop says "无" instead of an empty heading.
        @NilIfEmpty var openOrders: [WorkOrderRow]
        /// The caller's latest contacts of every kind (R5.1): what happened last time.
        @NilIfEmpty var history: [CustomerPages.HistoryRow]
        /// The knowledge articles the caller's first open order calls for (R6.1).
        @NilIfEmpty var articles: [KnowledgeSuggestions.Link]
        var holdSinceMillis: Int64?
        var newOrderHref: String
    }
    struct Panel: Encodable {
        var groups: String
        var groupChoices: [AgentGroupChoice.Choice]
        var state: String
        var stateLabel: String
        var signedIn: Bool
        var opening: String
        var call: CallPanel?
        /// The companies the seat serves, named when there are several.
        var companies: String?
        var notReadyReasons: [String]
        var holdLimitMessage: String
        var holdReminderMessage: String
        var hangUpMessage: String
    }

    static let notReadyReasons = ["用餐", "小休", "培训", "会议", "话后整理"]

    /// The companies this request's desk serves: the scope's, the person's own first.
    static func companies(_ req: Request) async throws -> [Company] {
        let tenant = try await req.tenant()
        let all = try await tenant.companies()
        return all.filter { $0.id == tenant.homeCompanyID } + all.filter { $0.id != tenant.homeCompanyID }
    }

    /// The agent on each served company's floor, the one with a call first.
    static func seatings(_ req: Request, user: User) async throws -> [(company: Company, live: LiveState, agent: LiveAgent?)] {
        let floors = try await req.application.live.states(on: req.db, now: req.now)
        let empty = LiveState(configuration: req.application.live.configuration, events: [])
        let all = try await companies(req).compactMap { c in c.id.map { (company: c, live: floors[$0] ?? empty, agent: (floors[$0] ?? empty).agent(user.workId)) } }
        return all.filter { $0.agent?.callId != nil } + all.filter { $0.agent?.callId == nil }
    }

    static func panel(_ req: Request, user: User) async throws -> Panel {
        let seatings = try await seatings(req, user: user)
        guard let seat = seatings.first else { throw KefuError.notFound("公司") }
        let companyID = try seat.company.requireID()
        let agent = seat.agent ?? seatings.lazy.compactMap(\.agent).first
        let state = agent?.state ?? .loggedOut
        let tz = req.kefu.settings.timeZone
        let tenant = try await req.tenant()
        var call: CallPanel?
        var branchID: UUID?
        if let callId = seat.agent?.callId, let c = seat.live.call(callId) {
            var branch: Branch?
            if let b = try await CTIEventStore(db: req.db).branch(ofCall: callId, company: companyID) { branch = try await tenant.branch(b) }
            branchID = branch?.id
            let greeting = branch.map {
                WelcomeText.fill($0.welcome, company: seat.company.name, branch: $0.name, hotline: $0.hotline)
                    .replacingOccurrences(of: "{workId}", with: user.workId)
            }
            var href = "/work-orders/new" + (c.caller.map { "?phone=" + $0.urlQueryEncoded } ?? "")
            if let code = branch?.code { href += (c.caller == nil ? "?" : "&") + "branchCode=" + code.urlQueryEncoded }
            var panel = CallPanel(callId: callId, ringing: state == .reserved, talking: state == .onContact,
                                  held: state == .onHold, caller: c.caller, queue: c.queue,
                                  companyCode: seat.company.code, companyName: seat.company.name, branchName: branch?.name, greeting: greeting,
                                  openOrders: [], history: [], articles: [],
                                  holdSinceMillis: c.holdSince.map { Int64($0.timeIntervalSince1970 * 1000) },
                                  newOrderHref: href)
            if let caller = c.caller, user.can(.customerRead),
               let customer = try await CustomerService(tenant: tenant, now: req.now).find(phone: caller, company: companyID).first,
               let customerID = customer.id {
                try await req.logArchiveRead(customer, channel: "screen_pop", reason: "来电 \(callId)（弹屏）")
                panel.customerId = customerID.uuidString
                panel.customerName = customer.name
                panel.customerTier = customer.tier.label
                // Active statuses as a list, not "<> closed": SQLite (never ANALYZEd) then takes
                // the (company, status, owner) index (M015) instead of reading the company's
                // whole year of orders through another company-first index.
                let orders = try await tenant.query(WorkOrder.self).filter(\.$companyID == companyID).filter(\.$customer.$id == customerID)
                    .filter(\.$status ~~ WorkOrderStatus.active.map(\.rawValue)).limit(20).all()
                let sorted = WorkOrderRow.sortForWorkspace(orders)
                panel.openOrders = sorted.map { WorkOrderRow($0, now: req.now, timeZone: tz) }
                if let first = sorted.first {
                    panel.articles = try await KnowledgeSuggestions.on(req, tenant: tenant)
                        .articles(subject: first.subject, description: first.description, company: companyID)
                }
                // The call on the line is in the history already: leave it out.
                let history = try await CustomerHistoryReader(scope: try await req.orderScope(), user: user, timeZone: req.kefu.settings.timeZone).entries(of: customer, limit: 6)
                panel.history = CustomerPages.historyRows(history.filter { $0.title != "来电 \(callId)" }.prefix(5).map { $0 }, timeZone: tz)
            }
            call = panel
        }
        let place = try await LanguageRules.place(companyID: companyID, branchID: branchID, db: req.db, centerName: req.kefu.settings.companyName)
        let rules = try await LanguageRules.current(on: req.db, place: place)
        let roster = try await EmergencyCoordinator.roster(company: companyID, on: req.db)
        let groups = AgentGroup.allCases.filter { roster[$0]?.contains(user.workId) == true }.map(\.label)
        return Panel(groups: groups.isEmpty ? "呼入组（未编入分组名单）" : groups.joined(separator: "、"),
                     groupChoices: AgentGroupChoice.choices(for: user, roster: roster), state: state.code, stateLabel: state.label, signedIn: state.isSignedIn,
                     opening: rules.engine.openingPhrase(on: LocalDay(req.now, in: tz)), call: call,
                     companies: seatings.count > 1 ? seatings.map { "\($0.company.name)（\($0.company.code)）" }.sorted().joined(separator: "、") : nil,
                     notReadyReasons: notReadyReasons, holdLimitMessage: "保持已达 30 秒，请恢复通话或征得客户同意",
                     holdReminderMessage: "客户已等待 1 分钟，请再次提醒客户", hangUpMessage: "请等客户先挂机：不得先于客户挂断电话")
    }

    /// The seat buttons: each becomes an agent event in the same stream the switch feeds, in
    /// every company the desk serves (the agent is one person at one seat).
    static func seat(_ req: Request, user: User, action: String?, reason: String?) async throws {
        let type: AgentEventType
        var why: String?
        switch action {
        case "login": type = .loggedIn
        case "ready": type = .ready
        case "not_ready":
            type = .notReady
            guard let r = reason, notReadyReasons.contains(r) else {
                throw KefuError.invalid([.init(field: "reason", message: "请选择示忙原因。")])
            }
            why = r
        case "logout": type = .loggedOut
        default: throw KefuError.invalid([.init(field: "action", message: "未知操作。")])
        }
        for seat in try await seatings(req, user: user) {
            // Just after the agent's last event, if the clock has not moved past it (a stopped
            // simulated clock): a click must never be ordered before the one that preceded it.
            let last = seat.live.lastEvent(where: { $0.agentWorkId == user.workId })?.at
            let at = last.map { max(req.now, $0.addingTimeInterval(0.001)) } ?? req.now
            var events = [CTIEvent(id: "kefu:" + UUID().uuidString, type, at: at, agentWorkId: user.workId, reason: why)]
            if type == .loggedIn {
                events.append(CTIEvent(id: "kefu:" + UUID().uuidString, .ready, at: at.addingTimeInterval(0.001), agentWorkId: user.workId))
            }
            _ = try await CTIAPI.store(events, company: try seat.company.requireID(), source: "kefu:" + user.workId, on: req)
        }
        try await req.history().audit(action: "seat.\(action ?? "")", objectType: "agent", objectId: user.workId, after: why)
    }
}

/// Routes of the agent desk: the seat buttons and the small poll that tells the workspace
/// a call arrived (the page then reloads with the screen pop).
struct AgentDeskPages {
    func register(_ routes: RoutesBuilder) {
        let desk = routes.requiring(.chatServe)
        desk.post("workspace", "seat", use: seat)
        desk.post("workspace", "groups", use: groups)
        desk.get("workspace", "call.json", use: call)
        desk.post("workspace", "call", use: callAction)
    }

    /// The soft phone of the built-in ACD (and of training): answer, hold, resume, end.
    func callAction(req: Request) async throws -> Response {
        struct Form: Content { var action: String?; var callId: String? }
        let form = try req.content.decode(Form.self)
        let user = try req.user()
        // The call is on the floor of one of the desk's companies; its events go there.
        guard let seat = try await AgentDesk.seatings(req, user: user).first(where: { $0.agent?.callId != nil && $0.agent?.callId == form.callId }),
              let agent = seat.agent, let callId = agent.callId, let companyID = seat.company.id else {
            return req.redirect(to: "/workspace", notice: "该来电已结束或已转给他人。")
        }
        let live = seat.live
        let type: ContactEventType
        switch (form.action, agent.state) {
        case ("answer", .reserved): type = .answered
        case ("hold", .onContact): type = .hold
        case ("unhold", .onHold): type = .unhold
        case ("complete", .onContact), ("complete", .onHold): type = .completed
        default: return req.redirect(to: "/workspace", notice: "当前状态下不能这样操作。")
        }
        let last = live.lastEvent(where: { $0.callId == callId })?.at
        let at = last.map { max(req.now, $0.addingTimeInterval(0.001)) } ?? req.now
        let event = CTIEvent(id: "kefu:" + UUID().uuidString, type, at: at, callId: callId, agentWorkId: user.workId,
                             reason: type == .completed ? "agent_ended" : nil)
        _ = try await CTIAPI.store([event], company: companyID, source: "kefu:" + user.workId, on: req)
        let notice = [ContactEventType.answered: "已接听", .hold: "已保持", .unhold: "已恢复通话", .completed: "通话已结束"][type] ?? ""
        return req.redirect(to: "/workspace", notice: notice)
    }

    func seat(req: Request) async throws -> Response {
        struct Form: Content { var action: String?; var reason: String? }
        let form = try req.content.decode(Form.self)
        do {
            try await AgentDesk.seat(req, user: try req.user(), action: form.action, reason: form.reason)
            let notice = ["login": "已签入", "ready": "已就绪", "not_ready": "已示忙", "logout": "已签出"][form.action ?? ""] ?? "已更新"
            return req.redirect(to: "/workspace", notice: notice)
        } catch let e as KefuError {
            return req.redirect(to: "/workspace", notice: e.reason)
        }
    }

    func groups(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        try await AgentGroupChoice.save(req, user: try req.user(), form: form)
        return req.redirect(to: "/workspace", notice: "分组已更新")
    }

    struct CallState: Content { var state: String; var callId: String? }

    func call(req: Request) async throws -> CallState {
        let user = try req.user()
        let seatings = try await AgentDesk.seatings(req, user: user)
        let agent = seatings.first?.agent ?? seatings.lazy.compactMap(\.agent).first
        return CallState(state: (agent?.state ?? .loggedOut).code, callId: agent?.callId)
    }
}
