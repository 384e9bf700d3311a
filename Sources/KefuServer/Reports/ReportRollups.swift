import Fluent
import SQLKit
import Vapor
import KefuCore

/// Keeps the period reports' daily rollups exact (R10.1): reads the orders the database
/// marked as changed, recomputes their facts (`OrderFacts`), and rebuilds the buckets of
/// every company-day those facts left or entered from the facts rows. A report reads only
/// the buckets, so a month is a few thousand rows and a year some tens of thousands,
/// however many orders there are.
struct ReportRollups {
    let db: Database
    let timeZone: TimeZone

    static let batch = 1_000

    /// Brings everything marked up to date; returns how many orders were recomputed.
    @discardableResult
    func catchUp() async throws -> Int {
        var total = 0
        while true {
            let n = try await db.writeTransaction { [timeZone] tx in try await Self.step(tx, timeZone: timeZone) }
            total += n
            if n < Self.batch { return total }
        }
    }

    struct Mark: Decodable { var order_id: UUID; var version: Int }
    struct OrderRow: Decodable {
        var id: UUID; var company_id: UUID; var branch_id: UUID?; var type: String; var channel: String; var priority: String
        var status: String; var created_at: Date; var first_response_due_at: Date; var first_responded_at: Date?
        var resolution_due_at: Date?; var resolved_at: Date?; var closed_at: Date?; var escalation_level: Int; var duplicate_of: UUID?
    }
    struct SupervisionRow: Decodable { var work_order_id: UUID; var department_id: UUID; var escalated: Bool }
    struct CallbackRow: Decodable { var work_order_id: UUID; var reached: Bool; var satisfaction: Int? }
    struct ReopenRow: Decodable { var work_order_id: UUID; var n: Int }
    struct DayKey: Hashable, Decodable { var company_id: UUID; var day: String }

    /// One batch, in one transaction: on PostgreSQL one process at a time (an advisory lock),
    /// and a mark is cleared only if no write marked the order again meanwhile (`version`).
    static func step(_ db: Database, timeZone: TimeZone) async throws -> Int {
        let sql = try db.sql()
        if sql.dialect.name == "postgresql" { try await sql.raw("SELECT pg_advisory_xact_lock(hashtext('kefu-report-rollups'))").run() }
        let marks = try await sql.select().columns("order_id", "version").from("report_dirty_orders").limit(batch).all(decoding: Mark.self)
        guard !marks.isEmpty else { return 0 }
        let ids = marks.map(\.order_id)
        let facts = try await Self.facts(of: ids, sql: sql, timeZone: timeZone)
        var days = Set(try await sql.select().columns("company_id", "day").from("report_order_facts")
            .where("order_id", .in, SQLBind.group(ids)).all(decoding: DayKey.self))
        try await sql.delete(from: "report_order_facts").where("order_id", .in, SQLBind.group(ids)).run()
        for chunk in stride(from: 0, to: facts.count, by: 200).map({ Array(facts[$0..<min($0 + 200, facts.count)]) }) {
            let insert = sql.insert(into: "report_order_facts").columns(
                "order_id", "company_id", "branch_id", "day", "type", "channel", "priority", "department_id",
                "closed", "fcr", "sla_met", "sla_breached", "escalated", "reopened", "duplicate", "satisfaction")
            for (id, company, branch, f) in chunk {
                days.insert(DayKey(company_id: company, day: f.day.description))
                func n(_ b: Bool) -> SQLBind { SQLBind(b ? 1 : 0) }
                insert.values(SQLBind(id), SQLBind(company), SQLBind(branch), SQLBind(f.day.description), SQLBind(f.type), SQLBind(f.channel),
                              SQLBind(f.priority), SQLBind(f.department), n(f.closed), n(f.firstContactResolved), n(f.slaMet), n(f.slaBreached),
                              n(f.escalated), n(f.reopened), n(f.duplicate), SQLBind(f.satisfaction))
            }
            try await insert.run()
        }
        for key in days { try await rebuild(key, sql: sql) }
        let pairs = marks.map { SQLGroupExpression([SQLBind($0.order_id), SQLBind($0.version)]) as any SQLExpression }
        try await sql.delete(from: "report_dirty_orders")
            .where(SQLBinaryExpression(SQLGroupExpression([SQLColumn("order_id"), SQLColumn("version")]), .in, SQLGroupExpression(pairs))).run()
        return marks.count
    }

