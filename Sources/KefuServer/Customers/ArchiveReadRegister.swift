import Vapor
import Fluent
import SQLKit
import KefuCore

/// The archive read register (查阅登记, R5.5; seed 003 2.4: every read of an archive by
/// someone outside its keepers is registered): who opened which customer's archive, when,
/// from where and why, for QC inspectors and admins — `GET /api/v1/audit/archive-reads`
/// and the page `/audit/archive-reads`. The page also sets each reader's reads against the
/// calls they answered and the orders they created in the period (`ArchiveReadingRule`), so
/// an agent opening far more archives than their work explains stands out.
struct ArchiveReadRegister {
    func register(api: RoutesBuilder, pages: RoutesBuilder) {
        api.requiring(.archiveAudit).get("audit", "archive-reads", use: list)
        pages.requiring(.archiveAudit).get("audit", "archive-reads", use: page)
    }

    struct Filter: Content {
        var customerId: String?
        var workId: String?
        var from: String?
        var to: String?
        var limit: Int?
        var offset: Int?
    }

    struct ReadDTO: Content {
        var customerId: UUID
        var customerName: String?
        var companyCode: String
        var workId: String
        var at: Date
        var channel: String
        var reason: String?
    }

    struct ListDTO: Content {
        var items: [ReadDTO]
        var total: Int
        var limit: Int
        var offset: Int
    }

    /// The filter checked and turned into a period; a malformed value is refused, not ignored.
    struct Parsed {
        var customer: UUID?
        var workId: String?
        var from: Date?
        var to: Date?
        var window: PageWindow
    }

