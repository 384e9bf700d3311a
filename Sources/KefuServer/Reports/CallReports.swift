import Fluent
import SQLKit
import Vapor
import KefuCore

/// The telephony KPIs of a period (R10.3) read from the rollups for the companies in the
/// reader's scope (and the company filter): four grouped sums, whatever the number of
/// events. Agents serve every branch of their company, so the figures are per company.
struct CallReports {
    let tenant: TenantData
    let configuration: LiveConfiguration
    let now: Date

    struct QueueSum: Decodable {
        var weekday: Int?; var minute: Int?; var queue: String?; var day: String?
        var enqueued: Int; var answered: Int; var answered_in_sl: Int; var completed: Int; var completed_in_sl: Int
        var abandoned: Int; var abandoned_in_sl: Int; var voicemail: Int; var wait_seconds: Int; var talk_seconds: Int; var wrap_seconds: Int
        var agent_talk_seconds: Int; var agent_idle_seconds: Int

        var figures: QueueCallFigures {
            var f = QueueCallFigures()
            f.totals.enqueued = enqueued; f.totals.answered = answered; f.totals.answeredWithinThreshold = answered_in_sl
            f.totals.completed = completed; f.totals.completedWithinThreshold = completed_in_sl; f.totals.abandoned = abandoned
            f.totals.abandonedWithinThreshold = abandoned_in_sl; f.totals.voicemail = voicemail
            f.waitSeconds = wait_seconds; f.talkSeconds = talk_seconds; f.wrapSeconds = wrap_seconds
            f.agentTalkSeconds = agent_talk_seconds; f.agentIdleSeconds = agent_idle_seconds
            return f
        }
    }

    struct TimeSum: Decodable {
        var minute: Int?; var agent_work_id: String?
        var answered: Int; var completed: Int; var talk_seconds: Int; var wrap_seconds: Int; var idle_seconds: Int; var not_ready_seconds: Int

        var figures: AgentTimeFigures {
            var f = AgentTimeFigures()
            f.answered = answered; f.completed = completed; f.talkSeconds = talk_seconds; f.wrapSeconds = wrap_seconds
            f.idleSeconds = idle_seconds; f.notReadySeconds = not_ready_seconds
            return f
        }
    }

    static let queueSums = ["enqueued", "answered", "answered_in_sl", "completed", "completed_in_sl", "abandoned", "abandoned_in_sl", "voicemail",
                            "wait_seconds", "talk_seconds", "wrap_seconds", "agent_talk_seconds", "agent_idle_seconds"]
    static let timeSums = ["answered", "completed", "talk_seconds", "wrap_seconds", "idle_seconds", "not_ready_seconds"]

    func report(_ range: ClosedRange<LocalDay>, filter: TenantFilter) async throws -> TelephonyReport {
        try await CallRollups(db: tenant.db, configuration: configuration, now: now).catchUp()
        let cells = try await sums(from: "report_call_slots", by: ["weekday", "minute", "queue"], Self.queueSums, range, filter, as: QueueSum.self)
        let days = try await sums(from: "report_call_slots", by: ["day"], Self.queueSums, range, filter, as: QueueSum.self)
        let agents = try await sums(from: "report_agent_days", by: ["agent_work_id"], Self.timeSums, range, filter, as: TimeSum.self)
        let floor = try await sums(from: "report_floor_slots", by: ["minute"], Self.timeSums, range, filter, as: TimeSum.self)
        return TelephonyReport(
            range: range,
            cells: cells.map { .init(weekday: $0.weekday ?? 0, minute: $0.minute ?? 0, queue: $0.queue ?? "", figures: $0.figures) },
            days: Dictionary(days.compactMap { s in s.day.flatMap(LocalDay.init).map { ($0, s.figures) } }, uniquingKeysWith: +),
            agents: Dictionary(agents.compactMap { s in s.agent_work_id.map { ($0, s.figures) } }, uniquingKeysWith: +),
            floor: Dictionary(floor.compactMap { s in s.minute.map { ($0, s.figures) } }, uniquingKeysWith: +))
    }

