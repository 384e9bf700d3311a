import Vapor
import Fluent
import KefuCore

/// 系统管理 → 时限策略: one company's SLA policies, its branches' own tighter targets
/// (R11.1, 004 第三条: a branch may be stricter, never looser), and the list of every branch
/// target in scope for the center (the seed: branch rules are reported to the center).
struct SLAAdmin {
    struct Row: Encodable {
        var key: String; var typeLabel: String; var priorityLabel: String
        var firstMinutes: Int; var resolutionHours: Double; var calendar: String
    }
    struct TargetRow: Encodable {
        var key: String; var typeLabel: String; var priorityLabel: String
        var firstMinutes: Int; var resolutionHours: Double
        /// The company's values the target tightens.
        var companyFirstMinutes: Int; var companyResolutionHours: Double
    }
    struct BranchSection: Encodable { var code: String; var name: String; @NilIfEmpty var targets: [TargetRow] }
    struct RuleLine: Encodable {
        var company: String; var branch: String; var typeLabel: String; var priorityLabel: String
        var firstMinutes: Int; var resolutionHours: Double; var updatedBy: String; var updatedAt: String
    }
    struct Section: Encodable {
        /// Shown when the admin sees several companies: whose policies the table shows.
        var companies: [Choice]?
        var company: String
        var companyName: String
        var rows: [Row]
        var branches: [BranchSection]
        /// 分公司自定规则: every branch target in scope, newest first.
        @NilIfEmpty var branchRules: [RuleLine]
        var keys: [Choice]
    }

    func register(_ settings: RoutesBuilder) {
        settings.post("admin", "sla", "branch", use: saveBranch)
        settings.post("admin", "sla", "branch", "delete", use: deleteBranch)
    }

    /// The company a form or `?slaCompany=` names, else the one in the switcher, else the
    /// admin's own; a code outside the scope is a 404.
    static func company(_ code: String?, tenant: TenantData) async throws -> Company {
        if let code = code?.trimmingCharacters(in: .whitespaces), !code.isEmpty { return try await tenant.company(code: code) }
        if let only = tenant.scope.single { return try await tenant.company(only) }
        if let home = tenant.homeCompanyID, tenant.scope.includes(home) { return try await tenant.company(home) }
        guard let first = try await tenant.companies().first else { throw KefuError.notFound("公司") }
        return first
    }

    static func key(_ t: WorkOrderType, _ p: Priority) -> String { "\(t.rawValue).\(p.rawValue)" }

    static func parse(_ key: String?) throws -> (WorkOrderType, Priority) {
        guard let key, let dot = key.firstIndex(of: "."),
              let t = WorkOrderType(rawValue: String(key[..<dot])), let p = Priority(rawValue: String(key[key.index(after: dot)...])) else {
            throw KefuError.badRequest("未知的策略")
        }
        return (t, p)
    }

