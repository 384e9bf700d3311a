import Fluent
import Vapor
import KefuCore

/// /reports/quality — the quality statistics of a period beside the one before (R10.2):
/// each line this period, last period and the change, the start of a PDCA review.
struct QualityReportPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.reportsRead).get("reports", "quality", use: page)
    }

    struct Line: Encodable { var label: String; var now: String; var before: String; var change: String }
    struct Person: Encodable { var workId: String; var name: String; var created: Int; var closed: Int; var scored: Int; var average: String }
    struct Context: Encodable {
        var page: PageContext
        var title: String
        var previousLabel: String
        var periods: [ReportPages.Choice]
        var date: String
        var from: String
        var to: String
        var overview: [Line]
        @NilIfEmpty var findings: [Line]
        var incidents: [Line]
        @NilIfEmpty var people: [Person]
        var tenantFilter: TenantFilterForm?
        var error: String?
    }

    static func change(_ now: Double?, _ before: Double?, points: Bool = false) -> String {
        ReportPages.change(now, before, points: points) ?? "—"
    }

    func page(req: Request) async throws -> Response {
        let user = try req.user()
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        let filter = try await TenantFilter.resolve(req, tenant: tenant)
        let form = try await TenantFilterForm.make(tenant, labels: labels, filter: filter)
        let tz = req.kefu.settings.timeZone
        let asked: ReportPages.Asked
        var error: KefuError?
        do { asked = try ReportPages().asked(req) } catch let e as KefuError {
            error = e
            let today = LocalDay(req.now, in: tz)
            asked = ReportPages.Asked(period: .month, range: ReportPeriod.month.range(containing: today),
                                      previous: ReportPeriod.month.previous(before: today), grouping: .type, date: today)
        }
        let reports = QualityReports(tenant: tenant, timeZone: tz)
        let now = try await reports.figures(asked.range, filter: filter)
        let before = try await reports.figures(asked.previous, filter: filter)
        func count(_ label: String, _ a: Int, _ b: Int) -> Line { Line(label: label, now: "\(a)", before: "\(b)", change: Self.change(Double(a), Double(b))) }
        func average(_ sum: Int, _ n: Int) -> Double? { n == 0 ? nil : Double(sum) / Double(n) }
        let avgNow = average(now.reviewedScoreSum, now.reviewed), avgBefore = average(before.reviewedScoreSum, before.reviewed)
        let overview = [
            count("工单总数", now.orders.count, before.orders.count),
            count("时限超时工单", now.orders.slaBreached, before.orders.slaBreached),
            Line(label: "时限达标率", now: ReportPages.percent(now.orders.slaRate), before: ReportPages.percent(before.orders.slaRate),
                 change: Self.change(now.orders.slaRate, before.orders.slaRate, points: true)),
            count("投诉", now.complaints, before.complaints),
            count("建议", now.suggestions, before.suggestions),
            Line(label: "回访满意度（样本）", now: now.orders.averageSatisfaction.map { String(format: "%.2f（%d）", $0, now.orders.sampled) } ?? "—",
                 before: before.orders.averageSatisfaction.map { String(format: "%.2f（%d）", $0, before.orders.sampled) } ?? "—",
                 change: Self.change(now.orders.averageSatisfaction, before.orders.averageSatisfaction)),
            count("质检评分通话", now.scored, before.scored),
            count("质检复核通话", now.reviewed, before.reviewed),
            Line(label: "复核平均分", now: avgNow.map { String(format: "%.1f", $0) } ?? "—", before: avgBefore.map { String(format: "%.1f", $0) } ?? "—",
                 change: Self.change(avgNow, avgBefore)),
        ]
        let rules = Set(now.findings.keys).union(before.findings.keys).sorted { (now.findings[$0] ?? 0, $1) > (now.findings[$1] ?? 0, $0) }
        let findings = rules.map { r in count(QARule(rawValue: r)?.label ?? r, now.findings[r] ?? 0, before.findings[r] ?? 0) }
        let incidents = UpwardReport.Kind.allCases.map { k in count(k.label, now.incidents[k] ?? 0, before.incidents[k] ?? 0) }
        let names = Dictionary(try await tenant.query(User.self).all().map { ($0.workId, $0.name) }, uniquingKeysWith: { a, _ in a })
        let people = try await reports.workload(asked.range, filter: filter).prefix(100).map { w in
            Person(workId: w.workId, name: names[w.workId] ?? "", created: w.created, closed: w.closed, scored: w.scored,
                   average: w.scored == 0 ? "—" : String(format: "%.1f", Double(w.scoreSum) / Double(w.scored)))
        }
        let ctx = Context(page: PageContext(req, user: user, title: "质量统计"),
                          title: "\(asked.period.map { "\($0.label) " } ?? "")\(asked.range.lowerBound) 至 \(asked.range.upperBound)",
                          previousLabel: "上期 \(asked.previous.lowerBound) 至 \(asked.previous.upperBound)",
                          periods: ReportPeriod.allCases.map { ReportPages.Choice(value: $0.rawValue, label: $0.label, selected: $0 == asked.period) }
                            + [ReportPages.Choice(value: "custom", label: "自定义", selected: asked.period == nil)],
                          date: asked.date.description, from: asked.range.lowerBound.description, to: asked.range.upperBound.description,
                          overview: overview, findings: findings, incidents: incidents, people: Array(people), tenantFilter: form, error: error?.reason)
        let res = try await req.view.render("reports_quality", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }
}
