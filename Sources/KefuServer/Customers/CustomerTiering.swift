import Fluent
import SQLKit
import Vapor
import KefuCore

/// Tiers by value for one company (R5.2): its policy, the monthly figures finance sends, and
/// the run that moves customers between tiers and logs why. The rule (which tier a sum
/// earns, when a tier stays) is KefuCore's `TierPolicy`; this stores its answers.
struct CustomerTiering: Sendable {
    let company: WorkforceCompany
    let now: Date
    let timeZone: TimeZone

    static let policyKey = "customers.tier_policy"
    /// The month ("yyyy-MM") of the last run, manual or monthly: the job runs once a month.
    static let lastRunKey = "customers.retier_month"

    struct ImportResult: Content, Equatable {
        var stored: Int
        /// Lines refused by the sheet check or whose number no customer of the company holds.
        var problems: [Problem]
        struct Problem: Content, Equatable { var line: Int; var message: String }
    }

    struct RunResult: Content, Equatable {
        var month: String
        var window: [String]
        /// Customers with a figure in the window.
        var examined: Int
        var changed: Int
    }

    var thisMonth: CustomerPeriod { Self.month(of: now, in: timeZone) }

    static func month(of now: Date, in timeZone: TimeZone) -> CustomerPeriod {
        let day = LocalDay(now, in: timeZone)
        return CustomerPeriod(year: day.year, month: day.month)
    }

    // MARK: Policy

    /// The saved policy, or the seed default before the first save. A stored value that no
    /// longer decodes is an error to fix, not a reason to sort customers by the default.
    func policy() async throws -> TierPolicy {
        guard let text = try await CompanySettings.get(Self.policyKey, company: company.id, on: company.db) else { return .seedDefault }
        do {
            return try JSONDecoder().decode(TierPolicy.self, from: Data(text.utf8))
        } catch {
            throw KefuError(.internalServerError, "tier_policy_unreadable", "客户分级规则无法读取，请管理员重新保存。")
        }
    }