    static func section(_ req: Request, tenant: TenantData, chosen: String?) async throws -> Section {
        let company = try await company(chosen, tenant: tenant)
        let companyID = try company.requireID()
        let sla = SLAService(db: req.db, timeZone: req.kefu.settings.timeZone)
        var rows: [Row] = []
        var policies: [String: SLAPolicy] = [:]
        var keys: [Choice] = []
        for t in WorkOrderType.allCases { for p in Priority.allCases {
            let pol = try await sla.companyPolicy(type: t, priority: p, company: companyID)
            let key = Self.key(t, p)
            policies[key] = pol
            keys.append(Choice(value: key, label: "\(t.label) · \(p.label)"))
            rows.append(Row(key: key, typeLabel: t.label, priorityLabel: p.label, firstMinutes: pol.firstResponseSeconds / 60,
                            resolutionHours: Double(pol.resolutionSeconds) / 3600, calendar: pol.calendar.rawValue))
        } }
        let branches = try await tenant.branches(of: companyID)
        let branchIDs = branches.compactMap(\.id)
        let targets = branchIDs.isEmpty ? [] : try await BranchSLATarget.query(on: req.db).filter(\.$branch.$id ~~ branchIDs).all()
        let sections = branches.map { b in
            BranchSection(code: b.code, name: b.name, targets: targets.filter { $0.$branch.id == b.id }.compactMap { t in
                guard let type = WorkOrderType(rawValue: t.type), let prio = Priority(rawValue: t.priority),
                      let pol = policies[Self.key(type, prio)] else { return nil }
                return TargetRow(key: Self.key(type, prio), typeLabel: type.label, priorityLabel: prio.label,
                                 firstMinutes: t.firstResponseSeconds / 60, resolutionHours: Double(t.resolutionSeconds) / 3600,
                                 companyFirstMinutes: pol.firstResponseSeconds / 60, companyResolutionHours: Double(pol.resolutionSeconds) / 3600)
            }.sorted { $0.key < $1.key })
        }
        // The center's list spans every company in scope, not just the one in the table.
        let everyBranch = try await tenant.branches()
        let everyID = everyBranch.compactMap(\.id)
        let labels = try await tenant.labels()
        let tz = req.kefu.settings.timeZone
        let all = everyID.isEmpty ? [] : try await BranchSLATarget.query(on: req.db).filter(\.$branch.$id ~~ everyID)
            .sort(\.$updatedAt, .descending).limit(200).all()
        let byID = Dictionary(uniqueKeysWithValues: everyBranch.compactMap { b in b.id.map { ($0, b) } })
        let lines = all.map { t in
            RuleLine(company: labels.companyName(byID[t.$branch.id]?.$company.id), branch: labels.branchName(t.$branch.id),
                     typeLabel: WorkOrderType(rawValue: t.type)?.label ?? t.type, priorityLabel: Priority(rawValue: t.priority)?.label ?? t.priority,
                     firstMinutes: t.firstResponseSeconds / 60, resolutionHours: Double(t.resolutionSeconds) / 3600,
                     updatedBy: t.updatedBy, updatedAt: PageFormat.dateTime(t.updatedAt, tz))
        }
        let companies = try await tenant.companies()
        return Section(companies: companies.count > 1 ? companies.map { Choice(value: $0.code, label: "\($0.name)（\($0.code)）") } : nil,
                       company: company.code, companyName: company.name, rows: rows, branches: sections, branchRules: lines, keys: keys)
    }

    /// The company's own policy row (the form carries the company's code).
    static func saveCompany(_ req: Request, _ f: [String: String]) async throws {
        let (t, p) = try parse(f["key"])
        guard let first = Int(f["firstMinutes"] ?? ""), first > 0, first <= 30 * 24 * 60,
              let hours = Double(f["resolutionHours"] ?? ""), hours > 0, hours <= 24 * 365,
              let cal = ServiceCalendar.Kind(rawValue: f["calendar"] ?? "") else {
            throw KefuError.invalid([.init(field: "sla", message: "首次响应须为正整数分钟，解决时限须为正数小时，日历须为 24h 或 working_days")])
        }
        let tenant = try await req.tenant()
        let company = try await company(f["company"], tenant: tenant)
        let companyID = try company.requireID()
        // A row exists only once an admin saved it; before that the shipped default applies,
        // and a new record's fields must not be read (Fluent traps on unset fields).
        let stored = try await tenant.query(SLAPolicyRecord.self).filter(\.$companyID == companyID)
            .filter(\.$type == t.rawValue).filter(\.$priority == p.rawValue).first()
        let before: String
        if let stored {
            before = "\(stored.firstResponseSeconds)/\(stored.resolutionSeconds)/\(stored.calendar)"
        } else {
            let pol = SLAPolicy.defaultPolicy(type: t, priority: p)
            before = "\(pol.firstResponseSeconds)/\(pol.resolutionSeconds)/\(pol.calendar.rawValue) (默认)"
        }
        let row = stored ?? {
            let r = SLAPolicyRecord(); r.companyID = companyID; r.type = t.rawValue; r.priority = p.rawValue; return r
        }()
        row.firstResponseSeconds = first * 60; row.resolutionSeconds = Int(hours * 3600); row.calendar = cal.rawValue
        try await row.save(on: req.db)
        try await req.history().audit(action: "sla.update", objectType: "sla_policy", objectId: "\(company.code):\(key(t, p))", before: before,
                                      after: "\(row.firstResponseSeconds)/\(row.resolutionSeconds)/\(row.calendar)")
    }

