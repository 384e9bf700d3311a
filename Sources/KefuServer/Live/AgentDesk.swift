import Vapor
import Fluent
import KefuCore

/// The agent's side of the live floor, on their workspace: signing in and out of the seat
/// and its groups (R3.1), not-ready with a reason (meal breaks mean signing out of the
/// queue), and the screen pop of the call they are on — the caller's record, their open
/// orders and today's opening phrase (R2.1) — with the hold timer (R2.3) and the reminder
/// not to hang up first (R2.9).
struct AgentDesk {
    struct CallPanel: Encodable {
        var callId: String
        var ringing: Bool
        var talking: Bool
        var held: Bool
        var caller: String?
        var queue: String?
        var customerId: String?
        var customerName: String?
        var customerTier: String?
        /// Nil when empty, so the pop says "无" instead of an empty heading.
        @NilIfEmpty var openOrders: [WorkOrderRow]
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
        var notReadyReasons: [String]
        var holdLimitMessage: String
        var holdReminderMessage: String
        var hangUpMessage: String
    }

    static let notReadyReasons = ["用餐", "小休", "培训", "会议", "话后整理"]

    static func panel(_ req: Request, user: User) async throws -> Panel {
        let live = try await req.application.live.state(on: req.db, now: req.now)
        let agent = live.agent(user.workId)
        let state = agent?.state ?? .loggedOut
        let rules = try await LanguageRules.current(on: req.db, company: req.kefu.settings.companyName)
        let tz = req.kefu.settings.timeZone
        var call: CallPanel?
        if let callId = agent?.callId, let c = live.call(callId) {
            var panel = CallPanel(callId: callId, ringing: agent?.state == .reserved, talking: agent?.state == .onContact,
                                  held: agent?.state == .onHold, caller: c.caller, queue: c.queue, openOrders: [],
                                  holdSinceMillis: c.holdSince.map { Int64($0.timeIntervalSince1970 * 1000) },
                                  newOrderHref: "/work-orders/new" + (c.caller.map { "?phone=" + $0.urlQueryEncoded } ?? ""))
            if let caller = c.caller, user.can(.customerRead),
               let customer = try await CustomerService(db: req.db, now: req.now).find(phone: caller).first {
                try await req.logArchiveRead(customer, channel: "screen_pop")
                panel.customerId = customer.id?.uuidString
                panel.customerName = customer.name
                panel.customerTier = customer.tierValue.label
                let orders = try await WorkOrder.query(on: req.db).filter(\.$customer.$id == customer.id!)
                    .filter(\.$status != WorkOrderStatus.closed.rawValue).limit(20).all()
                panel.openOrders = WorkOrderRow.sortForWorkspace(orders).map { WorkOrderRow($0, now: req.now, timeZone: tz) }
            }
            call = panel
        }
        let roster = try await EmergencyCoordinator.roster(on: req.db)
        let groups = AgentGroup.allCases.filter { roster[$0]?.contains(user.workId) == true }.map(\.label)
        return Panel(groups: groups.isEmpty ? "呼入组（未编入分组名单）" : groups.joined(separator: "、"),
                     groupChoices: AgentGroupChoice.choices(for: user, roster: roster), state: state.code, stateLabel: state.label, signedIn: state.isSignedIn,
                     opening: rules.engine.openingPhrase(on: LocalDay(req.now, in: tz)), call: call,
                     notReadyReasons: notReadyReasons, holdLimitMessage: "保持已达 30 秒，请恢复通话或征得客户同意",
                     holdReminderMessage: "客户已等待 1 分钟，请再次提醒客户", hangUpMessage: "请等客户先挂机：不得先于客户挂断电话")
    }

    /// The seat buttons: each becomes an agent event in the same stream the switch feeds.
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
        // Just after the agent's last event, if the clock has not moved past it (a stopped
        // simulated clock): a click must never be ordered before the one that preceded it.
        let live = try await req.application.live.state(on: req.db, now: req.now)
        let last = live.events.last(where: { $0.agentWorkId == user.workId })?.at
        let at = last.map { max(req.now, $0.addingTimeInterval(0.001)) } ?? req.now
        var events = [CTIEvent(id: "kefu:" + UUID().uuidString, type, at: at, agentWorkId: user.workId, reason: why)]
        if type == .loggedIn {
            events.append(CTIEvent(id: "kefu:" + UUID().uuidString, .ready, at: at.addingTimeInterval(0.001), agentWorkId: user.workId))
        }
        _ = try await CTIAPI.store(events, source: "kefu:" + user.workId, on: req)
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
        let live = try await req.application.live.state(on: req.db, now: req.now)
        guard let agent = live.agent(user.workId), let callId = agent.callId, callId == form.callId else {
            return req.redirect(to: "/workspace", notice: "该来电已结束或已转给他人。")
        }
        let type: ContactEventType
        switch (form.action, agent.state) {
        case ("answer", .reserved): type = .answered
        case ("hold", .onContact): type = .hold
        case ("unhold", .onHold): type = .unhold
        case ("complete", .onContact), ("complete", .onHold): type = .completed
        default: return req.redirect(to: "/workspace", notice: "当前状态下不能这样操作。")
        }
        let last = live.events.last(where: { $0.callId == callId })?.at
        let at = last.map { max(req.now, $0.addingTimeInterval(0.001)) } ?? req.now
        let event = CTIEvent(id: "kefu:" + UUID().uuidString, type, at: at, callId: callId, agentWorkId: user.workId,
                             reason: type == .completed ? "agent_ended" : nil)
        _ = try await CTIAPI.store([event], source: "kefu:" + user.workId, on: req)
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
        let agent = try await req.application.live.state(on: req.db, now: req.now).agent(user.workId)
        return CallState(state: (agent?.state ?? .loggedOut).code, callId: agent?.callId)
    }
}
