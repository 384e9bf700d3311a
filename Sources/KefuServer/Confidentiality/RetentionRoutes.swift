import Vapor
import Fluent
import KefuCore

/// Retention of the customer archive (R5.5) for admins: the period, a run now, and the
/// reports of every run (daily by the sweeper, or by hand) — `/admin/retention` and
/// `/api/v1/retention`, per company (`?company=CODE` when the admin sees several).
struct RetentionRoutes {
    static let path = "/admin/retention"

    func register(api: RoutesBuilder, pages: RoutesBuilder) {
        let a = api.grouped("retention").requiring(.adminSettings)
        a.get(use: show)
        a.put(use: save)
        a.post("run", use: runNow)
        let p = pages.grouped("admin", "retention").requiring(.adminSettings)
        p.get(use: page)
        p.post(use: savePage)
        p.post("run", use: runPage)
    }

    struct StateDTO: Content { var companyCode: String; var months: Int; var lastRun: String?; var reports: [CustomerRetention.Report] }
    struct Input: Content { var months: Int? }

    func retention(_ req: Request, _ intent: WorkforceCompany.Intent, code: String? = nil) async throws -> CustomerRetention {
        try req.refuseEmptyQuery("company")
        let trimmed = code?.trimmingCharacters(in: .whitespaces)
        return CustomerRetention(company: try await req.workforceCompany(intent, code: trimmed?.isEmpty == false ? trimmed : nil),
                                 now: req.now, timeZone: req.kefu.settings.timeZone)
    }

    func state(_ r: CustomerRetention) async throws -> StateDTO {
        StateDTO(companyCode: r.company.code, months: try await r.rule().months,
                 lastRun: try await CompanySettings.get(CustomerRetention.lastRunKey, company: r.company.id, on: r.company.db),
                 reports: try await r.reports(limit: 20))
    }

    func show(req: Request) async throws -> StateDTO { try await state(try await retention(req, .read)) }

    func save(req: Request) async throws -> StateDTO {
        let r = try await retention(req, .write)
        guard let months = try req.content.decode(Input.self).months else {
            throw KefuError.invalid([.init(field: "months", message: "请填写保存期限（月）")])
        }
        try await r.save(RetentionRule(months: months), by: try req.user().workId)
        return try await state(r)
    }

    func runNow(req: Request) async throws -> CustomerRetention.Report {
        try await retention(req, .write).run(by: try req.user().workId)
    }

    // MARK: the page

    struct Row: Encodable { var at: String; var months: Int; var cutoff: String; var destroyed: Int; var runBy: String }
    struct Context: Encodable {
        var page: PageContext
        var companyCode: String
        var companyName: String
        var picker: WorkforceCompanyPicker
        var months: String
        var lastRun: String?
        @NilIfEmpty var rows: [Row]
        var error: String?
    }

    func page(req: Request) async throws -> Response {
        try await render(req, try await retention(req, .write, code: req.query[String.self, at: "company"]), months: nil, error: nil)
    }

    func render(_ req: Request, _ r: CustomerRetention, months: String?, error: KefuError?) async throws -> Response {
        let tz = req.kefu.settings.timeZone
        var error = error
        var current = RetentionRule.seedDefault
        do { current = try await r.rule() } catch let e as KefuError { error = error ?? e }
        let ctx = Context(
            page: PageContext(req, user: try req.user(), title: "档案保存期限"),
            companyCode: r.company.code, companyName: r.company.name,
            picker: try await WorkforceCompanyPicker.make(r.company, tenant: try await req.tenant()),
            months: months ?? String(current.months),
            lastRun: try await CompanySettings.get(CustomerRetention.lastRunKey, company: r.company.id, on: r.company.db),
            rows: try await r.reports(limit: 50).map {
                Row(at: PageFormat.dateTime($0.at, tz), months: $0.months, cutoff: PageFormat.dateTime($0.cutoff, tz), destroyed: $0.destroyed,
                    runBy: $0.runBy == "system" ? "每日自动" : $0.runBy)
            },
            error: error?.reason)
        let res = try await req.view.render("retention", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func savePage(req: Request) async throws -> Response {
        struct Form: Content { var company: String?; var months: String? }
        let f = try req.content.decode(Form.self)
        let r = try await retention(req, .write, code: f.company)
        do {
            guard let months = f.months.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
                throw KefuError.invalid([.init(field: "months", message: "保存期限须为整数（月）")])
            }
            try await r.save(RetentionRule(months: months), by: try req.user().workId)
            return req.redirect(to: "\(Self.path)?\(r.company.query)", notice: "保存期限已更新")
        } catch let e as KefuError {
            return try await render(req, r, months: f.months, error: e)
        }
    }

    func runPage(req: Request) async throws -> Response {
        struct Form: Content { var company: String? }
        let r = try await retention(req, .write, code: try req.content.decode(Form.self).company)
        let report = try await r.run(by: try req.user().workId)
        return req.redirect(to: "\(Self.path)?\(r.company.query)", notice: "已执行：销毁 \(report.destroyed) 份过期客户档案的个人信息")
    }
}
