import Vapor
import Fluent
import SQLKit
import KefuCore

/// The work-order list, read with SQLKit into plain rows. Hydrating Fluent models goes
/// through runtime reflection per row and was most of a 50-row list request's CPU; the
/// list is the most frequent read, so it skips that.
struct WorkOrderListQuery {
    let filter: WorkOrderAPI.ListQuery
    /// Which orders the reader may see (company scope and visibility); its condition is
    /// ANDed with the filter's.
    let scope: OrderScope
    /// The center's calendar, for `from`/`to` (days taken).
    let timeZone: TimeZone
    /// `?company=&branch=`, already resolved inside the scope.
    var tenantFilter = TenantFilter()
    /// Count at most this many matches (plus one, so the caller sees that there are more);
    /// nil counts them all. Counting a year of orders reads the whole index on every page
    /// view (~30 ms for 1,000,000 on SQLite, far more with a filter the index does not
    /// carry), and nobody pages through ten thousand of them; the page says "10000+".
    var countCap: Int?

    /// `reads`: where the count and the rows are read (the SQLite reader thread when given).
    func run(on db: Database, reads: LeanReads? = nil) async throws -> (items: [WorkOrderDTO], total: Int, limit: Int, offset: Int) {
        let reads = reads ?? LeanReads(reader: nil, db: db)
        let window = try PageWindow(limit: filter.limit, offset: filter.offset)
        let limit = window.limit, offset = window.offset
        var conditions: [any SQLExpression] = []
        if let s = filter.status, !s.isEmpty {
            guard WorkOrderStatus(rawValue: s) != nil else { throw KefuError.badRequest("未知的状态：\(s)") }
            conditions.append(SQLBinaryExpression(SQLIdentifier("status"), .equal, SQLBind(s)))
        }
        if let t = filter.type, !t.isEmpty {
            guard WorkOrderType(rawValue: t) != nil else { throw KefuError.badRequest("未知的工单类型：\(t)") }
            conditions.append(SQLBinaryExpression(SQLIdentifier("type"), .equal, SQLBind(t)))
        }
        if let c = filter.channel, !c.isEmpty {
            guard KefuCore.Channel(rawValue: c) != nil else { throw KefuError.badRequest("未知的渠道：\(c)") }
            conditions.append(SQLBinaryExpression(SQLIdentifier("channel"), .equal, SQLBind(c)))
        }
        if let p = filter.priority, !p.isEmpty {
            guard Priority(rawValue: p) != nil else { throw KefuError.badRequest("未知的优先级：\(p)") }
            conditions.append(SQLBinaryExpression(SQLIdentifier("priority"), .equal, SQLBind(p)))
        }
        for (text, isEnd) in [(filter.from, false), (filter.to, true)] {
            guard let text, !text.isEmpty else { continue }
            guard let day = LocalDay(text) else { throw KefuError.badRequest("日期须为 YYYY-MM-DD：\(text)") }
            guard (2000...2100).contains(day.year) else { throw KefuError.invalid([.init(field: isEnd ? "to" : "from", message: "日期须在 2000–2100 年之间")]) }
            let bound = (isEnd ? day.adding(days: 1) : day).start(in: timeZone)
            conditions.append(SQLBinaryExpression(SQLIdentifier("created_at"), isEnd ? .lessThan : .greaterThanOrEqual, SQLBind(bound)))
        }
        if let text = filter.outcome, !text.isEmpty {
            guard let outcome = OrderOutcome(rawValue: text) else { throw KefuError.badRequest("未知的报表口径：\(text)") }
            conditions.append(try await facts(SQLBinaryExpression(SQLIdentifier(Self.factsColumn(outcome)), .equal, SQLBind(1)), db: db))
        }
        if let text = filter.department, !text.isEmpty {
            guard let id = UUID(uuidString: text) else { throw KefuError.badRequest("department 格式不正确") }
            conditions.append(try await facts(SQLBinaryExpression(SQLIdentifier("department_id"), .equal, SQLBind(id)), db: db))
        }
        if let o = filter.ownerWorkId, !o.isEmpty {
            conditions.append(SQLBinaryExpression(SQLIdentifier("owner_work_id"), .equal, SQLBind(o)))
        }
        if let c = filter.customerId, !c.isEmpty {
            guard let id = UUID(uuidString: c) else { throw KefuError.badRequest("customerId 格式不正确") }
            conditions.append(SQLBinaryExpression(SQLIdentifier("customer_id"), .equal, SQLBind(id)))
        }
        if let text = filter.q?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            conditions.append(SQLGroupExpression(SQLBinaryExpression(
                SQLBinaryExpression(SQLIdentifier("number"), .like, SQLBind("%\(text.uppercased())%")),
                .or,
                SQLBinaryExpression(SQLIdentifier("subject"), .like, SQLBind("%\(text)%")))))
        }
        conditions += tenantFilter.predicates(table: WorkOrder.schema)
        if let p = scope.orderPredicate { conditions.append(p) }
        let sql = try db.sql()
        let predicate: (any SQLExpression)? = conditions.isEmpty ? nil
            : conditions.dropFirst().reduce(conditions[0]) { SQLBinaryExpression($0, .and, $1) }

