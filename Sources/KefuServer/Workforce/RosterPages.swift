import Fluent
import Vapor
import KefuCore

/// The roster grid (排班表): people by days, the lead's cell edits (each re-checked against
/// the rostering rules), coverage against the requirement, fairness statistics, publishing.
struct RosterPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.workforceRead).get("workforce", "rosters", ":month", use: page)
        routes.requiring(.workforcePlan).post("workforce", "rosters", ":month", "cell", use: cell)
        routes.requiring(.workforcePlan).post("workforce", "rosters", ":month", "publish", use: publish)
    }

    /// `leave` names approved leave on that day (假); a shift on it as well is a clash the lead fills.
    struct Cell: Encodable { var day: String; var code: String; var role: String; var css: String; var leave: String? }
    struct AgentRow: Encodable {
        var workId: String; var name: String; var cells: [Cell]; var hours: String; var weekly: String; var nights: Int; var holidays: Int; var daysOff: Int
    }
    struct DayHead: Encodable { var day: String; var label: String; var weekday: String; var holiday: Bool }
    struct Coverage: Encodable { var code: String; var name: String; var cells: [String] }
    struct Problem: Encodable { var text: String }
    struct Template: Encodable { var code: String; var label: String }
    struct Context: Encodable {
        var page: PageContext; var company: WorkforceCompanyPicker; var month: String; var status: String; var published: Bool; var days: [DayHead]; var agents: [AgentRow]
        var coverage: [Coverage]; @NilIfEmpty var shortfalls: [Problem]; @NilIfEmpty var violations: [Problem]; var templates: [Template]
        var canPlan: Bool; var error: String?; var totals: String
    }

    func page(req: Request) async throws -> Response { try await render(req, company: try await req.workforceCompany(.read), error: nil) }

    /// The month's roster of `company`; another company's roster of that month is not there.
    func render(_ req: Request, company: WorkforceCompany, error: KefuError?) async throws -> Response {
        let month = req.parameters.get("month") ?? ""
        let service = RosterService(company: company, timeZone: req.kefu.settings.timeZone)
        let r = try await service.require(month: month)
        let agents = try await service.agents(during: r.days)
        let leave = try await service.approvedLeave(during: r.days)
        let user = try req.user()
        let stats = RosterValidator.stats(of: r.assignments, templates: r.templates, days: r.days, holidays: r.demand.holidays, rules: r.rules)
        let statsBy = Dictionary(stats.map { ($0.workId, $0) }, uniquingKeysWith: { a, _ in a })
        var byKey: [String: RosterAssignment] = [:]
        for a in r.assignments { byKey[a.workId + "|" + a.day.description] = a }
        let names = Dictionary(agents.map { ($0.workId, $0.name) }, uniquingKeysWith: { a, _ in a })
        let nightCodes = Set(r.templates.filter(\.isNight).map(\.code))
        var workIds = agents.map(\.workId)
        for w in Set(r.assignments.map(\.workId)) where names[w] == nil { workIds.append(w) }
        let rows = workIds.map { w -> AgentRow in
            let cells = r.days.map { d -> Cell in
                let off = leave[w]?.first { $0.covers(d) }.map { "\($0.kind.label)（已批准）" }
                guard let a = byKey[w + "|" + d.description] else {
                    return off.map { Cell(day: d.description, code: "", role: "假", css: "leave", leave: $0) }
                        ?? Cell(day: d.description, code: "", role: "", css: "off", leave: nil)
                }
                let css = a.role == .regular ? (nightCodes.contains(a.shiftCode) ? "night" : "work") : a.role.rawValue
                let role = a.role == .reserve ? "备" : a.role == .standby ? "应" : ""
                if let off { return Cell(day: d.description, code: a.shiftCode, role: role + "假", css: "leave clash", leave: off + "，但仍排了班") }
                return Cell(day: d.description, code: a.shiftCode, role: role, css: css, leave: nil)
            }
            let s = statsBy[w]
            return AgentRow(workId: w, name: names[w] ?? "（已停用）", cells: cells, hours: String(format: "%.1f", s?.hours ?? 0),
                            weekly: String(format: "%.1f", s?.averageWeeklyHours ?? 0), nights: s?.nights ?? 0,
                            holidays: s?.holidayShifts ?? 0, daysOff: s?.daysOff ?? r.days.count)
        }
        let counts = Dictionary(grouping: r.assignments.filter { $0.role == .regular }, by: { $0.shiftCode + "|" + $0.day.description }).mapValues(\.count)
        let coverage = r.templates.enumerated().map { ti, t in
            Coverage(code: t.code, name: t.name, cells: r.days.enumerated().map { di, d in
                let need = di < r.demand.required.count && ti < r.demand.required[di].count ? r.demand.required[di][ti] : 0
                return "\(counts[t.code + "|" + d.description] ?? 0)/\(need)"
            })
        }
        var shortfalls: [Problem] = []
        for (di, d) in r.days.enumerated() {
            for (ti, t) in r.templates.enumerated() where di < r.demand.required.count && ti < r.demand.required[di].count {
                let missing = r.demand.required[di][ti] - (counts[t.code + "|" + d.description] ?? 0)
                if missing > 0 { shortfalls.append(Problem(text: "\(d) \(t.name)（\(t.code)）缺 \(missing) 人")) }
            }
        }
        let violations = RosterValidator.violations(of: r.assignments, templates: r.templates, agents: agents, rules: r.rules, days: r.days)
            .map { Problem(text: "\($0.workId) \($0.day?.description ?? "")：\($0.message)") }
        let heads = r.days.map { DayHead(day: $0.description, label: String($0.day), weekday: ForecastView.weekdays[$0.weekday()], holiday: r.demand.holidays[$0] != nil) }
        let ctx = Context(page: PageContext(req, user: user, title: "\(month) 排班表"),
                          company: try await WorkforceCompanyPicker.make(company, tenant: try await req.tenant()), month: month,
                          status: r.record.status == "published" ? "已发布" : "草稿", published: r.record.status == "published",
                          days: heads, agents: rows, coverage: coverage, shortfalls: shortfalls, violations: violations,
                          templates: r.templates.map { Template(code: $0.code, label: "\($0.code) \($0.name) \(Self.time($0.startMinute))–\(Self.time(($0.startMinute + $0.lengthMinutes) % 1440))") },
                          canPlan: user.can(.workforcePlan), error: error?.reason,
                          totals: "\(r.assignments.filter { $0.role == .regular }.count) 个正常班，\(r.assignments.filter { $0.role == .reserve }.count) 个应急备班，\(r.assignments.filter { $0.role == .standby }.count) 个节日应急台席")
        let res = try await req.view.render("workforce_roster", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    static func time(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }

    func cell(req: Request) async throws -> Response {
        struct Form: Content { var workId: String?; var day: String?; var shift: String?; var role: String? }
        let form = try req.content.decode(Form.self)
        let month = req.parameters.get("month") ?? ""
        let company = try await req.workforceCompany(.write)
        do {
            guard let workId = form.workId, !workId.isEmpty else { throw KefuError.invalid([.init(field: "workId", message: "请填写工号")]) }
            guard let day = form.day.flatMap(LocalDay.init) else { throw KefuError.invalid([.init(field: "day", message: "日期须为 YYYY-MM-DD")]) }
            let code = (form.shift ?? "").isEmpty ? nil : form.shift
            guard let role = RosterRole(rawValue: form.role ?? "regular") else { throw KefuError.invalid([.init(field: "role", message: "未知的班次类型")]) }
            try await RosterService(company: company, timeZone: req.kefu.settings.timeZone)
                .setCell(month: month, workId: workId, day: day, shiftCode: code, role: role, history: req.history(on: req.db))
            if req.asksForJSON { return try await ["status": "ok"].encodeResponse(for: req) }
            return req.redirect(to: "/workforce/rosters/\(month)?\(company.query)", notice: "已修改 \(workId) \(day)")
        } catch let e as KefuError {
            if req.asksForJSON { throw e }
            return try await render(req, company: company, error: e)
        }
    }

    func publish(req: Request) async throws -> Response {
        let month = req.parameters.get("month") ?? ""
        let company = try await req.workforceCompany(.write)
        try await RosterService(company: company, timeZone: req.kefu.settings.timeZone).publish(month: month, history: req.history(on: req.db))
        return req.redirect(to: "/workforce/rosters/\(month)?\(company.query)", notice: "排班表已发布，话务员可在“我的排班”查看")
    }
}