    static func parse(_ f: Filter, timeZone: TimeZone) throws -> Parsed {
        var problems: [FieldProblemDTO] = []
        var customer: UUID?
        if let c = f.customerId, !c.isEmpty {
            customer = UUID(uuidString: c)
            if customer == nil { problems.append(.init(field: "customerId", message: "客户编号格式不正确。")) }
        }
        var from: Date?, to: Date?
        if let s = f.from?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
            from = PeriodBound.from(s, timeZone: timeZone)
            if from == nil { problems.append(.init(field: "from", message: "起始须为日期（YYYY-MM-DD）或带时区的时间。")) }
        }
        if let s = f.to?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
            to = PeriodBound.to(s, timeZone: timeZone)
            if to == nil { problems.append(.init(field: "to", message: "截止须为日期（YYYY-MM-DD）或带时区的时间。")) }
        }
        if let from, let to, from >= to { problems.append(.init(field: "to", message: "截止须晚于起始。")) }
        let workId = f.workId?.trimmingCharacters(in: .whitespaces)
        // Counted as sent (JSON Schema's maxLength), then trimmed.
        if let sent = f.workId, sent.unicodeScalars.count > 40 || Validation.hasControlCharacters(sent) {
            problems.append(.init(field: "workId", message: "工号格式不正确。"))
        }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        return Parsed(customer: customer, workId: workId?.isEmpty == false ? workId : nil, from: from, to: to,
                      window: try PageWindow(limit: f.limit, offset: f.offset))
    }

    /// The register's rows the filter asks for, newest first, in the reader's company scope.
    static func reads(_ p: Parsed, tenant: TenantData) async throws -> (rows: [CustomerAccessLog], total: Int) {
        let query = tenant.query(CustomerAccessLog.self)
        if let c = p.customer { query.filter(\.$customerID == c) }
        if let w = p.workId { query.filter(\.$actorWorkId == w) }
        if let f = p.from { query.filter(\.$at >= f) }
        if let t = p.to { query.filter(\.$at < t) }
        let total = try await query.count()
        let rows = try await query.sort(\.$at, .descending).range(p.window.range).all()
        return (rows, total)
    }

    /// Names of the customers read, for the rows shown.
    static func names(of rows: [CustomerAccessLog], tenant: TenantData) async throws -> [UUID: String] {
        let ids = Array(Set(rows.map(\.customerID)))
        guard !ids.isEmpty else { return [:] }
        let customers = try await tenant.query(Customer.self).filter(\.$id ~~ ids).all()
        return Dictionary(customers.compactMap { c in c.id.map { ($0, c.name) } }, uniquingKeysWith: { a, _ in a })
    }

    func list(req: Request) async throws -> ListDTO {
        try req.refuseEmptyQuery("customerId", "workId", "from", "to")
        let parsed = try Self.parse(try req.query.decode(Filter.self), timeZone: req.kefu.settings.timeZone)
        let tenant = try await req.tenant()
        let (rows, total) = try await Self.reads(parsed, tenant: tenant)
        let names = try await Self.names(of: rows, tenant: tenant)
        let labels = try await tenant.labels()
        return ListDTO(items: rows.map { r in
            ReadDTO(customerId: r.customerID, customerName: names[r.customerID], companyCode: labels.companyCode(r.companyID),
                    workId: r.actorWorkId, at: r.at, channel: r.channel, reason: r.reason)
        }, total: total, limit: parsed.window.limit, offset: parsed.window.offset)
    }

    // MARK: the page

    struct Row: Encodable {
        var at: String; var workId: String; var customerId: String; var customerName: String; var company: String
        var channel: String; var reason: String
    }
    struct ReaderRow: Encodable {
        var workId: String; var name: String; var reads: Int; var contacts: Int; var unusual: Bool
    }
    struct Context: Encodable {
        var page: PageContext
        var filter: Filter
        var rows: [Row]
        var total: Int
        @NilIfEmpty var readers: [ReaderRow]
        var periodLabel: String
        var freeReads: Int
        var readsPerContact: Int
        var tenantColumns: Bool
        var prevHref: String?
        var nextHref: String?
    }

    static let channelLabels = ["page": "档案页面", "api": "接口", "screen_pop": "来电弹屏"]
    /// The center's rule for reading out of proportion (the defaults of `ArchiveReadingRule`).
    static let rule = ArchiveReadingRule()

    func page(req: Request) async throws -> View {
        let tz = req.kefu.settings.timeZone
        var filter = try req.query.decode(Filter.self)
        // Without a period the page shows the last 30 days, so the reader summary means something.
        if (filter.from ?? "").isEmpty && (filter.to ?? "").isEmpty {
            let today = LocalDay(req.now, in: tz)
            filter.from = today.adding(days: -29).description
            filter.to = today.description
        }
        let parsed = try Self.parse(filter, timeZone: tz)
        let tenant = try await req.tenant()
        let (rows, total) = try await Self.reads(parsed, tenant: tenant)
        let names = try await Self.names(of: rows, tenant: tenant)
        let labels = try await tenant.labels()
        let readers = try await Self.readers(parsed, tenant: tenant)
        func href(offset: Int) -> String {
            var items = [URLQueryItem(name: "offset", value: String(offset))]
            for (k, v) in [("customerId", filter.customerId), ("workId", filter.workId), ("from", filter.from), ("to", filter.to)] {
                if let v, !v.isEmpty { items.append(URLQueryItem(name: k, value: v)) }
            }
            var c = URLComponents(); c.path = "/audit/archive-reads"; c.queryItems = items
            return c.string ?? "/audit/archive-reads"
        }
        let w = parsed.window
        return try await req.view.render("archive_reads", Context(
            page: PageContext(req, user: try req.user(), title: "档案查阅登记"),
            filter: filter,
            rows: rows.map { r in
                Row(at: PageFormat.dateTime(r.at, tz), workId: r.actorWorkId, customerId: r.customerID.uuidString,
                    customerName: names[r.customerID] ?? "—", company: labels.companyName(r.companyID),
                    channel: Self.channelLabels[r.channel] ?? r.channel, reason: r.reason ?? "（未登记原因）")
            },
            total: total, readers: readers,
            periodLabel: [filter.from, filter.to].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " 至 "),
            freeReads: Self.rule.freeReads, readsPerContact: Self.rule.readsPerContact, tenantColumns: labels.mixed,
            prevHref: w.offset > 0 ? href(offset: max(0, w.offset - w.limit)) : nil,
            nextHref: w.offset + rows.count < total ? href(offset: w.offset + w.limit) : nil))
    }

    /// Each reader of the period with their reads, the calls they answered and the orders
    /// they created (the contacts that explain reads), most reads first.
    static func readers(_ p: Parsed, tenant: TenantData) async throws -> [ReaderRow] {
        let sql = try tenant.db.sql()
        struct Count: Decodable { var who: String?; var n: Int }
        /// Rows of `table` in the period and the company scope, counted per `who` column.
        func counts(by who: String, in table: String, at column: String,
                    _ narrow: (SQLSelectBuilder) -> SQLSelectBuilder = { $0 }) async throws -> [Count] {
            var q = sql.select()
                .column(SQLAlias(SQLColumn(who), as: SQLIdentifier("who")))
                .column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
                .from(table)
            if let f = p.from { q = q.where(SQLColumn(column, table: table), .greaterThanOrEqual, SQLBind(f)) }
            if let t = p.to { q = q.where(SQLColumn(column, table: table), .lessThan, SQLBind(t)) }
            // Raw SQL on scoped tables: the company scope through its raw-SQL form.
            if let scope = OrderScope.companyPredicate(tenant.scope, table: table) { q = q.where(scope) }
            return try await narrow(q).groupBy(who).all(decoding: Count.self)
        }
        let reads = try await counts(by: "actor_work_id", in: CustomerAccessLog.schema, at: "at") { q in
            var q = q
            if let c = p.customer { q = q.where("customer_id", .equal, SQLBind(c)) }
            if let w = p.workId { q = q.where("actor_work_id", .equal, SQLBind(w)) }
            return q
        }
        guard !reads.isEmpty else { return [] }
        let orders = try await counts(by: "created_by_work_id", in: WorkOrder.schema, at: "created_at")
        let calls = try await counts(by: "agent_work_id", in: "cti_events", at: "at") {
            $0.where("type", .equal, SQLBind(ContactEventType.answered.rawValue))
        }
        var contacts: [String: Int] = [:]
        for c in orders + calls { if let who = c.who { contacts[who, default: 0] += c.n } }
        let workIds = reads.compactMap(\.who)
        let people = try await tenant.query(User.self).filter(\.$workId ~~ workIds).all()
        let nameOf = Dictionary(people.map { ($0.workId, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rule = Self.rule
        return reads.compactMap { r -> ReaderRow? in
            guard let who = r.who else { return nil }
            let n = contacts[who] ?? 0
            return ReaderRow(workId: who, name: nameOf[who] ?? "—", reads: r.n, contacts: n, unusual: rule.isUnusual(reads: r.n, contacts: n))
        }.sorted { ($0.unusual ? 0 : 1, -$0.reads, $0.workId) < ($1.unusual ? 0 : 1, -$1.reads, $1.workId) }
    }
}