        struct Count: Decodable, Sendable { var n: Int }
        let count = SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n"))
        var countQuery = sql.select().column(count)
        if let cap = countCap {
            // SELECT COUNT(*) FROM (SELECT 1 FROM work_orders WHERE … LIMIT cap + 1) AS capped
            var matches = sql.select().column(SQLLiteral.numeric("1")).from("work_orders")
            if let predicate { matches = matches.where(predicate) }
            countQuery = countQuery.from(SQLAlias(SQLSubquery(matches.limit(min(cap, Int.max - 1) + 1).select), as: SQLIdentifier("capped")))
        } else {
            countQuery = countQuery.from("work_orders")
            if let predicate { countQuery = countQuery.where(predicate) }
        }
        let total = try await reads.all(countQuery.select, as: Count.self).first?.n ?? 0

        // Columns are aliased to the API's key names so rows decode straight into WorkOrderDTO.
        // (A key-decoding strategy would convert every key of every row: ~45 % of a list's CPU.)
        var rowsQuery = sql.select().columns(Self.columns.map { column, key in
            SQLAlias(SQLIdentifier(column), as: SQLIdentifier(key))
        }).from("work_orders")
        if let predicate { rowsQuery = rowsQuery.where(predicate) }
        let labels = try await scope.tenant.labels()
        let items = try await reads.all(rowsQuery.orderBy("created_at", .descending).limit(limit).offset(offset).select,
                                        as: WorkOrderDTO.self).map { row in var r = row; r.label(labels); return r }
        return (items, total, limit, offset)
    }

    /// The facts column of a report figure.
    static func factsColumn(_ outcome: OrderOutcome) -> String {
        switch outcome {
        case .firstContactResolved: "fcr"
        case .slaMet: "sla_met"
        case .slaBreached: "sla_breached"
        case .escalated: "escalated"
        case .reopened: "reopened"
        case .duplicate: "duplicate"
        }
    }

    /// `id IN (orders whose report facts match)`, with the facts brought up to date first so
    /// the list and the report's count agree.
    func facts(_ condition: any SQLExpression, db: Database) async throws -> any SQLExpression {
        try await ReportRollups(db: db, timeZone: timeZone).catchUp()
        let ids = try db.sql().select().column("order_id").from("report_order_facts").where(condition)
        return SQLBinaryExpression(SQLIdentifier("id"), .in, SQLSubquery(ids.select))
    }

    /// work_orders column → WorkOrderDTO key.
    static let columns: [(String, String)] = [
        ("id", "id"), ("company_id", "companyID"), ("branch_id", "branchID"), ("number", "number"), ("type", "type"), ("channel", "channel"), ("status", "status"),
        ("priority", "priority"), ("subject", "subject"), ("description", "description"),
        ("owner_work_id", "ownerWorkId"), ("customer_id", "customerId"), ("address", "address"),
        ("needs_visit", "needsVisit"), ("first_response_due_at", "firstResponseDueAt"),
        ("first_responded_at", "firstRespondedAt"), ("resolution_due_at", "resolutionDueAt"),
        ("resolved_at", "resolvedAt"), ("closed_at", "closedAt"), ("escalation_level", "escalationLevel"),
        ("duplicate_of", "duplicateOf"), ("promised_reply_at", "promisedReplyAt"), ("callback_done", "callbackDone"),
        ("open_supervision_count", "openSupervisionOrders"), ("created_at", "createdAt"), ("updated_at", "updatedAt"),
    ]
}
