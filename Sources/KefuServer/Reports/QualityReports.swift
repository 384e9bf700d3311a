import Fluent
import SQLKit
import Vapor
import KefuCore

/// Quality statistics for a period beside the period before (R10.2), where a PDCA review
/// starts: QC findings by rule, the QC sample and its scores, errors and incidents raised
/// upward, time-limit breaches and customer opinions, and each agent's workload.
struct QualityReports {
    let tenant: TenantData
    let timeZone: TimeZone

    struct Figures: Sendable {
        var findings: [String: Int] = [:]
        var scored = 0
        var reviewed = 0
        var reviewedScoreSum = 0
        var incidents: [UpwardReport.Kind: Int] = [:]
        var orders = OrderTotals()
        var complaints = 0
        var suggestions = 0
    }

    struct Workload: Sendable { var workId: String; var created: Int; var closed: Int; var scored: Int; var scoreSum: Int }

    func figures(_ range: ClosedRange<LocalDay>, filter: TenantFilter) async throws -> Figures {
        let sql = try tenant.db.sql()
        var f = Figures()
        let first = range.lowerBound.description, last = range.upperBound.description
        struct RuleCount: Decodable { var rule: String; var n: Int }
        var findings = sql.select().column(SQLColumn("rule", table: "qa_findings"))
            .column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n"))).from("qa_findings")
            .join(SQLIdentifier("contacts"), method: SQLJoinMethod.inner, on: SQLColumn("contact_id", table: "qa_findings"), .equal, SQLColumn("id", table: "contacts"))
            .where(SQLColumn("local_day", table: "contacts"), .greaterThanOrEqual, SQLBind(first))
            .where(SQLColumn("local_day", table: "contacts"), .lessThanOrEqual, SQLBind(last))
            .where(SQLColumn("state", table: "qa_findings"), .notEqual, SQLBind("rejected"))
        if let scope = tenant.companyPredicate(column: "company_id", table: "contacts") { findings = findings.where(scope) }
        for p in filter.predicates(table: "contacts") { findings = findings.where(p) }
        for r in try await findings.groupBy(SQLColumn("rule", table: "qa_findings")).all(decoding: RuleCount.self) { f.findings[r.rule] = r.n }

        struct Scores: Decodable { var scored: Int; var reviewed: Int; var total: Int? }
        var scores = sql.select().column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("scored")))
            .column(SQLAlias(SQLFunction("COUNT", args: SQLColumn("final_score")), as: SQLIdentifier("reviewed")))
            .column(SQLAlias(SQLRaw("CAST(SUM(final_score) AS BIGINT)"), as: SQLIdentifier("total"))).from("contacts")
            .where("local_day", .greaterThanOrEqual, SQLBind(first)).where("local_day", .lessThanOrEqual, SQLBind(last))
        if let scope = tenant.companyPredicate(column: "company_id") { scores = scores.where(scope) }
        for p in filter.predicates(table: "contacts") { scores = scores.where(p) }
        if let s = try await scores.first(decoding: Scores.self) { f.scored = s.scored; f.reviewed = s.reviewed; f.reviewedScoreSum = s.total ?? 0 }

        let start = range.lowerBound.start(in: timeZone), end = range.upperBound.adding(days: 1).start(in: timeZone)
        var incidents = tenant.query(UpwardReportRecord.self).filter(\.$createdAt >= start).filter(\.$createdAt < end)
        if let c = filter.companyID { incidents = incidents.filter(\.$companyID == c) }
        for r in try await incidents.all() { f.incidents[r.kind, default: 0] += 1 }

        let byType = try await OrderReports(tenant: tenant, timeZone: timeZone).report(range, groupBy: .type, filter: filter)
        f.orders = byType.total
        f.complaints = byType.rows.first { $0.key == WorkOrderType.complaint.rawValue }?.totals.count ?? 0
        f.suggestions = byType.rows.first { $0.key == WorkOrderType.suggestion.rawValue }?.totals.count ?? 0
        return f
    }

    /// Orders each person took and closed, and their QC sample, in the period.
    func workload(_ range: ClosedRange<LocalDay>, filter: TenantFilter) async throws -> [Workload] {
        let sql = try tenant.db.sql()
        let start = range.lowerBound.start(in: timeZone), end = range.upperBound.adding(days: 1).start(in: timeZone)
        struct PerPerson: Decodable { var w: String?; var n: Int; var s: Int? }
        func grouped(_ person: String, _ time: String) async throws -> [PerPerson] {
            var q = sql.select().column(SQLAlias(SQLColumn(person), as: SQLIdentifier("w")))
                .column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n"))).from("work_orders")
                .where(time, .greaterThanOrEqual, SQLBind(start)).where(time, .lessThan, SQLBind(end))
            if let scope = tenant.companyPredicate(column: "company_id") { q = q.where(scope) }
            for p in filter.predicates(table: "work_orders") { q = q.where(p) }
            return try await q.groupBy(SQLColumn(person)).all(decoding: PerPerson.self)
        }
        var out: [String: Workload] = [:]
        for r in try await grouped("created_by_work_id", "created_at") { if let w = r.w { out[w, default: .init(workId: w, created: 0, closed: 0, scored: 0, scoreSum: 0)].created = r.n } }
        for r in try await grouped("owner_work_id", "closed_at") { if let w = r.w { out[w, default: .init(workId: w, created: 0, closed: 0, scored: 0, scoreSum: 0)].closed = r.n } }
        var qc = sql.select().column(SQLAlias(SQLColumn("agent_work_id"), as: SQLIdentifier("w")))
            .column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
            .column(SQLAlias(SQLRaw("CAST(SUM(COALESCE(final_score, auto_score)) AS BIGINT)"), as: SQLIdentifier("s"))).from("contacts")
            .where("local_day", .greaterThanOrEqual, SQLBind(range.lowerBound.description)).where("local_day", .lessThanOrEqual, SQLBind(range.upperBound.description))
        if let scope = tenant.companyPredicate(column: "company_id") { qc = qc.where(scope) }
        for p in filter.predicates(table: "contacts") { qc = qc.where(p) }
        for r in try await qc.groupBy("agent_work_id").all(decoding: PerPerson.self) {
            guard let w = r.w else { continue }
            out[w, default: .init(workId: w, created: 0, closed: 0, scored: 0, scoreSum: 0)].scored = r.n
            out[w]?.scoreSum = r.s ?? 0
        }
        return out.values.sorted { ($0.created + $0.closed, $1.workId) > ($1.created + $1.closed, $0.workId) }
    }
}
