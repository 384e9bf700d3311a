import Vapor
import KefuCore

/// /reports/calls — the telephony KPIs of a period (R10.3) beside the period before: the
/// daily trend, the calls of each interval of the day, the heat map of the week, and the
/// tables per queue, interval and agent, each count linked to the calls behind it
/// (/reports/calls/list); CSV for Excel and an A4 print layout like the other reports.
struct CallReportPages {
    let live: LiveService

    func register(_ routes: RoutesBuilder) {
        let r = routes.requiring(.reportsRead)
        r.get("reports", "calls", use: page)
        r.get("reports", "calls.csv", use: csv)
        r.get("reports", "calls", "list", use: list)
    }

    struct Cell: Encodable { var text: String; var href: String? }
    struct Row: Encodable { var key: String; var label: String; var cells: [Cell] }
    struct Table: Encodable { var id: String; var title: String; var headers: [String]; @NilIfEmpty var rows: [Row]; var empty: String }
    struct Context: Encodable {
        var page: PageContext
        var title: String
        var periods: [ReportPages.Choice]
        var intervals: [ReportPages.Choice]
        var date: String
        var from: String
        var to: String
        var previousLabel: String
        var figures: [ReportPages.Figure]
        @NilIfEmpty var charts: [String]
        var tables: [Table]
        var query: String
        var tenantFilter: TenantFilterForm?
        var error: String?
        var definitions: [String]
    }

    static func seconds(_ v: Double?) -> String { v.map { String(format: "%.0f 秒", $0) } ?? "—" }

    func asked(_ req: Request) throws -> (ReportPages.Asked, TelephonyInterval) {
        let a = try ReportPages().asked(req)
        let (_, step) = try CallReportAPI.parse(from: "2000-01-01", to: "2000-01-01", interval: req.query[String.self, at: "interval"])
        return (a, step)
    }

