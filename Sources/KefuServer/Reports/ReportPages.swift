import Vapor
import KefuCore

/// /reports/orders — the period report a center is run by (R10.1, R10.2): a week, month,
/// quarter, half-year, year or any range, grouped as the reader chooses, with the figures of
/// the period before beside it (where a PDCA review starts), a daily trend and a bar chart
/// drawn on the server, the table with each count linked to the orders behind it, CSV for
/// Excel and a layout that prints on A4.
struct ReportPages {
    func register(_ routes: RoutesBuilder) {
        let r = routes.requiring(.reportsRead)
        r.get("reports", use: index)
        r.get("reports", "orders", use: page)
        r.get("reports", "orders.csv", use: csv)
    }

    struct Figure: Encodable { var id: String; var label: String; var value: String; var previous: String; var change: String?; var note: String? }
    struct Cell: Encodable { var text: String; var href: String? }
    struct TableRow: Encodable { var key: String; var label: String; var cells: [Cell] }
    struct Choice: Encodable { var value: String; var label: String; var selected: Bool }
    struct Context: Encodable {
        var page: PageContext
        var title: String
        var periods: [Choice]
        var groupings: [Choice]
        var date: String
        var from: String
        var to: String
        var custom: Bool
        var previousLabel: String
        var figures: [Figure]
        var headers: [String]
        @NilIfEmpty var rows: [TableRow]
        var totalRow: TableRow
        @NilIfEmpty var charts: [String]
        var query: String
        var tenantFilter: TenantFilterForm?
        var error: String?
        var definitions: [String]
        /// The published weekly and monthly reports.
        @NilIfEmpty var snapshots: [ReportSnapshotPages.Item]
    }

    func index(req: Request) async throws -> Response { req.redirect(to: "/reports/orders") }

    /// What the form asked for: a period kind and a day in it, or a custom range.
    struct Asked {
        var period: ReportPeriod?
        var range: ClosedRange<LocalDay>
        var previous: ClosedRange<LocalDay>
        var grouping: OrderReportGrouping
        var date: LocalDay
    }

