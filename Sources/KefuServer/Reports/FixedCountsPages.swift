import Fluent
import Vapor
import KefuCore

/// /reports/fixed — the fixed-time counts of the last weeks (R10.3): for each day, the calls
/// come in and the orders taken by each chosen time; the admin sets the times.
struct FixedCountsPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.reportsRead).get("reports", "fixed", use: page)
        routes.requiring(.adminSettings).post("reports", "fixed", "times", use: saveTimes)
    }

    struct Row: Encodable { var day: String; var cells: [String] }
    struct Context: Encodable {
        var page: PageContext
        var headers: [String]
        @NilIfEmpty var rows: [Row]
        var times: String
        var mayEdit: Bool
        var error: String?
    }

    func company(_ req: Request) async throws -> (TenantData, UUID) {
        let tenant = try await req.tenant()
        let user = try req.user()
        return (tenant, tenant.homeCompanyID ?? user.companyID)
    }

    func page(req: Request) async throws -> Response { try await render(req, typed: nil, error: nil) }

    func render(_ req: Request, typed: String?, error: KefuError?) async throws -> Response {
        let (tenant, company) = try await company(req)
        let times = try await FixedCounts.times(company: company, on: req.db)
        let today = LocalDay(req.now, in: req.kefu.settings.timeZone)
        let first = today.adding(days: -30)
        let kept = try await tenant.query(FixedTimeCount.self).filter(\.$companyID == company)
            .filter(\.$day >= first.description).sort(\.$day, .descending).all()
        let minutes = Array(Set(times + kept.map(\.minute))).sorted()
        let byDay = Dictionary(grouping: kept, by: \.day)
        let rows = byDay.keys.sorted(by: >).map { day in
            Row(day: day, cells: minutes.map { m in
                byDay[day]?.first { $0.minute == m }.map { "\($0.inboundCalls) / \($0.newOrders)" } ?? "—"
            })
        }
        let ctx = Context(page: PageContext(req, user: try req.user(), title: "定时统计"),
                          headers: ["日期"] + minutes.map(FixedTimeCounts.label), rows: rows,
                          times: typed ?? times.map(FixedTimeCounts.label).joined(separator: ", "),
                          mayEdit: (try req.user()).can(.adminSettings), error: error?.reason)
        let res = try await req.view.render("reports_fixed", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func saveTimes(req: Request) async throws -> Response {
        struct Form: Content { var times: String? }
        let typed = (try req.content.decode(Form.self).times ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let (_, company) = try await company(req)
        switch FixedTimeCounts.parse(typed) {
        case .failure(let p):
            return try await render(req, typed: typed, error: .invalid([.init(field: p.field, message: p.message)]))
        case .success(let times):
            let text = times.map(FixedTimeCounts.label).joined(separator: ",")
            let before = try await CompanySettings.get(FixedCounts.timesKey, company: company, on: req.db)
            try await CompanySettings.set(FixedCounts.timesKey, text, company: company, on: req.db)
            try await req.history(on: req.db).audit(action: "reports.fixed_times_saved", objectType: "company", objectId: company.uuidString,
                                                     before: before, after: text)
            return req.redirect(to: "/reports/fixed", notice: "定时统计时间已保存：\(text)")
        }
    }
}
