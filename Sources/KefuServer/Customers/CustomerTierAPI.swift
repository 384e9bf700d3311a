import Vapor
import Fluent
import KefuCore

/// /api/v1/customer-tiers (R5.2), admins only: the company's tiering policy, the monthly
/// revenue/profit sheet (`text/csv`), a run now, and the log of tier changes. Each works in
/// one company: `?company=CODE` when the caller may see several.
struct CustomerTierAPI {
    func register(_ api: RoutesBuilder) {
        let tiers = api.grouped("customer-tiers").requiring(.customerTiering)
        tiers.get(use: show)
        tiers.put(use: save)
        tiers.on(.POST, "values", body: .collect(maxSize: "20mb"), use: importValues)
        tiers.post("retier", use: retier)
        tiers.get("changes", use: changes)
    }

    /// Amounts in fen (integers), so no figure is rounded on its way in or out.
    struct PolicyDTO: Content {
        var companyCode: String
        var basis: String
        var months: Int
        var minimumsFen: [String: Int]
        var names: [String: String]
        var lastRun: String?

        init(_ p: TierPolicy, company: WorkforceCompany, lastRun: String?) {
            companyCode = company.code; basis = p.basis.rawValue; months = p.months
            minimumsFen = Dictionary(uniqueKeysWithValues: zip(["vip", "major", "normal"], p.minimumsFen))
            names = Dictionary(uniqueKeysWithValues: CustomerTier.allCases.map { ($0.rawValue, p.label($0)) })
            self.lastRun = lastRun
        }
    }

    /// Any field left out keeps its saved value.
    struct PolicyInput: Content {
        var basis: String?
        var months: Int?
        var minimumsFen: [String: Int]?
        var names: [String: String]?
        /// `standard` or `metals`: the seed's names, unless `names` gives others.
        var scheme: String?
    }

    static func merge(_ input: PolicyInput, into current: TierPolicy) throws -> TierPolicy {
        var p = current
        var problems: [FieldProblemDTO] = []
        if let b = input.basis {
            if let basis = TierPolicy.Basis(rawValue: b) { p.basis = basis } else { problems.append(.init(field: "basis", message: "统计口径须为 revenue（收入）或 profit（利润）")) }
        }
        if let m = input.months { p.months = m }
        if let s = input.scheme {
            if let scheme = TierPolicy.Scheme(rawValue: s) { p.names = scheme.names } else { problems.append(.init(field: "scheme", message: "命名方案须为 standard 或 metals")) }
        }
        let keys = ["vip", "major", "normal"]
        if let given = input.minimumsFen {
            for key in given.keys where !keys.contains(key) { problems.append(.init(field: "minimumsFen", message: "未知的等级：\(key)（可用 vip、major、normal）")) }
            for (i, key) in keys.enumerated() { if let v = given[key] { p.minimumsFen[i] = v } }
        }
        if let given = input.names {
            for key in given.keys where CustomerTier(rawValue: key) == nil { problems.append(.init(field: "names", message: "未知的等级：\(key)")) }
            for tier in CustomerTier.allCases { if let n = given[tier.rawValue] { p.names[tier.rank] = n } }
        }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        return p
    }

    func tiering(_ req: Request, _ intent: WorkforceCompany.Intent) async throws -> CustomerTiering {
        try req.refuseEmptyQuery("company")
        return CustomerTiering(company: try await req.workforceCompany(intent), now: req.now, timeZone: req.kefu.settings.timeZone)
    }

    func show(req: Request) async throws -> PolicyDTO {
        let t = try await tiering(req, .read)
        return PolicyDTO(try await t.policy(), company: t.company, lastRun: try await t.lastRun())
    }

    func save(req: Request) async throws -> PolicyDTO {
        let t = try await tiering(req, .write)
        let policy = try Self.merge(try req.content.decode(PolicyInput.self), into: try await t.policy())
        try await t.save(policy, by: try req.user().workId)
        return PolicyDTO(policy, company: t.company, lastRun: try await t.lastRun())
    }

    /// The sheet as the request body (`text/csv`, UTF-8); `?period=2026-11` when it has no 账期 column.
    func importValues(req: Request) async throws -> CustomerTiering.ImportResult {
        try req.refuseEmptyQuery("period")
        let t = try await tiering(req, .write)
        var period: CustomerPeriod?
        if let raw = req.query[String.self, at: "period"] {
            period = CustomerPeriod(raw)
            if period == nil { throw KefuError.invalid([.init(field: "period", message: "账期应为 2026-11 这样的年月")]) }
        }
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw KefuError.invalid([.init(field: "body", message: "请求体应为 CSV 文本（表头：电话,账期,收入,利润）")])
        }
        guard let text = body.getString(at: body.readerIndex, length: body.readableBytes, encoding: .utf8) else {
            throw KefuError.invalid([.init(field: "body", message: "CSV 须为 UTF-8 编码")])
        }
        return try await t.importSheet(text, period: period, by: try req.user().workId)
    }

    func retier(req: Request) async throws -> CustomerTiering.RunResult {
        let t = try await tiering(req, .write)
        return try await t.retier(month: t.thisMonth, actor: try req.user().workId)
    }

    struct ChangesDTO: Content {
        var items: [CustomerTiering.ChangeRow]
        var total: Int
        var limit: Int
        var offset: Int
    }

    func changes(req: Request) async throws -> ChangesDTO {
        try req.refuseEmptyQuery("customerId")
        struct Query: Content { var customerId: String?; var limit: Int?; var offset: Int? }
        let q = try req.query.decode(Query.self)
        var customer: UUID?
        if let c = q.customerId {
            guard let id = UUID(uuidString: c) else { throw KefuError.invalid([.init(field: "customerId", message: "客户编号格式不正确。")]) }
            customer = id
        }
        let window = try PageWindow(limit: q.limit, offset: q.offset)
        let t = try await tiering(req, .read)
        let (rows, total) = try await t.changes(customer: customer, limit: window.limit, offset: window.offset, policy: try await t.policy())
        return ChangesDTO(items: rows, total: total, limit: window.limit, offset: window.offset)
    }
}