    func asked(_ req: Request) throws -> Asked {
        let today = LocalDay(req.now, in: req.kefu.settings.timeZone)
        let rawPeriod = req.query[String.self, at: "period"] ?? "month"
        let date = (req.query[String.self, at: "date"]).flatMap { LocalDay($0) } ?? today
        let (_, grouping) = try ReportAPI.parse(.init(from: "2000-01-01", to: "2000-01-01", groupBy: req.query[String.self, at: "groupBy"]))
        if rawPeriod == "custom" {
            let (range, _) = try ReportAPI.parse(.init(from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"]))
            return Asked(period: nil, range: range, previous: ReportPeriod.preceding(range), grouping: grouping, date: date)
        }
        guard let period = ReportPeriod(rawValue: rawPeriod) else {
            throw KefuError.invalid([.init(field: "period", message: "未知的报表周期")])
        }
        guard (2000...2100).contains(date.year) else { throw KefuError.invalid([.init(field: "date", message: "日期须在 2000–2100 年之间")]) }
        return Asked(period: period, range: period.range(containing: date), previous: period.previous(before: date), grouping: grouping, date: date)
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
    static func change(_ now: Double?, _ before: Double?, points: Bool) -> String? {
        guard let now, let before else { return nil }
        let d = now - before
        if points { return String(format: "%+.1f 个百分点", d * 100) }
        guard before != 0 else { return nil }
        return String(format: "%+.1f%%", d / before * 100)
    }

    func page(req: Request) async throws -> Response {
        let user = try req.user()
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        let filter = try await TenantFilter.resolve(req, tenant: tenant)
        let form = try await TenantFilterForm.make(tenant, labels: labels, filter: filter)
        let today = LocalDay(req.now, in: req.kefu.settings.timeZone)
        do {
            let a = try asked(req)
            let reports = OrderReports(tenant: tenant, timeZone: req.kefu.settings.timeZone)
            let now = try await reports.report(a.range, groupBy: a.grouping, filter: filter)
            let before = try await reports.report(a.previous, groupBy: a.grouping, filter: filter)
            let trend = a.grouping == .day ? now : try await reports.report(a.range, groupBy: .day, filter: filter)
            var ctx = context(req, user: user, asked: a, now: now, before: before, trend: trend, filter: filter, form: form, error: nil)
            ctx.snapshots = try await ReportSnapshotPages.list(tenant, timeZone: req.kefu.settings.timeZone)
            return try await req.view.render("reports_orders", ctx).encodeResponse(for: req)
        } catch let e as KefuError {
            let a = Asked(period: .month, range: ReportPeriod.month.range(containing: today), previous: ReportPeriod.month.previous(before: today),
                          grouping: .type, date: today)
            let empty = OrderReports.Result(range: a.range, grouping: .type, rows: [], total: OrderTotals())
            let res = try await req.view.render("reports_orders", context(req, user: user, asked: a, now: empty, before: empty, trend: empty,
                                                                          filter: filter, form: form, error: e.reason)).encodeResponse(for: req)
            res.status = e.status
            return res
        }
    }

    func context(_ req: Request, user: User, asked a: Asked, now: OrderReports.Result, before: OrderReports.Result, trend: OrderReports.Result,
                 filter: TenantFilter, form: TenantFilterForm?, error: String?) -> Context {
        let n = now.total, p = before.total
        func count(_ id: String, _ label: String, _ x: Int, _ y: Int) -> Figure {
            Figure(id: id, label: label, value: "\(x)", previous: "\(y)", change: Self.change(Double(x), Double(y), points: false), note: nil)
        }
        func rate(_ id: String, _ label: String, _ x: Double?, _ y: Double?) -> Figure {
            Figure(id: id, label: label, value: Self.percent(x), previous: Self.percent(y), change: Self.change(x, y, points: true), note: nil)
        }
        let satisfaction = Figure(id: "fig-satisfaction", label: "回访满意度", value: n.averageSatisfaction.map { String(format: "%.2f", $0) } ?? "—",
                                  previous: p.averageSatisfaction.map { String(format: "%.2f", $0) } ?? "—",
                                  change: Self.change(n.averageSatisfaction, p.averageSatisfaction, points: false),
                                  note: "样本 \(n.sampled) 个（上期 \(p.sampled) 个）")
        let figures = [count("fig-total", "工单总数", n.count, p.count), count("fig-closed", "已结单", n.closed, p.closed),
                       rate("fig-fcr", "首问解决率", n.firstContactRate, p.firstContactRate), rate("fig-sla", "时限达标率", n.slaRate, p.slaRate),
                       count("fig-escalated", "升级", n.escalated, p.escalated), rate("fig-reopen", "重开率", n.reopenRate, p.reopenRate),
                       count("fig-duplicates", "重复工单", n.duplicates, p.duplicates), satisfaction]
        let base = drillBase(now.range, filter: filter)
        /// The orders behind one figure: the group's list narrowed to the facts' flag.
        func narrowed(_ link: String?, _ outcome: OrderOutcome, _ n: Int) -> String? {
            n > 0 ? link.map { $0 + "&outcome=\(outcome.rawValue)" } : nil
        }
        func row(_ r: OrderReports.Row?, key: String, label: String, totals t: OrderTotals) -> TableRow {
            let extra = r.map { drillParameter(now.grouping, $0.key) } ?? ""
            let link = extra == nil ? nil : base + (extra ?? "")
            return TableRow(key: key, label: label, cells: [
                Cell(text: "\(t.count)", href: link), Cell(text: "\(t.closed)", href: link.map { $0 + "&status=closed" }),
                Cell(text: "\(t.firstContactResolved)", href: narrowed(link, .firstContactResolved, t.firstContactResolved)),
                Cell(text: Self.percent(t.firstContactRate), href: nil),
                Cell(text: "\(t.slaMet)", href: narrowed(link, .slaMet, t.slaMet)), Cell(text: "\(t.slaBreached)", href: narrowed(link, .slaBreached, t.slaBreached)),
                Cell(text: Self.percent(t.slaRate), href: nil),
                Cell(text: "\(t.escalated)", href: narrowed(link, .escalated, t.escalated)), Cell(text: "\(t.reopened)", href: narrowed(link, .reopened, t.reopened)),
                Cell(text: "\(t.duplicates)", href: narrowed(link, .duplicate, t.duplicates)),
                Cell(text: t.averageSatisfaction.map { String(format: "%.2f（%d）", $0, t.sampled) } ?? "—", href: nil),
            ])
        }
        let trendByDay = Dictionary(trend.rows.map { ($0.key, $0.totals) }, uniquingKeysWith: { a, _ in a })
        // Days still to come are not drawn as a fall to zero.
        let today = LocalDay(req.now, in: req.kefu.settings.timeZone)
        let days = now.range.days.filter { $0 <= today }
        let labelsOfDays = days.map { String(format: "%d/%d", $0.month, $0.day) }
        var charts: [String] = []
        if n.count > 0, !days.isEmpty {
            charts.append(SVGChart.lines(labels: labelsOfDays, series: [
                .init(name: "工单数", color: "#1f6feb", values: days.map { Double(trendByDay[$0.description]?.count ?? 0) }),
                .init(name: "已结单", color: "#389e0d", values: days.map { Double(trendByDay[$0.description]?.closed ?? 0) }),
                .init(name: "时限超时", color: "#d4380d", values: days.map { Double(trendByDay[$0.description]?.slaBreached ?? 0) }, dashed: true),
            ], title: "每日工单趋势"))
            if now.grouping != .day {
                let top = Array(now.rows.prefix(12))
                charts.append(SVGChart.stackedBars(labels: top.map(\.label), series: [
                    .init(name: "已结单", color: "#389e0d", values: top.map { Double($0.totals.closed) }),
                    .init(name: "未结单", color: "#faad14", values: top.map { Double($0.totals.count - $0.totals.closed) }),
                ], title: "按\(now.grouping.label)：已结与未结"))
            }
        }
        let periodTitle = a.period.map { "\($0.label) " } ?? ""
        return Context(
            page: PageContext(req, user: user, title: "工单报表"),
            title: "\(periodTitle)\(now.range.lowerBound) 至 \(now.range.upperBound)",
            periods: ReportPeriod.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == a.period) }
                + [Choice(value: "custom", label: "自定义", selected: a.period == nil)],
            groupings: OrderReportGrouping.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == a.grouping) },
            date: a.date.description, from: now.range.lowerBound.description, to: now.range.upperBound.description, custom: a.period == nil,
            previousLabel: "上期 \(before.range.lowerBound) 至 \(before.range.upperBound)",
            figures: figures,
            headers: [now.grouping.label, "工单数", "已结单", "首问解决", "首问解决率", "时限达标", "时限超时", "达标率", "升级", "重开", "重复", "满意度（样本）"],
            rows: now.rows.map { row($0, key: $0.key, label: $0.label, totals: $0.totals) },
            totalRow: row(nil, key: "total", label: "合计", totals: n),
            charts: charts,
            query: csvQuery(now, filter: filter),
            tenantFilter: form, error: error,
            definitions: ReportDefinitions.orders, snapshots: [])
    }

    /// The order list narrowed to the report's range and filter (the figure's drill-down).
    func drillBase(_ range: ClosedRange<LocalDay>, filter: TenantFilter) -> String {
        "/work-orders?from=\(range.lowerBound)&to=\(range.upperBound)"
            + filter.queryItems.map { "&\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined()
    }

    /// The list filter for one group, or nil where the list cannot narrow to it.
    func drillParameter(_ grouping: OrderReportGrouping, _ key: String) -> String? {
        switch grouping {
        case .type: "&type=\(key)"
        case .channel: "&channel=\(key)"
        case .priority: "&priority=\(key)"
        case .day: "&from=\(key)&to=\(key)"
        case .branch: key == "none" ? nil : "&branch=\(key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key)"
        case .department: key == "none" ? nil : "&department=\(key)"
        }
    }

    func csvQuery(_ r: OrderReports.Result, filter: TenantFilter) -> String {
        "from=\(r.range.lowerBound)&to=\(r.range.upperBound)&groupBy=\(r.grouping.rawValue)"
            + filter.queryItems.map { "&\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined()
    }

    /// The report for Excel: one line per group, then the total.
    func csv(req: Request) async throws -> Response {
        let q = try req.query.decode(ReportAPI.Query.self)
        let (range, grouping) = try ReportAPI.parse(q)
        let tenant = try await req.tenant()
        let filter = try await TenantFilter.resolve(company: q.company, branch: q.branch, tenant: tenant)
        let r = try await OrderReports(tenant: tenant, timeZone: req.kefu.settings.timeZone).report(range, groupBy: grouping, filter: filter)
        return CSVDownload.response(ReportExport.csv(r), filename: "orders-\(range.lowerBound)-\(range.upperBound)-\(grouping.rawValue).csv")
    }
}