    private func sums<T: Decodable>(from table: String, by keys: [String], _ columns: [String], _ range: ClosedRange<LocalDay>,
                                    _ filter: TenantFilter, as: T.Type) async throws -> [T] {
        var query = try tenant.db.sql().select()
        for k in keys { query = query.column(SQLColumn(k)) }
        // PostgreSQL sums a BIGINT column as NUMERIC; the cast keeps every figure an integer.
        for c in columns { query = query.column(SQLAlias(SQLRaw("CAST(SUM(\(c)) AS BIGINT)"), as: SQLIdentifier(c))) }
        query = query.from(table)
            .where("day", .greaterThanOrEqual, SQLBind(range.lowerBound.description))
            .where("day", .lessThanOrEqual, SQLBind(range.upperBound.description))
        if let scope = tenant.companyPredicate(column: "company_id") { query = query.where(scope) }
        if let company = filter.companyID { query = query.where("company_id", .equal, SQLBind(company)) }
        for k in keys { query = query.groupBy(SQLColumn(k)) }
        return try await query.all(decoding: T.self)
    }

    /// How many calls behind a figure each day holds, read from the rollups: the way into a
    /// period too long to list at once. `outcome` nil counts the calls offered.
    func dayCounts(_ range: ClosedRange<LocalDay>, filter: TenantFilter, queue: String?, agent: String?, outcome: QueuedCallRecord.Outcome?,
                   minutes: Range<Int>?) async throws -> [(day: LocalDay, count: Int)] {
        try await CallRollups(db: tenant.db, configuration: configuration, now: now).catchUp()
        struct Count: Decodable { var day: String; var n: Int? }
        let sql = try tenant.db.sql()
        let table = agent == nil ? "report_call_slots" : "report_agent_days"
        let column: String
        switch (agent, outcome) {
        case (.some, _): column = "answered"
        case (nil, .answered?): column = "answered"
        case (nil, .abandoned?): column = "abandoned"
        case (nil, .voicemail?): column = "voicemail"
        case (nil, nil): column = "answered + abandoned + voicemail"
        }
        var query = sql.select().column("day").column(SQLAlias(SQLRaw("CAST(SUM(\(column)) AS BIGINT)"), as: SQLIdentifier("n"))).from(table)
            .where("day", .greaterThanOrEqual, SQLBind(range.lowerBound.description))
            .where("day", .lessThanOrEqual, SQLBind(range.upperBound.description))
        if let scope = tenant.companyPredicate(column: "company_id") { query = query.where(scope) }
        if let company = filter.companyID { query = query.where("company_id", .equal, SQLBind(company)) }
        if let agent { query = query.where("agent_work_id", .equal, SQLBind(agent)) }
        if agent == nil, let queue { query = query.where("queue", .equal, SQLBind(queue)) }
        if agent == nil, let minutes {
            query = query.where("minute", .greaterThanOrEqual, SQLBind(minutes.lowerBound)).where("minute", .lessThan, SQLBind(minutes.upperBound))
        }
        return try await query.groupBy("day").orderBy("day").all(decoding: Count.self)
            .compactMap { c in LocalDay(c.day).map { ($0, c.n ?? 0) } }.filter { $0.count > 0 }
    }

    /// The queued calls behind a figure, day by day (each day folded again with its calls
    /// kept): at most `maxListDays` days, so a list never replays a year.
    static let maxListDays = 7

    func calls(_ range: ClosedRange<LocalDay>, filter: TenantFilter) async throws -> [QueuedCallRecord] {
        var companies: [UUID]
        if let c = filter.companyID { companies = [c] } else { companies = try await tenant.companies().compactMap(\.id) }
        companies.sort { $0.uuidString < $1.uuidString }
        var out: [QueuedCallRecord] = []
        for day in range.days {
            for company in companies {
                let ledger = try await CallRollups.ledger(of: .init(company: company, day: day), configuration: configuration, now: now,
                                                          db: tenant.db, keepsRecords: true)
                out += ledger.records
            }
        }
        return out
    }
}
