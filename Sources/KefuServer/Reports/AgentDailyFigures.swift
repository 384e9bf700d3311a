import Fluent
import SQLKit
import Vapor
import KefuCore

/// An agent's figures for one day (R10.3), read where they are kept: the switch's events
/// (calls answered and their talk), the orders they took and closed, the contacts QC
/// scored, and the attendance sheet's line for the day.
struct AgentDailyFigures {
    let tenant: TenantData
    let timeZone: TimeZone

    struct Result: Sendable {
        var person: User
        var day: LocalDay
        var figures: AgentDay
        var attendance: AttendanceStatus?
    }

    func figures(of person: User, on day: LocalDay, viewer: User, viewerRole: Role, now: Date) async throws -> Result {
        let company = person.companyID
        let start = day.start(in: timeZone), end = day.adding(days: 1).start(in: timeZone)
        let sql = try tenant.db.sql()
        try tenant.check(company)
        // The calls offered to or answered by the agent that day, then every event of those calls.
        struct CallID: Decodable { var call_id: String? }
        let ids = Set(try await sql.select().distinct().column("call_id").from("cti_events")
            .where("company_id", .equal, SQLBind(company)).where("agent_work_id", .equal, SQLBind(person.workId))
            .where("at", .greaterThanOrEqual, SQLBind(start)).where("at", .lessThan, SQLBind(end))
            .where("type", .in, SQLBind.group([ContactEventType.offered.rawValue, ContactEventType.answered.rawValue]))
            .all(decoding: CallID.self).compactMap(\.call_id))
        var events: [AgentDay.CallEvent] = []
        struct Event: Decodable { var call_id: String?; var type: String; var at: Date; var agent_work_id: String? }
        let list = Array(ids)
        for chunk in stride(from: 0, to: list.count, by: 500).map({ Array(list[$0..<min($0 + 500, list.count)]) }) {
            events += try await sql.select().columns("call_id", "type", "at", "agent_work_id").from("cti_events")
                .where("company_id", .equal, SQLBind(company)).where("call_id", .in, SQLBind.group(chunk))
                .orderBy("at").orderBy("seq").all(decoding: Event.self)
                .compactMap { e in
                    guard let call = e.call_id, let type = ContactEventType(rawValue: e.type) else { return nil }
                    return AgentDay.CallEvent(callId: call, type: type, at: e.at, agentWorkId: e.agent_work_id)
                }
        }
        events.sort { $0.at < $1.at }
        let calls = AgentDay.calls(of: person.workId, in: events, answeredFrom: start, until: end)
        struct Count: Decodable { var n: Int }
        func count(_ build: (SQLSelectBuilder) -> SQLSelectBuilder) async throws -> Int {
            try await build(sql.select().column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
                .from("work_orders").where("company_id", .equal, SQLBind(company))).first(decoding: Count.self)?.n ?? 0
        }
        let created = try await count { $0.where("created_by_work_id", .equal, SQLBind(person.workId))
            .where("created_at", .greaterThanOrEqual, SQLBind(start)).where("created_at", .lessThan, SQLBind(end)) }
        let closed = try await count { $0.where("owner_work_id", .equal, SQLBind(person.workId))
            .where("closed_at", .greaterThanOrEqual, SQLBind(start)).where("closed_at", .lessThan, SQLBind(end)) }
        let scores = try await tenant.query(Contact.self).filter(\.$companyID == company).filter(\.$agentWorkId == person.workId)
            .filter(\.$localDay == day.description).all().map(\.effectiveScore)
        let figures = AgentDay(callsAnswered: calls.answered, callsCompleted: calls.completed, talkSeconds: calls.talkSeconds,
                               ordersCreated: created, ordersClosed: closed, qcContacts: scores.count, qcScoreSum: scores.reduce(0, +))
        // Attendance only for those who may read the person's sheet (QC reads the calls, not the sheet).
        var attendance: AttendanceStatus?
        if AttendanceAccess.mayRead(sheetOf: person.workId, viewer: viewer.workId, role: viewerRole) {
            let sheet = try await AttendanceService(tenant: tenant, user: viewer, role: viewerRole, now: now, timeZone: timeZone)
                .sheet(workId: person.workId, month: WorkforceSettings.monthText(day))
            attendance = sheet.days.first { $0.day == day }?.status
        }
        return Result(person: person, day: day, figures: figures, attendance: attendance)
    }
}