    /// The facts of the orders that still exist (a deleted order leaves only its old day to rebuild).
    static func facts(of ids: [UUID], sql: any SQLDatabase, timeZone: TimeZone) async throws -> [(UUID, UUID, UUID?, OrderFacts)] {
        let orders = try await sql.select().columns("id", "company_id", "branch_id", "type", "channel", "priority", "status", "created_at",
                                                   "first_response_due_at", "first_responded_at", "resolution_due_at", "resolved_at",
                                                   "closed_at", "escalation_level", "duplicate_of")
            .from("work_orders").where("id", .in, SQLBind.group(ids)).all(decoding: OrderRow.self)
        guard !orders.isEmpty else { return [] }
        let present = orders.map(\.id)
        let supervision = Dictionary(grouping: try await sql.select().columns("work_order_id", "department_id", "escalated").from("supervision_orders")
            .where("work_order_id", .in, SQLBind.group(present)).orderBy("created_at").orderBy("id").all(decoding: SupervisionRow.self), by: \.work_order_id)
        let callbacks = Dictionary(grouping: try await sql.select().columns("work_order_id", "reached", "satisfaction").from("callbacks")
            .where("work_order_id", .in, SQLBind.group(present)).orderBy("created_at").orderBy("id").all(decoding: CallbackRow.self), by: \.work_order_id)
        let reopens = Dictionary(try await sql.select().column("work_order_id")
            .column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n"))).from("timeline_events")
            .where("work_order_id", .in, SQLBind.group(present)).where("kind", .equal, SQLBind("reopened"))
            .groupBy("work_order_id").all(decoding: ReopenRow.self).map { ($0.work_order_id, $0.n) }, uniquingKeysWith: { a, _ in a })
        return orders.map { o in
            let source = OrderFacts.Source(
                createdAt: o.created_at, type: o.type, channel: o.channel, priority: o.priority, status: o.status,
                firstResponseDueAt: o.first_response_due_at, firstRespondedAt: o.first_responded_at, resolutionDueAt: o.resolution_due_at,
                resolvedAt: o.resolved_at, closedAt: o.closed_at, escalationLevel: o.escalation_level, duplicateOf: o.duplicate_of,
                supervision: (supervision[o.id] ?? []).map { ($0.department_id, $0.escalated) }, reopenCount: reopens[o.id] ?? 0,
                callbacks: (callbacks[o.id] ?? []).map { ($0.reached, $0.satisfaction) })
            return (o.id, o.company_id, o.branch_id, OrderFacts(source, timeZone: timeZone))
        }
    }

    static let dimensions = ["company_id", "branch_id", "day", "type", "channel", "priority", "department_id"]

    /// A company-day's buckets, summed again from its facts rows.
    static func rebuild(_ key: DayKey, sql: any SQLDatabase) async throws {
        try await sql.delete(from: "report_order_days").where("company_id", .equal, SQLBind(key.company_id))
            .where("day", .equal, SQLBind(key.day)).run()
        let d = dimensions.joined(separator: ", ")
        try await sql.raw("""
            INSERT INTO report_order_days (\(unsafeRaw: d), created, closed, fcr, sla_met, sla_breached, escalated, reopened, duplicates, sampled, satisfaction_sum)
            SELECT \(unsafeRaw: d), COUNT(*), SUM(closed), SUM(fcr), SUM(sla_met), SUM(sla_breached), SUM(escalated), SUM(reopened), SUM(duplicate),
                   SUM(CASE WHEN satisfaction IS NULL THEN 0 ELSE 1 END), COALESCE(SUM(satisfaction), 0)
            FROM report_order_facts WHERE company_id = \(bind: key.company_id) AND day = \(bind: key.day)
            GROUP BY \(unsafeRaw: d)
            """).run()
    }
}