    func page(req: Request) async throws -> Response {
        let user = try req.user()
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        let filter = try await TenantFilter.resolve(company: req.query[String.self, at: "company"], branch: nil, tenant: tenant)
        let form = try await TenantFilterForm.make(tenant, labels: labels, filter: filter)
        let zone = live.configuration.timeZone
        var error: KefuError?
        let a: ReportPages.Asked, step: TelephonyInterval
        do { (a, step) = try asked(req) } catch let e as KefuError {
            error = e
            let today = LocalDay(req.now, in: zone)
            a = ReportPages.Asked(period: .month, range: ReportPeriod.month.range(containing: today), previous: ReportPeriod.month.previous(before: today),
                                  grouping: .type, date: today)
            step = .hour
        }
        let reports = CallReports(tenant: tenant, configuration: live.configuration, now: req.now)
        let now = try await reports.report(a.range, filter: filter)
        let before = try await reports.report(a.previous, filter: filter)
        let base = "from=\(a.range.lowerBound)&to=\(a.range.upperBound)" + filter.queryItems.filter { $0.0 == "company" }.map { "&\($0.0)=\($0.1)" }.joined()
        func link(_ n: Int, _ extra: String) -> Cell { Cell(text: "\(n)", href: n > 0 ? "/reports/calls/list?\(base)\(extra)" : nil) }

        let n = now.total, p = before.total
        func count(_ id: String, _ label: String, _ x: Int, _ y: Int) -> ReportPages.Figure {
            .init(id: id, label: label, value: "\(x)", previous: "\(y)", change: ReportPages.change(Double(x), Double(y), points: false), note: nil)
        }
        func rate(_ id: String, _ label: String, _ x: Double?, _ y: Double?) -> ReportPages.Figure {
            .init(id: id, label: label, value: ReportPages.percent(x), previous: ReportPages.percent(y), change: ReportPages.change(x, y, points: true), note: nil)
        }
        func time(_ id: String, _ label: String, _ x: Double?, _ y: Double?) -> ReportPages.Figure {
            .init(id: id, label: label, value: Self.seconds(x), previous: Self.seconds(y), change: ReportPages.change(x, y, points: false), note: nil)
        }
        let figures = [
            count("calls-offered", "呼入量", n.totals.offered, p.totals.offered),
            count("calls-answered", "接通", n.totals.answered, p.totals.answered),
            count("calls-abandoned", "放弃", n.totals.abandoned, p.totals.abandoned),
            rate("calls-answer-rate", "接通率", n.totals.answerRate, p.totals.answerRate),
            rate("calls-sl1", "服务水平 SL1（\(live.configuration.serviceLevelSeconds) 秒）", n.totals.serviceLevel, p.totals.serviceLevel),
            rate("calls-sl2", "服务水平 SL2（含放弃）", n.totals.serviceLevel2, p.totals.serviceLevel2),
            time("calls-asa", "平均应答速度 ASA", n.averageSpeedOfAnswer, p.averageSpeedOfAnswer),
            time("calls-aht", "平均处理时长 AHT", n.averageHandlingTime, p.averageHandlingTime),
            rate("calls-occupancy", "占用率", now.floorTotal.occupancy, before.floorTotal.occupancy),
        ]
        func kpiCells(_ f: QueueCallFigures, _ extra: String) -> [Cell] {
            [link(f.totals.offered, extra), link(f.totals.answered, extra + "&outcome=answered"), link(f.totals.abandoned, extra + "&outcome=abandoned"),
             link(f.totals.voicemail, extra + "&outcome=voicemail"), Cell(text: ReportPages.percent(f.totals.answerRate)),
             Cell(text: ReportPages.percent(f.totals.serviceLevel)), Cell(text: ReportPages.percent(f.totals.serviceLevel2)),
             Cell(text: Self.seconds(f.averageSpeedOfAnswer)), Cell(text: Self.seconds(f.averageHandlingTime))]
        }
        let kpiHeaders = ["呼入量", "接通", "放弃", "转留言", "接通率", "SL1", "SL2", "ASA", "AHT"]
        let queues = Table(id: "calls-queues", title: "按队列", headers: ["队列"] + kpiHeaders + ["占用率"],
                           rows: now.byQueue.map { q in
                               Row(key: q.queue, label: q.queue,
                                   cells: kpiCells(q.figures, "&queue=\(Self.encode(q.queue))") + [Cell(text: ReportPages.percent(q.figures.occupancy))])
                           },
                           empty: "本期没有来电。")
        let intervals = Table(id: "calls-intervals", title: "按时段（每 \(step.rawValue) 分钟）", headers: ["时段"] + kpiHeaders + ["占用率"],
                              rows: now.byInterval(step).map { i in
                                  Row(key: TelephonyReport.clock(i.minute), label: "\(TelephonyReport.clock(i.minute))–\(TelephonyReport.clock(min(i.minute + step.rawValue, 1440)))",
                                      cells: kpiCells(i.figures, "&minute=\(i.minute)&interval=\(step.rawValue)") + [Cell(text: ReportPages.percent(i.floor.occupancy))])
                              }, empty: "本期没有来电。")
        let names = Dictionary(try await tenant.query(User.self).all().map { ($0.workId, $0.name) }, uniquingKeysWith: { a, _ in a })
        let agents = Table(id: "calls-agents", title: "按坐席", headers: ["坐席", "接通", "结束", "通话", "话后处理", "空闲", "示忙", "AHT", "占用率"],
                           rows: now.byAgent.prefix(500).map { w in
                               let f = w.figures
                               return Row(key: w.workId, label: "\(w.workId) \(names[w.workId] ?? "")",
                                          cells: [link(f.answered, "&agent=\(Self.encode(w.workId))&outcome=answered"), Cell(text: "\(f.completed)"),
                                                  Cell(text: Self.duration(f.talkSeconds)), Cell(text: Self.duration(f.wrapSeconds)),
                                                  Cell(text: Self.duration(f.idleSeconds)), Cell(text: Self.duration(f.notReadySeconds)),
                                                  Cell(text: Self.seconds(f.averageHandlingTime)), Cell(text: ReportPages.percent(f.occupancy))])
                           }, empty: "本期没有坐席记录。")
        let days = Table(id: "calls-days", title: "按日", headers: ["日期"] + kpiHeaders,
                         rows: now.byDay.map { d in
                             Row(key: d.day.description, label: d.day.description,
                                 cells: kpiCells(d.figures, "").map { c in Cell(text: c.text, href: c.href.map { Self.oneDay($0, d.day) }) })
                         }, empty: "")

        var charts: [String] = []
        let trend = now.byDay
        if trend.count > 1 {
            charts.append(SVGChart.lines(labels: trend.map { String($0.day.description.suffix(5)) }, series: [
                .init(name: "呼入量", color: "#1f5fa8", values: trend.map { Double($0.figures.totals.offered) }),
                .init(name: "接通", color: "#2e7d32", values: trend.map { Double($0.figures.totals.answered) }),
                .init(name: "放弃", color: "#c62828", values: trend.map { Double($0.figures.totals.abandoned) }),
            ], title: "每日呼入、接通与放弃"))
        }
        let byInterval = now.byInterval(step).filter { $0.figures.totals.offered > 0 }
        if !byInterval.isEmpty {
            charts.append(SVGChart.stackedBars(labels: byInterval.map { TelephonyReport.clock($0.minute) }, series: [
                .init(name: "接通", color: "#2e7d32", values: byInterval.map { Double($0.figures.totals.answered) }),
                .init(name: "放弃", color: "#c62828", values: byInterval.map { Double($0.figures.totals.abandoned) }),
                .init(name: "转留言", color: "#8d6e00", values: byInterval.map { Double($0.figures.totals.voicemail) }),
            ], title: "各时段来电结果"))
        }
        if n.totals.offered > 0 {
            charts.append(SVGChart.heatMap(rows: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"], columns: (0..<24).map { "\($0)时" },
                                           values: now.heatMap, title: "呼入量热力图（星期 × 小时）"))
        }
        let ctx = Context(
            page: PageContext(req, user: user, title: "话务报表"),
            title: "\(a.period.map { "\($0.label) " } ?? "")\(a.range.lowerBound) 至 \(a.range.upperBound)",
            periods: ReportPeriod.allCases.map { ReportPages.Choice(value: $0.rawValue, label: $0.label, selected: $0 == a.period) }
                + [ReportPages.Choice(value: "custom", label: "自定义", selected: a.period == nil)],
            intervals: TelephonyInterval.allCases.map { ReportPages.Choice(value: "\($0.rawValue)", label: "\($0.rawValue) 分钟", selected: $0 == step) },
            date: a.date.description, from: a.range.lowerBound.description, to: a.range.upperBound.description,
            previousLabel: "上期 \(a.previous.lowerBound) 至 \(a.previous.upperBound)", figures: figures, charts: charts,
            tables: [queues, intervals, agents, days], query: "\(base)&interval=\(step.rawValue)", tenantFilter: form, error: error?.reason,
            definitions: TelephonyReport.definitions)
        let res = try await req.view.render("reports_calls", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    static func encode(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
    static func duration(_ seconds: Int) -> String {
        seconds >= 3600 ? String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60) : String(format: "%d:%02d", seconds / 60, seconds % 60)
    }
    /// A period link narrowed to one day.
    static func oneDay(_ href: String, _ day: LocalDay) -> String {
        guard var c = URLComponents(string: href) else { return href }
        c.queryItems = (c.queryItems ?? []).map { ["from", "to"].contains($0.name) ? URLQueryItem(name: $0.name, value: day.description) : $0 }
        return c.string ?? href
    }

    // MARK: - The calls behind a figure

    struct CallRow: Encodable {
        var callId: String; var queue: String; var caller: String; var enqueued: String; var decided: String; var outcome: String
        var wait: String; var agent: String; var talk: String; var withinThreshold: Bool
    }
    struct DayLink: Encodable { var day: String; var count: Int; var href: String }
    struct ListContext: Encodable {
        var page: PageContext
        var title: String
        var filters: [String]
        @NilIfEmpty var calls: [CallRow]
        @NilIfEmpty var days: [DayLink]
        var truncated: Bool
        var nothing: Bool
        var back: String
        var error: String?
    }

    static let listLimit = 2_000

    func list(req: Request) async throws -> Response {
        let user = try req.user()
        let tenant = try await req.tenant()
        try req.refuseEmptyQuery("from", "to", "queue", "outcome", "agent", "minute", "interval", "company")
        let zone = live.configuration.timeZone
        var error: KefuError?
        var range = LocalDay(req.now, in: zone)...LocalDay(req.now, in: zone)
        var step = TelephonyInterval.quarter
        let queue = req.query[String.self, at: "queue"], agent = req.query[String.self, at: "agent"]
        let outcomeText = req.query[String.self, at: "outcome"], minuteText = req.query[String.self, at: "minute"]
        var outcome: QueuedCallRecord.Outcome?
        var minute: Int?
        do {
            (range, step) = try CallReportAPI.parse(from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"],
                                                     interval: req.query[String.self, at: "interval"] ?? "15")
            if let outcomeText {
                guard let o = QueuedCallRecord.Outcome(rawValue: outcomeText) else { throw KefuError.invalid([.init(field: "outcome", message: "未知的来电结果")]) }
                outcome = o
            }
            if let minuteText {
                guard let m = Int(minuteText), (0..<1440).contains(m) else { throw KefuError.invalid([.init(field: "minute", message: "时段须为 0–1439 分钟")]) }
                minute = m
            }
        } catch let e as KefuError { error = e }
        let filter = try await TenantFilter.resolve(company: req.query[String.self, at: "company"], branch: nil, tenant: tenant)
        var filters = ["\(range.lowerBound) 至 \(range.upperBound)"]
        if let queue { filters.append("队列 \(queue)") }
        if let outcome { filters.append(outcome.label) }
        if let agent { filters.append("坐席 \(agent)") }
        if let minute { filters.append("时段 \(TelephonyReport.clock(minute))–\(TelephonyReport.clock(min(minute + step.rawValue, 1440)))") }
        var calls: [CallRow] = [], days: [DayLink] = [], truncated = false
        let reports = CallReports(tenant: tenant, configuration: live.configuration, now: req.now)
        if error == nil, range.days.count > CallReports.maxListDays {
            days = try await reports.dayCounts(range, filter: filter, queue: queue, agent: agent, outcome: outcome,
                                               minutes: minute.map { $0..<($0 + step.rawValue) })
                .map { d in DayLink(day: d.day.description, count: d.count, href: Self.oneDay(req.url.string, d.day)) }
        } else if error == nil {
            let records = try await reports.calls(range, filter: filter)
            func time(_ d: Date) -> String { "\(LocalDay(d, in: zone).description.suffix(5)) \(WallboardPages.clock(d, zone))" }
            for r in records {
                if let queue, r.queue != queue { continue }
                if let outcome, r.outcome != outcome { continue }
                if let agent, r.agentWorkId != agent { continue }
                if let minute, step.bucket(TelephonySlot(r.decidedAt, in: zone).minute) != minute { continue }
                if calls.count >= Self.listLimit { truncated = true; break }
                calls.append(CallRow(callId: r.callId, queue: r.queue, caller: r.caller.map(Masking.phone) ?? "—",
                                     enqueued: r.enqueuedAt.map(time) ?? "—", decided: time(r.decidedAt),
                                     outcome: r.outcome.label, wait: r.waitSeconds.map { "\($0) 秒" } ?? "—",
                                     agent: r.agentWorkId ?? "—", talk: r.talkSeconds.map(Self.duration) ?? "—", withinThreshold: r.withinThreshold))
            }
        }
        let back = "/reports/calls?period=custom&from=\(range.lowerBound)&to=\(range.upperBound)"
        let ctx = ListContext(page: PageContext(req, user: user, title: "话务明细"), title: filters.joined(separator: " · "), filters: filters,
                              calls: calls, days: days, truncated: truncated, nothing: error == nil && calls.isEmpty && days.isEmpty, back: back, error: error?.reason)
        let res = try await req.view.render("reports_calls_list", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    // MARK: - CSV

    func csv(req: Request) async throws -> Response {
        let tenant = try await req.tenant()
        let filter = try await TenantFilter.resolve(company: req.query[String.self, at: "company"], branch: nil, tenant: tenant)
        let (range, step) = try CallReportAPI.parse(from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"],
                                                     interval: req.query[String.self, at: "interval"])
        let r = try await CallReports(tenant: tenant, configuration: live.configuration, now: req.now).report(range, filter: filter)
        let t = CallReportExport.table(r, interval: step)
        return CSVDownload.response(CSVDownload.document(headers: t.headers, rows: t.rows), filename: "calls-\(range.lowerBound)-\(range.upperBound).csv")
    }
}