    func save(_ policy: TierPolicy, by actor: String) async throws {
        let problems = policy.problems()
        guard problems.isEmpty else { throw KefuError.invalid(problems.map(FieldProblemDTO.init)) }
        let before = try? await self.policy()
        let text = String(decoding: try JSONEncoder().encode(policy), as: UTF8.self)
        try await company.db.writeTransaction { [company, now] tx in
            try await CompanySettings.set(Self.policyKey, text, company: company.id, on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "customer.tier_policy", objectType: "company", objectId: company.code,
                       before: before.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) }, after: text)
        }
    }

    func lastRun() async throws -> String? {
        try await CompanySettings.get(Self.lastRunKey, company: company.id, on: company.db)
    }

    // MARK: Figures

    /// Stores the sheet's rows: a month already on file for a customer is replaced, never
    /// added twice; an amount left empty keeps the one on file. Rows whose number belongs
    /// to nobody in this company are reported, not guessed.
    func importValues(_ rows: [CustomerValueRow], by actor: String) async throws -> ImportResult {
        var problems: [ImportResult.Problem] = []
        var owners: [String: UUID] = [:]
        let numbers = Array(Set(rows.map(\.phone)))
        for start in stride(from: 0, to: numbers.count, by: 400) {
            let chunk = Array(numbers[start..<min(start + 400, numbers.count)])
            let found = try await company.data.query(Customer.self)
                .group(.or) { $0.filter(\.$phone ~~ chunk).filter(\.$phone2 ~~ chunk) }
                .field(\.$id).field(\.$companyID).field(\.$phone).field(\.$phone2).sort(\.$createdAt).all()
            for c in found {
                guard let id = c.id else { continue }
                for n in [c.phone, c.phone2].compactMap({ $0 }) where owners[n] == nil { owners[n] = id }
            }
        }
        var known: [(row: CustomerValueRow, customer: UUID)] = []
        for row in rows {
            if let id = owners[row.phone] { known.append((row, id)) }
            else { problems.append(.init(line: row.line, message: "号码 \(Masking.phone(row.phone)) 不在本公司客户档案中")) }
        }
        let companyID = company.id, now = now
        for start in stride(from: 0, to: known.count, by: 200) {
            let chunk = Array(known[start..<min(start + 200, known.count)])
            try await company.db.writeTransaction { tx in
                let sql = try tx.sql()
                let rows: [SQLQueryString] = chunk.map { item in
                    "(\(bind: UUID()), \(bind: companyID), \(bind: item.customer), \(bind: item.row.period.text), \(bind: item.row.revenueFen), \(bind: item.row.profitFen), \(bind: actor), \(bind: now))"
                }
                let query: SQLQueryString = """
                    INSERT INTO customer_values (id, company_id, customer_id, period, revenue_fen, profit_fen, imported_by, imported_at)
                    VALUES \(rows.joined(separator: ", "))
                    ON CONFLICT (customer_id, period) DO UPDATE SET
                    revenue_fen = COALESCE(excluded.revenue_fen, customer_values.revenue_fen),
                    profit_fen = COALESCE(excluded.profit_fen, customer_values.profit_fen),
                    imported_by = excluded.imported_by, imported_at = excluded.imported_at
                    """
                try await sql.raw(query).run()
            }
        }
        try await History(db: company.db, actorWorkId: actor, ip: nil, now: now)
            .audit(action: "customer.values_imported", objectType: "company", objectId: company.code,
                   after: "\(known.count) 行已导入，\(problems.count) 行未导入")
        return ImportResult(stored: known.count, problems: problems.sorted { $0.line < $1.line })
    }

    /// The sheet checked, then stored (the page, the API and the CLI): a header that makes
    /// the sheet unreadable is a 422; bad rows come back with the unknown numbers, by line.
    func importSheet(_ text: String, period: CustomerPeriod?, by actor: String) async throws -> ImportResult {
        switch CustomerValueCSV.parse(text, period: period) {
        case .failure(let p):
            throw KefuError.invalid([.init(field: "body", message: "第 \(p.line) 行：\(p.message)")])
        case .success(let parsed):
            var result = try await importValues(parsed.rows, by: actor)
            result.problems = (result.problems + parsed.problems.map { .init(line: $0.line, message: $0.message) }).sorted { $0.line < $1.line }
            return result
        }
    }

    // MARK: The run

    /// Sums each customer's figures over the policy's window (the complete months before
    /// `month`) and moves those whose sum earns another tier, logging each move with the
    /// figures and threshold behind it. Customers without a figure in the window keep
    /// their tier. Runs in transactions of 500 customers: a run stopped half way is
    /// finished by the next one (the moves already made are not made again).
    func retier(month: CustomerPeriod, actor: String) async throws -> RunResult {
        let policy = try await policy()
        let window = policy.window(beforeMonth: month.text)
        guard let first = window.first, let last = window.last else {
            return RunResult(month: month.text, window: [], examined: 0, changed: 0)
        }
        struct Sum: Decodable { var customer_id: UUID; var revenue: Int?; var profit: Int?; var revenue_months: Int; var profit_months: Int }
        let column = policy.basis == .revenue ? "revenue_fen" : "profit_fen"
        // Raw SQL on a scoped table: the company scope through its raw-SQL form.
        let scope = OrderScope.companyPredicate(company.data.scope, table: CustomerValue.schema)
            ?? SQLBinaryExpression(SQLColumn("company_id", table: CustomerValue.schema), .equal, SQLBind(company.id))
        let sums = try await (try company.db.sql()).raw("""
            SELECT customer_id, CAST(SUM(revenue_fen) AS BIGINT) AS revenue, CAST(SUM(profit_fen) AS BIGINT) AS profit,
                   COUNT(revenue_fen) AS revenue_months, COUNT(profit_fen) AS profit_months
            FROM customer_values WHERE \(scope) AND period >= \(bind: first) AND period <= \(bind: last)
              AND \(unsafeRaw: column) IS NOT NULL
            GROUP BY customer_id
            """).all(decoding: Sum.self)
        var moved = 0
        for start in stride(from: 0, to: sums.count, by: 500) {
            let chunk = Array(sums[start..<min(start + 500, sums.count)])
            let byID = Dictionary(uniqueKeysWithValues: chunk.map { ($0.customer_id, $0) })
            moved += try await company.db.writeTransaction { [company, now] tx in
                let data = company.data.on(tx)
                let customers = try await data.query(Customer.self).filter(\.$id ~~ Array(byID.keys)).all()
                var moved = 0
                for customer in customers {
                    guard let id = customer.id, let sum = byID[id] else { continue }
                    let value = policy.basis == .revenue ? sum.revenue ?? 0 : sum.profit ?? 0
                    let months = policy.basis == .revenue ? sum.revenue_months : sum.profit_months
                    guard let decision = policy.decide(current: customer.tier, valueFen: value, periodsWithData: months) else { continue }
                    try await CustomerTierChange(companyID: customer.companyID, customerID: id, from: customer.tier, to: decision.tier,
                                                 reason: decision.reason, actor: actor, at: now).create(on: tx)
                    customer.tier = decision.tier
                    customer.updatedAt = now
                    try await customer.save(on: tx)
                    moved += 1
                }
                return moved
            }
        }
        let changed = moved
        try await company.db.writeTransaction { [company, now] tx in
            try await CompanySettings.set(Self.lastRunKey, month.text, company: company.id, on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "customer.retiered", objectType: "company", objectId: company.code,
                       after: "\(window.first ?? "")…\(window.last ?? "")：\(sums.count) 位有数据，\(changed) 位调整等级")
        }
        return RunResult(month: month.text, window: window, examined: sums.count, changed: changed)
    }

    /// The monthly job: every company whose last run is not this month's is run once
    /// (`PeriodicClaim`: once across processes, finished after a crash).
    static func runMonthlyIfDue(db: Database, now: Date, timeZone: TimeZone, logger: Logger) async throws {
        let month = month(of: now, in: timeZone)
        for id in try await CompanySettings.companyIDs(on: db) {
            guard try await claim.claim(month.text, company: id, on: db, now: now) else { continue }
            let company = try await WorkforceCompany.of(id, in: TenantData.system(db))
            let tiering = CustomerTiering(company: company, now: now, timeZone: timeZone)
            let result = try await tiering.retier(month: month, actor: "system")
            logger.info("customer tiers of \(company.code) for \(month.text): \(result.examined) with figures, \(result.changed) changed")
        }
    }

    static let claim = PeriodicClaim(doneKey: lastRunKey, claimKey: "customers.retier_claim")

    // MARK: Reading the log

    struct ChangeRow: Content {
        var customerId: UUID
        var customerName: String
        var from: String
        var to: String
        var fromLabel: String
        var toLabel: String
        var reason: String
        var workId: String
        var at: Date
    }

    /// The log, newest first, with the tiers named as `policy` names them.
    func changes(customer: UUID? = nil, limit: Int, offset: Int, policy: TierPolicy) async throws -> (rows: [ChangeRow], total: Int) {
        let base = company.data.query(CustomerTierChange.self)
        if let customer { base.filter(\.$customerID == customer) }
        let total = try await base.copy().count()
        let rows = try await base.sort(\.$at, .descending).sort(\.$id).range(offset..<(offset + limit)).all()
        let ids = Array(Set(rows.map(\.customerID)))
        let names = ids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await company.data.query(Customer.self)
            .filter(\.$id ~~ ids).field(\.$id).field(\.$companyID).field(\.$name).all().compactMap { c in c.id.map { ($0, c.name) } })
        return (rows.map { r in
            ChangeRow(customerId: r.customerID, customerName: names[r.customerID] ?? "", from: r.fromTier.rawValue, to: r.toTier.rawValue,
                      fromLabel: policy.label(r.fromTier), toLabel: policy.label(r.toTier), reason: r.reason, workId: r.actorWorkId, at: r.at)
        }, total)
    }
}
