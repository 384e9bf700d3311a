import Fluent
import SQLKit
import Vapor
import KefuCore

/// Retention of one company's customer archive (R5.5, 002 保密制度): records whose last
/// business is older than the company's period, with nothing open and not on the special
/// list, have their personal fields erased — name, phones, ID number, address, and the
/// addresses on their orders — while the rows, tiers, orders and figures stay for the
/// statistics. Each run leaves a report (how many, which record ids, under which rule). Run
/// daily by the sweeper (once per company per day) or by an admin on /admin/retention.
struct CustomerRetention: Sendable {
    let company: WorkforceCompany
    let now: Date
    let timeZone: TimeZone

    static let ruleKey = "customers.retention_months"
    static let lastRunKey = "customers.retention_day"

    func rule() async throws -> RetentionRule {
        guard let text = try await CompanySettings.get(Self.ruleKey, company: company.id, on: company.db) else { return .seedDefault }
        guard let months = Int(text), RetentionRule(months: months).problem == nil else {
            throw KefuError(.internalServerError, "retention_rule_unreadable", "客户档案保存期限设置无法读取，请管理员重新保存。")
        }
        return RetentionRule(months: months)
    }

    func save(_ rule: RetentionRule, by actor: String) async throws {
        if let p = rule.problem { throw KefuError.invalid([.init(field: "months", message: p)]) }
        let before = try? await self.rule()
        try await company.db.writeTransaction { [company, now] tx in
            try await CompanySettings.set(Self.ruleKey, String(rule.months), company: company.id, on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "customer.retention_rule", objectType: "company", objectId: company.code,
                       before: before.map { String($0.months) }, after: String(rule.months))
        }
    }

    /// Customers due under `rule`: last changed and created before the cutoff, no order of
    /// theirs created, closed or still active since, no pending change request, not listed.
    func due(cutoff: Date, limit: Int) async throws -> [UUID] {
        struct Row: Decodable { var id: UUID }
        let active = WorkOrderStatus.active.map(\.rawValue)
        return try await (try company.db.sql()).raw("""
            SELECT c.id FROM customers c
            WHERE c.company_id = \(bind: company.id) AND c.destroyed_at IS NULL
              AND c.updated_at < \(bind: cutoff) AND c.created_at < \(bind: cutoff)
              AND NOT EXISTS (SELECT 1 FROM work_orders o WHERE o.customer_id = c.id
                  AND (o.status IN \(SQLBind.group(active)) OR o.created_at >= \(bind: cutoff) OR o.closed_at >= \(bind: cutoff)))
              AND NOT EXISTS (SELECT 1 FROM special_customers s WHERE s.customer_id = c.id)
              AND NOT EXISTS (SELECT 1 FROM customer_change_requests r WHERE r.customer_id = c.id AND r.status = 'pending')
            ORDER BY c.created_at LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: Row.self).map(\.id)
    }

    struct Report: Content {
        var id: UUID
        var at: Date
        var months: Int
        var cutoff: Date
        var destroyed: Int
        var customerIds: [UUID]
        var runBy: String
    }

    /// Erases every due record, 500 to a transaction, and files the report.
    func run(by actor: String) async throws -> Report {
        let rule = try await rule()
        let cutoff = rule.cutoff(now: now, timeZone: timeZone)
        var destroyed: [UUID] = []
        while true {
            let batch = try await due(cutoff: cutoff, limit: 500)
            if batch.isEmpty { break }
            try await company.db.writeTransaction { [company, now] tx in
                let sql = try tx.sql()
                // The phone column is required and one number is one customer: an erased
                // record keeps an empty number, which no lookup ever matches.
                try await sql.update("customers").set("name", to: RetentionRule.erasedName).set("phone", to: "")
                    .set("phone2", to: SQLLiteral.null).set("id_number", to: SQLLiteral.null).set("address", to: SQLLiteral.null)
                    .set("destroyed_at", to: now).set("updated_at", to: now)
                    .where("company_id", .equal, company.id).where("id", .in, batch).run()
                try await sql.update("work_orders").set("address", to: SQLLiteral.null)
                    .where("company_id", .equal, company.id).where("customer_id", .in, batch).run()
            }
            destroyed += batch
            if batch.count < 500 { break }
        }
        let erased = destroyed
        let report = Report(id: UUID(), at: now, months: rule.months, cutoff: cutoff, destroyed: erased.count, customerIds: erased, runBy: actor)
        let ids = String(decoding: try JSONEncoder().encode(erased), as: UTF8.self)
        try await company.db.writeTransaction { [company, now] tx in
            try await (try tx.sql()).insert(into: "retention_runs")
                .columns("id", "company_id", "at", "months", "cutoff", "destroyed", "customer_ids", "run_by")
                .values(SQLBind(report.id), SQLBind(company.id), SQLBind(now), SQLBind(rule.months), SQLBind(cutoff),
                        SQLBind(erased.count), SQLBind(ids), SQLBind(actor)).run()
            try await CompanySettings.set(Self.lastRunKey, LocalDay(now, in: timeZone).description, company: company.id, on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "customer.retention_run", objectType: "company", objectId: company.code,
                       after: "保存期限 \(rule.months) 个月，销毁 \(erased.count) 份客户档案的个人信息")
        }
        return report
    }

    func reports(limit: Int) async throws -> [Report] {
        struct Row: Decodable { var id: UUID; var at: Date; var months: Int; var cutoff: Date; var destroyed: Int; var customer_ids: String; var run_by: String }
        let rows = try await (try company.db.sql()).select().columns("id", "at", "months", "cutoff", "destroyed", "customer_ids", "run_by")
            .from("retention_runs").where("company_id", .equal, company.id).orderBy("at", .descending).limit(limit).all(decoding: Row.self)
        return try rows.map { r in
            Report(id: r.id, at: r.at, months: r.months, cutoff: r.cutoff, destroyed: r.destroyed,
                   customerIds: try JSONDecoder().decode([UUID].self, from: Data(r.customer_ids.utf8)), runBy: r.run_by)
        }
    }

    static let claim = PeriodicClaim(doneKey: lastRunKey, claimKey: "customers.retention_claim")

    /// The daily job: each company once a day (`PeriodicClaim`, like the monthly tiering).
    static func runDailyIfDue(db: Database, now: Date, timeZone: TimeZone, logger: Logger) async throws {
        let today = LocalDay(now, in: timeZone).description
        for id in try await CompanySettings.companyIDs(on: db) {
            guard try await claim.claim(today, company: id, on: db, now: now) else { continue }
            let company = try await WorkforceCompany.of(id, in: TenantData.system(db))
            let report = try await CustomerRetention(company: company, now: now, timeZone: timeZone).run(by: "system")
            if report.destroyed > 0 { logger.info("retention of \(company.code): \(report.destroyed) customer record(s) erased") }
        }
    }
}
