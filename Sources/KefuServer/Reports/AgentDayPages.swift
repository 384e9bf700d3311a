import Fluent
import Vapor
import KefuCore

/// An agent's day (R10.3): `GET /api/v1/reports/agents/{workId}/daily?date=`, and the page
/// /reports/agents where each person sees their own figures before leaving and the leads
/// see everyone's of the day, one line each.
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
        guard AgentDay.mayRead(of: workId, viewer: user.workId, role: role) else { throw KefuError.forbidden("只能查看本人的日报。") }
        let tenant = try await req.tenant()
        guard let person = try await tenant.query(User.self).filter(\.$workId == workId).first() else { throw KefuError.notFound("工号 \(workId) ") }
        return try await AgentDailyFigures(tenant: tenant, timeZone: req.kefu.settings.timeZone)
            .figures(of: person, on: day, viewer: user, viewerRole: role, now: req.now)
    }

    func api(req: Request) async throws -> DTO {
        try req.refuseEmptyQuery("date")
        return DTO(try await figures(req, workId: req.parameters.get("workId") ?? "", day: try Self.day(req)))
    }

    struct Line: Encodable {
        var workId: String; var name: String; var calls: String; var aht: String; var created: Int; var closed: Int; var qc: String; var attendance: String
        init(_ r: AgentDailyFigures.Result) {
            let f = r.figures
            workId = r.person.workId; name = r.person.name; calls = "\(f.callsAnswered)"
            aht = f.averageHandlingSeconds.map { String(format: "%d:%02d", $0 / 60, $0 % 60) } ?? "—"
            created = f.ordersCreated; closed = f.ordersClosed
            qc = f.qcAverage.map { String(format: "%.1f（%d 通）", $0, f.qcContacts) } ?? "—"
            attendance = r.attendance?.label ?? "—"
        }
    }
    struct Context: Encodable {
        var page: PageContext
        var date: String
        var mine: Line?
        @NilIfEmpty var team: [Line]
        var error: String?
    }

    func page(req: Request) async throws -> Response {
        let (user, role) = try req.userAndRole()
        do {
            let day = try Self.day(req)
            let mine = try await figures(req, workId: user.workId, day: day)
            var team: [Line] = []
            if Permission.reportsRead.roles.contains(role) {
                let tenant = try await req.tenant()
                let service = AgentDailyFigures(tenant: tenant, timeZone: req.kefu.settings.timeZone)
                for person in try await tenant.query(User.self).filter(\.$active == true).sort(\.$workId).all()
                where RosterService.rosteredRoles.contains(person.roleValue) {
                    team.append(Line(try await service.figures(of: person, on: day, viewer: user, viewerRole: role, now: req.now)))
                }
            }
            return try await req.view.render("reports_agents", Context(page: PageContext(req, user: user, title: "坐席日报"), date: day.description,
                                                                       mine: Line(mine), team: team, error: nil)).encodeResponse(for: req)
        } catch let e as KefuError {
            let res = try await req.view.render("reports_agents", Context(page: PageContext(req, user: user, title: "坐席日报"),
                                                                          date: LocalDay(req.now, in: req.kefu.settings.timeZone).description,
                                                                          mine: nil, team: [], error: e.reason)).encodeResponse(for: req)
            res.status = e.status
            return res
        }
    }
}
