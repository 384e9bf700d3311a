import Fluent
import SQLKit
import Vapor
import KefuCore

/// One fixed-time count as kept (R10.3).
final class FixedTimeCount: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "report_fixed_counts"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "day") var day: String
    /// Minutes of the day.
    @Field(key: "minute") var minute: Int
    @Field(key: "inbound_calls") var inboundCalls: Int
    @Field(key: "new_orders") var newOrders: Int
    @Field(key: "recorded_at") var recordedAt: Date

    init() {}
}

/// Records the fixed-time counts as their times pass, for every company (the sweeper's
/// step); the unique (company, day, minute) key keeps each once across processes.
enum FixedCounts {
    static let timesKey = "reports.fixed_times"

    static func times(company: UUID, on db: Database) async throws -> [Int] {
        guard let text = try await CompanySettings.get(timesKey, company: company, on: db) else { return FixedTimeCounts.defaultTimes }
        switch FixedTimeCounts.parse(text) {
        case .success(let t): return t
        case .failure: throw KefuError(.internalServerError, "stored_value_invalid", "定时统计的时间设置无法读取，请管理员重新保存。")
        }
    }

    static func recordDue(db: Database, now: Date, timeZone: TimeZone) async throws {
        let today = LocalDay(now, in: timeZone)
        for company in try await CompanySettings.companyIDs(on: db) {
            let tenant = TenantData(scope: .companies([company]), db: db)
            let kept = Set(try await tenant.query(FixedTimeCount.self).filter(\.$day == today.description).all().map(\.minute))
            for minute in FixedTimeCounts.due(times: try await times(company: company, on: db), day: today, now: now, timeZone: timeZone, kept: kept) {
                try await record(company: company, day: today, minute: minute, db: db, now: now, timeZone: timeZone)
            }
        }
    }

    /// Calls that entered a queue and orders taken from the day's start up to `minute`.
    static func record(company: UUID, day: LocalDay, minute: Int, db: Database, now: Date, timeZone: TimeZone) async throws {
        let start = day.start(in: timeZone), until = start.addingTimeInterval(Double(minute) * 60)
        let sql = try db.sql()
        struct Count: Decodable { var n: Int }
        let count = SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n"))
        let calls = try await sql.select().column(count).from("cti_events").where("company_id", .equal, SQLBind(company))
            .where("type", .equal, SQLBind(ContactEventType.enqueued.rawValue))
            .where("at", .greaterThanOrEqual, SQLBind(start)).where("at", .lessThan, SQLBind(until)).first(decoding: Count.self)?.n ?? 0
        let orders = try await sql.select().column(count).from("work_orders").where("company_id", .equal, SQLBind(company))
            .where("created_at", .greaterThanOrEqual, SQLBind(start)).where("created_at", .lessThan, SQLBind(until)).first(decoding: Count.self)?.n ?? 0
        try await db.writeTransaction { tx in
            try await tx.sql().insert(into: FixedTimeCount.schema)
                .columns("id", "company_id", "day", "minute", "inbound_calls", "new_orders", "recorded_at")
                .values(SQLBind(UUID()), SQLBind(company), SQLBind(day.description), SQLBind(minute), SQLBind(calls), SQLBind(orders), SQLBind(now))
                .ignoringConflicts().run()
        }
    }
}
