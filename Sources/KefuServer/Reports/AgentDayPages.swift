import Fluent
import Vapor
import KefuCore

/// An agent's day (R10.3): `GET /api/v1/reports/agents/{workId}/daily?date=`, and the page
/// /reports/agents where each person sees their own figures before leaving, a team lead
/// their team's (班组, kept on /admin/teams) and the floor's leads everyone's, one line each
/// with the group's total.
struct AgentDayPages {
    func registerAPI(_ routes: RoutesBuilder) {
        routes.requiring(.signedIn).get("reports", "agents", ":workId", "daily", use: api)
    }

    func registerPages(_ routes: RoutesBuilder) {
        routes.requiring(.signedIn).get("reports", "agents", use: page)
    }

    struct DTO: Content {
        var workId: String
        var name: String
        var date: String
        var callsAnswered: Int
        var callsCompleted: Int
        var averageHandlingSeconds: Int?
        var ordersCreated: Int
        var ordersClosed: Int
        var qcContacts: Int
        var qcAverage: Double?
        var attendance: String?

        init(_ r: AgentDailyFigures.Result) {
            let f = r.figures
            workId = r.person.workId; name = r.person.name; date = r.day.description
            callsAnswered = f.callsAnswered; callsCompleted = f.callsCompleted; averageHandlingSeconds = f.averageHandlingSeconds
            ordersCreated = f.ordersCreated; ordersClosed = f.ordersClosed; qcContacts = f.qcContacts
            qcAverage = f.qcAverage.map { ($0 * 10).rounded() / 10 }; attendance = r.attendance?.rawValue
        }
    }

    static func day(_ req: Request) throws -> LocalDay {
        guard let raw = req.query[String.self, at: "date"], !raw.isEmpty else { return LocalDay(req.now, in: req.kefu.settings.timeZone) }
        guard let d = LocalDay(raw), (2000...2100).contains(d.year) else { throw KefuError.invalid([.init(field: "date", message: "日期须为 YYYY-MM-DD")]) }
        return d
    }

    func figures(_ req: Request, workId: String, day: LocalDay) async throws -> AgentDailyFigures.Result {
        let (user, role) = try req.userAndRole()
        let tenant = try await req.tenant()
        let audience = AgentDayAudience(role)
        let team = audience == .team ? try await TeamDirectory.members(ledBy: user, data: tenant) : []
        guard audience.mayRead(workId, viewer: user.workId, team: team) else {
            throw KefuError.forbidden(audience == .team ? "只能查看本人及本组成员的日报。" : "只能查看本人的日报。")
        }
        guard let person = try await tenant.query(User.self).filter(\.$workId == workId).first() else { throw KefuError.notFound("工号 \(workId) ") }
        return try await AgentDailyFigures(tenant: tenant, timeZone: req.kefu.settings.timeZone)
            .figures(of: person, on: day, viewer: user, viewerRole: role, now: req.now)
    }

    func api(req: Request) async throws -> DTO {
        try req.refuseEmptyQuery("date")
        return DTO(try await figures(req, workId: req.parameters.get("workId") ?? "", day: try Self.day(req)))
    }

    struct Line: Encodable {
        var workId: String; var name: String; var team: String; var calls: String; var aht: String; var created: Int; var closed: Int
        var qc: String; var attendance: String
        init(_ r: AgentDailyFigures.Result, team: String = "") {
            self.init(r.figures, workId: r.person.workId, name: r.person.name, team: team, attendance: r.attendance?.label ?? "—")
        }
        init(_ f: AgentDay, workId: String, name: String, team: String, attendance: String) {
            self.workId = workId; self.name = name; self.team = team; calls = "\(f.callsAnswered)"
            aht = f.averageHandlingSeconds.map { String(format: "%d:%02d", $0 / 60, $0 % 60) } ?? "—"
            created = f.ordersCreated; closed = f.ordersClosed
            qc = f.qcAverage.map { String(format: "%.1f（%d 通）", $0, f.qcContacts) } ?? "—"
            self.attendance = attendance
        }
    }
    struct TeamChoice: Encodable { var value: String; var label: String; var selected: Bool }
    struct Context: Encodable {
        var page: PageContext
        var date: String
        var mine: Line?
        /// 全体坐席, 本组 or a chosen team's name.
        var heading: String
        @NilIfEmpty var team: [Line]
        var total: Line?
        /// The team select, for those who see the whole floor.
        @NilIfEmpty var teams: [TeamChoice]
        var chosenTeam: String
        /// A team lead who leads no team yet.
        var noTeam: Bool
        /// Said when the chosen group has nobody in it.
        var emptyNote: String?
        var error: String?
    }

