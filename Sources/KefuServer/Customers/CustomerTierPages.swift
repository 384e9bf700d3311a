import Vapor
import Fluent
import KefuCore

/// /customers/tiers (R5.2), for admins: the tiering policy (basis, months, thresholds, the
/// names of the four tiers), the monthly figures as a CSV upload, a run now, and the log of
/// tier changes with their reasons. Same service as the API.
struct CustomerTierPages {
    static let path = "/customers/tiers"

    func register(_ routes: RoutesBuilder) {
        let tiers = routes.grouped("customers", "tiers").requiring(.customerTiering)
        tiers.get(use: page)
        tiers.post("policy", use: savePolicy)
        tiers.on(.POST, "values", body: .collect(maxSize: "20mb"), use: importValues)
        tiers.post("retier", use: retier)
    }

    struct Option: Encodable { var value: String; var label: String; var selected: Bool }
    /// One tier's row of the form: its name, and its threshold (none for the bottom tier).
    struct NameField: Encodable {
        var field: String; var rank: Int; var standard: String; var value: String
        var minimumField: String?; var minimum: String?
    }
    struct Context: Encodable {
        var page: PageContext
        var companyCode: String
        var companyName: String
        /// The company select, for admins of several companies.
        var picker: WorkforceCompanyPicker
        var bases: [Option]
        var months: String
        var names: [NameField]
        var schemes: [Option]
        var lastRun: String?
        var window: String
        /// The last month the run sums: the month a sheet for "last month" carries.
        var windowLast: String
        var error: String?
        var importResult: CustomerTiering.ImportResult?
        @NilIfEmpty var changes: [ChangeRow]
        var total: Int
        var prevHref: String?
        var nextHref: String?
    }
    struct ChangeRow: Encodable {
        var at: String; var customerId: String; var customerName: String; var from: String; var to: String; var reason: String; var workId: String
    }

    struct Form: Content {
        var company: String?
        var basis: String?; var months: String?
        var minimum0: String?; var minimum1: String?; var minimum2: String?
        var name0: String?; var name1: String?; var name2: String?; var name3: String?
        var scheme: String?
    }

    func tiering(_ req: Request, code: String?) async throws -> CustomerTiering {
        let trimmed = code?.trimmingCharacters(in: .whitespaces)
        let company = try await req.workforceCompany(.write, code: trimmed?.isEmpty == false ? trimmed : nil)
        return CustomerTiering(company: company, now: req.now, timeZone: req.kefu.settings.timeZone)
    }

    func page(req: Request) async throws -> Response {
        let company = req.query[String.self, at: "company"]
        return try await render(req, tiering(req, code: company), form: nil, error: nil, importResult: nil)
    }