    /// The branch of a form's `company` and `branch` codes, inside the admin's scope.
    static func branch(_ f: [String: String], tenant: TenantData) async throws -> Branch {
        let company = try await company(f["company"], tenant: tenant)
        guard let code = f["branch"]?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
            throw KefuError.invalid([.init(field: "branch", message: "请选择分公司")])
        }
        return try await tenant.branch(code: code, company: try company.requireID())
    }

    func saveBranch(req: Request) async throws -> Response {
        try await AdminPages().attempt(req, notice: "分公司时限已保存") { f in
            let (t, p) = try Self.parse(f["key"])
            guard let first = Int(f["firstMinutes"] ?? ""), let hours = Double(f["resolutionHours"] ?? ""), hours > 0, hours <= 24 * 365 else {
                throw KefuError.invalid([.init(field: "sla", message: "首次响应须为整数分钟，办结时限须为正数小时")])
            }
            let tenant = try await req.tenant()
            let branch = try await Self.branch(f, tenant: tenant)
            let branchID = try branch.requireID()
            let sla = SLAService(db: req.db, timeZone: req.kefu.settings.timeZone)
            let company = try await sla.companyPolicy(type: t, priority: p, company: branch.$company.id)
            let firstSeconds = first * 60, resolutionSeconds = Int(hours * 3600)
            if let why = BranchRules.problem(firstResponse: firstSeconds, resolution: resolutionSeconds, over: company) {
                throw KefuError.invalid([.init(field: "sla", message: why)])
            }
            let user = try req.user()
            let stored = try await sla.branchTarget(type: t, priority: p, branch: branchID)
            let before = stored.map { "\($0.firstResponseSeconds)/\($0.resolutionSeconds)" } ?? "（无，按公司）"
            let row = stored ?? BranchSLATarget(branchID: branchID, type: t.rawValue, priority: p.rawValue, firstResponseSeconds: firstSeconds,
                                                resolutionSeconds: resolutionSeconds, updatedBy: user.workId, updatedAt: req.now)
            row.firstResponseSeconds = firstSeconds; row.resolutionSeconds = resolutionSeconds
            row.updatedBy = user.workId; row.updatedAt = req.now
            try await row.save(on: req.db)
            try await req.history().audit(action: "sla.branch_update", objectType: "branch_sla_target",
                                          objectId: "\(branch.code):\(Self.key(t, p))", before: before,
                                          after: "\(firstSeconds)/\(resolutionSeconds)")
        }
    }

    func deleteBranch(req: Request) async throws -> Response {
        try await AdminPages().attempt(req, notice: "分公司时限已取消，按公司策略") { f in
            let (t, p) = try Self.parse(f["key"])
            let branch = try await Self.branch(f, tenant: try await req.tenant())
            let sla = SLAService(db: req.db, timeZone: req.kefu.settings.timeZone)
            guard let stored = try await sla.branchTarget(type: t, priority: p, branch: try branch.requireID()) else {
                throw KefuError.notFound("分公司时限")
            }
            try await stored.delete(on: req.db)
            try await req.history().audit(action: "sla.branch_delete", objectType: "branch_sla_target",
                                          objectId: "\(branch.code):\(Self.key(t, p))",
                                          before: "\(stored.firstResponseSeconds)/\(stored.resolutionSeconds)")
        }
    }
}
