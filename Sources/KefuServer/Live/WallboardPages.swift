import Vapor
import Fluent
import KefuCore

/// The shift lead's live floor (R3.5): `/wallboard` (with the emergency panel) and
/// `/wallboard?big=1` for the big screen, kept current over a WebSocket; the same figures
/// as JSON at `GET /api/v1/live`.
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

    func live(req: Request) async throws -> LiveSnapshot {
        try await LiveSnapshot.current(req.application, db: req.db, now: req.now)
    }

    struct GroupRow: Encodable { var field: String; var label: String; var members: String }
    struct StateRow: Encodable { var code: String; var label: String; var count: Int }
    /// One queue's row, named in Chinese, with its figures past threshold flagged.
    struct QueueRow: Encodable {
        var queue: String; var label: String; var waiting: Int; var longestWaitSeconds: Int; var answered: Int; var abandoned: Int
        var serviceLevel: String; var answerRate: String; var waitingAlert: Bool; var longestAlert: Bool; var serviceLevelAlert: Bool
    }
    struct Context: Encodable {
        var page: PageContext; var big: Bool; var snapshot: LiveSnapshot; var states: [StateRow]
        var recommendation: EmergencyRecommendation?; @NilIfEmpty var applied: [String]; var automatic: Bool; var clock: String; var timeZone: String
        var groups: [GroupRow]; var acdOn: Bool; var error: String?; var longestWait: String; var serviceLevel: String; var answerRate: String
        var queues: [QueueRow]; var thresholds: WallboardThresholds
        var waitingAlert: Bool; var longestAlert: Bool; var serviceLevelAlert: Bool
        /// The snapshot the page was drawn from and the queue names, as JSON for wallboard.js,
        /// which ticks the clock and the waits every second from it until the next event.
        var snapshotJSON: String; var queueLabelsJSON: String; var serviceLevelTargetText: String
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    func page(req: Request) async throws -> Response { try await render(req, error: nil) }

    func render(_ req: Request, error: KefuError?) async throws -> Response {
        let snapshot = try await LiveSnapshot.current(req.application, db: req.db, now: req.now)
        let state = try await EmergencyCoordinator.state(on: req.db)
        let roster = try await EmergencyCoordinator.roster(on: req.db)
        let states = AgentState.allCodes.map { code in
            StateRow(code: code, label: AgentState(code: code, reason: nil)?.label ?? code, count: snapshot.agentsByState[code] ?? 0)
        }
        let tz = req.kefu.settings.timeZone
        let big = req.query[String.self, at: "big"] == "1"
        var page = PageContext(req, user: try req.user(), title: "实时监控")
        page.bare = big
        let thresholds = WallboardThresholds(serviceLevelSeconds: snapshot.serviceLevelSeconds,
                                             policy: try await EmergencyCoordinator.policy(on: req.db))
        let ivr = try await IVRService.current(on: req.db)
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
        let ctx = Context(page: page, big: big,
                          snapshot: snapshot, states: states, recommendation: state.open,
                          applied: state.applied.map { "\(PageFormat.dateTime($0.appliedAt, tz)) 第\($0.stageNumber)步：\($0.action.groupsText) \($0.action.seats) 人（\($0.appliedBy ?? "自动")）" },
                          automatic: state.mode == .automatic, clock: Self.clock(snapshot.at, tz),
                          timeZone: tz.identifier,
                          groups: AgentGroup.allCases.map { GroupRow(field: "g_" + $0.rawValue, label: $0.label, members: (roster[$0] ?? []).joined(separator: " ")) },
                          acdOn: try await BuiltInACD.isOn(req.db),
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

    func socket(req: Request, ws: WebSocket) async {
        let hub = req.application.wallboard
        let id = hub.add(ws)
        ws.onClose.whenComplete { _ in hub.remove(id) }
        if let s = try? await LiveSnapshot.current(req.application, db: req.db, now: req.now),
           let data = try? JSONCoding.encoder(timeZone: req.kefu.settings.timeZone).encode(s) {
            try? await ws.send(String(decoding: data, as: UTF8.self))
        }
    }

    func attempt(_ req: Request, notice: String, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
            // Every process's screens: an applied step or a new mode shows everywhere.
            try await LiveNotifier.changed(req.application, db: req.db)
            return req.redirect(to: "/wallboard", notice: notice)
        } catch let e as KefuError {
            return try await render(req, error: e)
        }
    }

    func apply(req: Request) async throws -> Response {
        struct Form: Content { var id: String?; var seats: String? }
        let form = try req.content.decode(Form.self)
        return try await attempt(req, notice: "已执行应急调度") {
            var seats: Int?
            if let s = form.seats?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
                guard let v = Int(s) else { throw KefuError.invalid([.init(field: "seats", message: "人数须为整数。")]) }
                seats = v
            }
            try await EmergencyCoordinator(app: req.application, db: req.db)
                .apply(recommendationId: form.id ?? "", seats: seats, by: try req.user(), now: req.now)
        }
    }

    func acd(req: Request) async throws -> Response {
        struct Form: Content { var acd: String? }
        let on = (try req.content.decode(Form.self)).acd == "on"
        return try await attempt(req, notice: on ? "已开启内置排队分配" : "已关闭内置排队分配") {
            try await BuiltInACD.set(on, by: try req.user(), on: req.db, now: req.now)
            if on { try await BuiltInACD.dispatch(req.application, db: req.db, now: req.now) }
        }
    }

    func mode(req: Request) async throws -> Response {
        struct Form: Content { var mode: String? }
        let form = try req.content.decode(Form.self)
        return try await attempt(req, notice: "应急调度模式已切换") {
            guard let m = form.mode.flatMap(EmergencyMode.init(rawValue:)) else {
                throw KefuError.invalid([.init(field: "mode", message: "请选择手动或自动。")])
            }
            try await EmergencyCoordinator(app: req.application, db: req.db).setMode(m, by: try req.user(), now: req.now)
        }
    }

    /// Who is in which group: work IDs separated by spaces or commas, each an existing user.
    func saveGroups(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await attempt(req, notice: "分组已保存") {
            let known = Set(try await User.query(on: req.db).all().map(\.workId))
            var roster: [AgentGroup: [String]] = [:]
            var problems: [FieldProblemDTO] = []
            for g in AgentGroup.allCases {
                let ids = (form["g_" + g.rawValue] ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "，" || $0.isNewline }).map(String.init)
                for id in ids where !known.contains(id) { problems.append(.init(field: g.rawValue, message: "\(g.label)：工号 \(id) 不存在。")) }
                if !ids.isEmpty { roster[g] = ids }
            }
            if !problems.isEmpty { throw KefuError.invalid(problems) }
            let json = String(decoding: try JSONEncoder().encode(roster), as: UTF8.self)
            try await req.db.writeTransaction { tx in
                try await AppSettings.set(EmergencyCoordinator.rosterKey, json, on: tx)
                try await req.history(on: tx).audit(action: "live.groups_saved", objectType: "agent_groups", objectId: nil, after: json)
            }
        }
    }
}