    func render(_ req: Request, _ t: CustomerTiering, form: Form?, error: KefuError?, importResult: CustomerTiering.ImportResult?) async throws -> Response {
        // A stored policy that no longer reads is said, and the form starts from the default.
        var error = error
        let policy: TierPolicy
        do { policy = try await t.policy() } catch let e as KefuError { policy = .seedDefault; error = error ?? e }
        let tenant = try await req.tenant()
        let offset = max(0, min(req.query[Int.self, at: "offset"] ?? 0, PageWindow.maxOffset))
        let (rows, total) = try await t.changes(limit: 50, offset: offset, policy: policy)
        let tz = req.kefu.settings.timeZone
        let window = policy.window(beforeMonth: t.thisMonth.text)
        func href(_ o: Int) -> String { "\(Self.path)?\(t.company.query)&offset=\(o)" }
        let ctx = Context(
            page: PageContext(req, user: try req.user(), title: "客户分级"),
            companyCode: t.company.code, companyName: t.company.name,
            picker: try await WorkforceCompanyPicker.make(t.company, tenant: tenant),
            bases: TierPolicy.Basis.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: (form?.basis ?? policy.basis.rawValue) == $0.rawValue) },
            months: form?.months ?? String(policy.months),
            names: CustomerTier.allCases.map { tier in
                let r = tier.rank
                let given = form.map { [$0.name0, $0.name1, $0.name2, $0.name3][r] ?? "" }
                let minimum: String? = r < 3 ? (form.map { [$0.minimum0, $0.minimum1, $0.minimum2][r] ?? "" }
                                                ?? String(format: "%.2f", Double(policy.minimumsFen[r]) / 100)) : nil
                return NameField(field: "name\(r)", rank: r + 1, standard: tier.rawValue, value: given ?? policy.label(tier),
                                 minimumField: r < 3 ? "minimum\(r)" : nil, minimum: minimum)
            },
            schemes: [Option(value: "", label: "按下面填写的名称", selected: true)]
                + TierPolicy.Scheme.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            lastRun: try await t.lastRun(),
            window: window.isEmpty ? "" : "\(window.first ?? "") 至 \(window.last ?? "")", windowLast: window.last ?? "",
            error: error?.reason, importResult: importResult,
            changes: rows.map { r in
                ChangeRow(at: PageFormat.dateTime(r.at, tz), customerId: r.customerId.uuidString, customerName: r.customerName,
                          from: r.fromLabel, to: r.toLabel, reason: r.reason, workId: r.workId == "system" ? "每月自动" : r.workId)
            },
            total: total,
            prevHref: offset > 0 ? href(max(0, offset - 50)) : nil,
            nextHref: offset + rows.count < total ? href(offset + 50) : nil)
        let res = try await req.view.render("customer_tiers", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func savePolicy(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let t = try await tiering(req, code: form.company)
        do {
            // Every field comes from the form; an unreadable stored policy is replaced.
            var p = (try? await t.policy()) ?? .seedDefault
            var problems: [FieldProblemDTO] = []
            if let b = form.basis.flatMap(TierPolicy.Basis.init(rawValue:)) { p.basis = b } else { problems.append(.init(field: "basis", message: "请选择统计口径")) }
            if let m = form.months.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) { p.months = m } else { problems.append(.init(field: "months", message: "统计月数须为整数")) }
            for (i, raw) in [form.minimum0, form.minimum1, form.minimum2].enumerated() {
                if let fen = raw.flatMap(Money.fen) { p.minimumsFen[i] = fen } else { problems.append(.init(field: "minimum\(i)", message: "门槛须为金额（元，最多两位小数）")) }
            }
            if let s = form.scheme, !s.isEmpty {
                guard let scheme = TierPolicy.Scheme(rawValue: s) else { throw KefuError.invalid([.init(field: "scheme", message: "未知的命名方案")]) }
                p.names = scheme.names
            } else {
                p.names = [form.name0, form.name1, form.name2, form.name3].map { ($0 ?? "").trimmingCharacters(in: .whitespaces) }
            }
            guard problems.isEmpty else { throw KefuError.invalid(problems) }
            try await t.save(p, by: try req.user().workId)
            return req.redirect(to: "\(Self.path)?\(t.company.query)", notice: "分级规则已保存，下次重新分级时生效")
        } catch let e as KefuError {
            return try await render(req, t, form: form, error: e, importResult: nil)
        }
    }

    func importValues(req: Request) async throws -> Response {
        struct Upload: Content { var company: String?; var period: String?; var file: File? }
        let form = try req.content.decode(Upload.self)
        let t = try await tiering(req, code: form.company)
        do {
            guard let file = form.file, file.data.readableBytes > 0 else {
                throw KefuError.invalid([.init(field: "file", message: "请选择 CSV 文件")])
            }
            guard let text = file.data.getString(at: file.data.readerIndex, length: file.data.readableBytes, encoding: .utf8) else {
                throw KefuError.invalid([.init(field: "file", message: "CSV 须为 UTF-8 编码（另存为“CSV UTF-8”）")])
            }
            var period: CustomerPeriod?
            if let raw = form.period?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                guard let p = CustomerPeriod(raw) else { throw KefuError.invalid([.init(field: "period", message: "账期应为 2026-11 这样的年月")]) }
                period = p
            }
            let result = try await t.importSheet(text, period: period, by: try req.user().workId)
            return try await render(req, t, form: nil, error: nil, importResult: result)
        } catch let e as KefuError {
            return try await render(req, t, form: nil, error: e, importResult: nil)
        }
    }

    func retier(req: Request) async throws -> Response {
        struct Form: Content { var company: String? }
        let t = try await tiering(req, code: try req.content.decode(Form.self).company)
        let r = try await t.retier(month: t.thisMonth, actor: try req.user().workId)
        return req.redirect(to: "\(Self.path)?\(t.company.query)",
                            notice: "已重新分级（\(r.window.first ?? "")至\(r.window.last ?? "")）：\(r.examined) 位客户有数据，\(r.changed) 位调整了等级")
    }
}
