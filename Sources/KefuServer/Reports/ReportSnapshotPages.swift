import Vapor
import KefuCore

/// The published weekly and monthly reports: listed on the reports page, each shown as it
/// was made, by any grouping it kept.
struct ReportSnapshotPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.reportsRead).get("reports", "snapshots", ":id", use: show)
    }

    struct Item: Encodable { var id: String; var label: String; var generated: String }

    /// The latest snapshots of the companies in scope, newest period first.
    static func list(_ tenant: TenantData, timeZone: TimeZone) async throws -> [Item] {
        let labels = try await tenant.labels()
        return try await tenant.query(ReportSnapshot.self).sort(\.$fromDay, .descending).sort(\.$kind).limit(24).all().map { s in
            Item(id: s.id?.uuidString ?? "", label: (labels.mixed ? labels.companyName(s.companyID) + " " : "") + "\(s.kind.label) \(s.fromDay) 至 \(s.toDay)",
                 generated: PageFormat.dateTime(s.generatedAt, timeZone))
        }
    }

    struct Context: Encodable {
        var page: PageContext
        var title: String
        var generated: String
        var id: String
        var groupings: [ReportPages.Choice]
        var headers: [String]
        @NilIfEmpty var rows: [[String]]
        var total: [String]
        var satisfaction: String
    }

    func show(req: Request) async throws -> View {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("报表") }
        let tenant = try await req.tenant()
        guard let s = try await tenant.find(ReportSnapshot.self, id) else { throw KefuError.notFound("报表") }
        let body = try ReportSnapshots.body(s)
        let raw = req.query[String.self, at: "groupBy"] ?? OrderReportGrouping.type.rawValue
        guard let grouping = OrderReportGrouping(rawValue: raw), let report = body.groupings[raw] else {
            throw KefuError.invalid([.init(field: "groupBy", message: "该报表没有按此分组的数据")])
        }
        func cells(_ g: ReportAPI.GroupDTO) -> [String] {
            ["\(g.count)", "\(g.closed)", "\(g.firstContactResolved)", "\(g.slaMet)", "\(g.slaBreached)", "\(g.escalated)", "\(g.reopened)", "\(g.duplicates)"]
        }
        let sums = report.groups.reduce(into: [0, 0, 0, 0, 0, 0, 0, 0]) { acc, g in
            for (i, v) in [g.count, g.closed, g.firstContactResolved, g.slaMet, g.slaBreached, g.escalated, g.reopened, g.duplicates].enumerated() { acc[i] += v }
        }
        return try await req.view.render("reports_snapshot", Context(
            page: PageContext(req, user: try req.user(), title: "已发布报表"),
            title: "\(s.kind.label) \(s.fromDay) 至 \(s.toDay)", generated: PageFormat.dateTime(s.generatedAt, req.kefu.settings.timeZone),
            id: id.uuidString,
            groupings: OrderReportGrouping.allCases.filter { body.groupings[$0.rawValue] != nil }
                .map { ReportPages.Choice(value: $0.rawValue, label: $0.label, selected: $0 == grouping) },
            headers: [grouping.label, "工单数", "已结单", "首问解决", "时限达标", "时限超时", "升级", "重开", "重复"],
            rows: report.groups.map { [$0.label] + cells($0) }, total: ["合计"] + sums.map(String.init),
            satisfaction: report.satisfaction.average.map { String(format: "%.2f（样本 %d 个）", $0, report.satisfaction.sampled) } ?? "无样本"))
    }
}