    func page(req: Request) async throws -> Response {
        let (user, role) = try req.userAndRole()
        let tz = req.kefu.settings.timeZone
        let title = PageContext(req, user: user, title: "坐席日报")
        do {
            let day = try Self.day(req)
            let mine = try await figures(req, workId: user.workId, day: day)
            let tenant = try await req.tenant()
            let service = AgentDailyFigures(tenant: tenant, timeZone: tz)
            let audience = AgentDayAudience(role)
            let allTeams = audience == .own ? [] : try await tenant.query(Team.self).sort(\.$name).all()
            let teamNames = Dictionary(allTeams.compactMap { t in t.id.map { ($0, t.name) } }, uniquingKeysWith: { a, _ in a })
            var people: [User] = []
            var heading = "全体坐席", chosen = "", noTeam = false
            switch audience {
            case .own:
                break
            case .team:
                let led = allTeams.filter { $0.leadID == user.id }
                noTeam = led.isEmpty
                heading = led.isEmpty ? "本组" : "本组（" + led.map(\.name).joined(separator: "、") + "）"
                let ids = led.compactMap(\.id)
                if !ids.isEmpty { people = try await tenant.query(User.self).filter(\.$teamID ~~ ids).filter(\.$active == true).sort(\.$workId).all() }
            case .center:
                chosen = req.query[String.self, at: "team"] ?? ""
                let query = tenant.query(User.self).filter(\.$active == true).filter(\.$role ~~ Role.seated.map(\.rawValue)).sort(\.$workId)
                if chosen == "none" {
                    query.filter(\.$teamID == nil); heading = "未分组的坐席"
                } else if !chosen.isEmpty {
                    guard let id = UUID(uuidString: chosen), let name = teamNames[id] else {
                        chosen = ""
                        throw KefuError.badRequest("没有这个班组。")
                    }
                    query.filter(\.$teamID == id); heading = name
                }
                people = try await query.all()
            }
            var lines: [Line] = [], sum = AgentDay()
            for person in people {
                let r = try await service.figures(of: person, on: day, viewer: user, viewerRole: role, now: req.now)
                sum = sum + r.figures
                lines.append(Line(r, team: person.teamID.flatMap { teamNames[$0] } ?? "—"))
            }
            let choices = audience == .center
                ? [TeamChoice(value: "", label: "全部班组", selected: chosen.isEmpty)]
                    + allTeams.compactMap { t in t.id.map { TeamChoice(value: $0.uuidString, label: t.name, selected: chosen == $0.uuidString) } }
                    + [TeamChoice(value: "none", label: "未分组", selected: chosen == "none")]
                : []
            return try await req.view.render("reports_agents", Context(
                page: title, date: day.description, mine: Line(mine), heading: heading, team: lines,
                total: lines.count > 1 ? Line(sum, workId: "合计", name: "\(lines.count) 人", team: "", attendance: "") : nil,
                teams: choices, chosenTeam: chosen, noTeam: noTeam,
                emptyNote: audience != .own && lines.isEmpty && !noTeam ? "\(heading)暂无在职坐席。" : nil, error: nil)).encodeResponse(for: req)
        } catch let e as KefuError {
            let res = try await req.view.render("reports_agents", Context(
                page: title, date: LocalDay(req.now, in: tz).description, mine: nil, heading: "", team: [], total: nil, teams: [],
                chosenTeam: "", noTeam: false, emptyNote: nil, error: e.reason)).encodeResponse(for: req)
            res.status = e.status
            return res
        }
    }
}
