import Fluent
import SQLKit
import Vapor
import KefuCore

/// Period reports of work orders (R10.1) read from the daily rollups, for the companies
/// in the reader's scope and the company/branch filter: one row per group with the counts
/// and rates, and the whole period's totals. The rollups are brought up to date first, so
/// a report always agrees with a recount of the orders.
struct OrderReports {
    let tenant: TenantData
    let timeZone: TimeZone

    struct Row: Sendable {
        var key: String
        var label: String
        var totals: OrderTotals
    }

    struct Result: Sendable {
        var range: ClosedRange<LocalDay>
        var grouping: OrderReportGrouping
        var rows: [Row]
        var total: OrderTotals
    }

    func report(_ range: ClosedRange<LocalDay>, groupBy grouping: OrderReportGrouping, filter: TenantFilter) async throws -> Result {
        try await ReportRollups(db: tenant.db, timeZone: timeZone).catchUp()
        let sql = try tenant.db.sql()
        let column: String
        switch grouping {
        case .type: column = "type"
        case .channel: column = "channel"
        case .priority: column = "priority"
        case .day: column = "day"
        case .branch: column = "branch_id"
        case .department: column = "department_id"
        }
        let sums = ["created", "closed", "fcr", "sla_met", "sla_breached", "escalated", "reopened", "duplicates", "sampled", "satisfaction_sum"]
        var query = sql.select().column(SQLAlias(SQLColumn(column), as: SQLIdentifier("k")))
        // PostgreSQL sums a BIGINT column as NUMERIC; the cast keeps every figure an integer.
        for s in sums { query = query.column(SQLAlias(SQLRaw("CAST(SUM(\(s)) AS BIGINT)"), as: SQLIdentifier(s))) }
        query = query.from("report_order_days")
            .where("day", .greaterThanOrEqual, SQLBind(range.lowerBound.description))
            .where("day", .lessThanOrEqual, SQLBind(range.upperBound.description))
        if let scope = tenant.companyPredicate(column: "company_id") { query = query.where(scope) }
        for p in filter.predicates(table: "report_order_days") { query = query.where(p) }
        query = query.groupBy(SQLColumn(column))
        let labels = try await tenant.labels()
        var rows: [Row] = []
        if grouping == .branch || grouping == .department {
            let departments = grouping == .department
                ? Dictionary(try await tenant.query(Department.self).all().compactMap { d in d.id.map { ($0, d.name) } }, uniquingKeysWith: { a, _ in a })
                : [:]
            for s in try await query.all(decoding: Sum<UUID?>.self) {
                if grouping == .branch {
                    rows.append(Row(key: s.k.map { labels.branchCode($0) } ?? "none", label: s.k.map { labels.branchName($0) } ?? "（未分分公司）", totals: s.totals))
                } else {
                    rows.append(Row(key: s.k?.uuidString.lowercased() ?? "none", label: s.k.flatMap { departments[$0] } ?? "（未转派部门）", totals: s.totals))
                }
            }
        } else {
            for s in try await query.all(decoding: Sum<String>.self) { rows.append(Row(key: s.k, label: Self.label(grouping, s.k), totals: s.totals)) }
        }
        rows.sort { grouping == .day ? $0.key < $1.key : ($0.totals.count, $1.key) > ($1.totals.count, $0.key) }
        return Result(range: range, grouping: grouping, rows: rows, total: rows.reduce(OrderTotals()) { $0 + $1.totals })
    }

    /// One group's sums as read; `k` is a code, a day, or a branch or department id.
    struct Sum<K: Decodable>: Decodable {
        var k: K
        var created: Int; var closed: Int; var fcr: Int; var sla_met: Int; var sla_breached: Int
        var escalated: Int; var reopened: Int; var duplicates: Int; var sampled: Int; var satisfaction_sum: Int

        var totals: OrderTotals {
            var t = OrderTotals()
            t.count = created; t.closed = closed; t.firstContactResolved = fcr; t.slaMet = sla_met; t.slaBreached = sla_breached
            t.escalated = escalated; t.reopened = reopened; t.duplicates = duplicates; t.sampled = sampled; t.satisfactionSum = satisfaction_sum
            return t
        }
    }

    static func label(_ grouping: OrderReportGrouping, _ key: String) -> String {
        switch grouping {
        case .type: WorkOrderType(rawValue: key)?.label ?? key
        case .channel: KefuCore.Channel(rawValue: key)?.label ?? key
        case .priority: Priority(rawValue: key)?.label ?? key
        case .day, .branch, .department: key
        }
    }
}
