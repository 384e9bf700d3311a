import Vapor
import Fluent
import KefuCore

/// 公司与分公司 (R11.1, R11.2): the companies an admin may see, their branches (hotline,
/// IVR welcome with a live preview, departments) and who of the operating company may work
/// for which client company. A client company's admin sees and edits only their own
/// company; only the operating company's admins add companies and grant access.
struct CompanyPages {
    func register(_ routes: RoutesBuilder) {
        let settings = routes.requiring(.adminSettings)
        settings.get("admin", "companies", use: page)
        settings.post("admin", "companies", use: addCompany)
        settings.post("admin", "companies", ":code", use: updateCompany)
        settings.post("admin", "branches", use: addBranch)
        settings.post("admin", "branches", ":company", ":code", use: updateBranch)
        let users = routes.requiring(.adminUsers)
        users.post("admin", "grants", use: grant)
        users.post("admin", "grants", "revoke", use: revoke)
    }

    struct CompanyRow: Encodable { var code: String; var name: String; var hotline: String; var isOperator: Bool }
    struct BranchRow: Encodable {
        var companyCode: String; var companyName: String; var code: String; var name: String; var hotline: String
        var welcome: String; var preview: String; var departments: [String]
    }
    struct PersonRow: Encodable { var workId: String; var name: String; var roleLabel: String; var granted: [String] }
    struct Context: Encodable {
        var page: PageContext
        var companies: [CompanyRow]
        var branches: [BranchRow]
        var people: [PersonRow]
        /// Companies a branch may be added to (those the admin sees).
        var companyChoices: [Choice]
        /// Client companies the operating company's staff may be granted.
        var grantChoices: [Choice]
        var mayAdd: Bool
        var mayGrant: Bool
        var mixed: Bool
        var standardWelcome: String
        var error: String?
        var form: [String: String]
    }

    func page(req: Request) async throws -> Response { try await render(req, error: nil, form: [:]) }

    /// Everything the admin may work for, whatever the switcher narrowed the pages to: grants
    /// concern the operating company's people, who are out of view while a client company is
    /// chosen.
    static func unswitched(_ req: Request) async throws -> TenantData {
        try await req.tenant().unswitched()
    }

    /// Whether the signed-in admin belongs to the operating company.
    static func homeIsOperator(_ req: Request) async throws -> Bool {
        let user = try req.user()
        return try await Company.find(user.companyID, on: req.db)?.isOperator ?? false
    }

    func render(_ req: Request, error: KefuError?, form: [String: String]) async throws -> Response {
        let tenant = try await req.tenant()
        let operatorAdmin = try await Self.homeIsOperator(req)
        let companies = try await tenant.companies()
        let byID = Dictionary(uniqueKeysWithValues: companies.compactMap { c in c.id.map { ($0, c) } })
        let departments = try await tenant.query(Department.self).sort(\.$name).all()
        var branches: [BranchRow] = []
        for b in try await tenant.branches() {
            guard let c = byID[b.$company.id] else { continue }
            let deps = departments.filter { $0.branchID == b.id }.map(\.name)
            branches.append(BranchRow(companyCode: c.code, companyName: c.name, code: b.code, name: b.name, hotline: b.hotline,
                                      welcome: b.welcome, preview: WelcomeText.fill(b.welcome, company: c.name, branch: b.name, hotline: b.hotline),
                                      departments: deps))
        }
        branches.sort { ($0.companyCode, $0.code) < ($1.companyCode, $1.code) }
        var people: [PersonRow] = []
        var grantable: [Company] = []
        if operatorAdmin {
            let all = try await Self.unswitched(req)
            grantable = try await all.companies().filter { !$0.isOperator }
            let operatorIDs = Set(try await all.companies().filter(\.isOperator).compactMap(\.id))
            let granted = try await CompanyAdmin(tenant: all, history: nil, now: req.now).grantedCodes()
            people = try await all.query(User.self).filter(\.$active == true).sort(\.$workId).all()
                .filter { operatorIDs.contains($0.companyID) }
                .map { u in PersonRow(workId: u.workId, name: u.name, roleLabel: u.roleValue.label, granted: u.id.flatMap { granted[$0] } ?? []) }
                // Only those already granted; anyone else is granted by work ID with the form.
                .filter { !$0.granted.isEmpty }
        }
        let ctx = Context(
            page: PageContext(req, user: try req.user(), title: "公司与分公司"),
            companies: companies.map { CompanyRow(code: $0.code, name: $0.name, hotline: $0.hotline, isOperator: $0.isOperator) },
            branches: branches, people: people,
            companyChoices: companies.map { Choice(value: $0.code, label: "\($0.name)（\($0.code)）") },
            grantChoices: grantable.map { Choice(value: $0.code, label: "\($0.name)（\($0.code)）") },
            mayAdd: CompanyAdminRule.mayAddCompanies(homeIsOperator: operatorAdmin),
            mayGrant: CompanyAdminRule.mayGrant(adminHomeIsOperator: operatorAdmin),
            mixed: tenant.scope.isMixed, standardWelcome: WelcomeText.standard, error: error?.reason, form: form)
        let res = try await req.view.render("admin_companies", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    /// Runs a change and comes back to the page, or shows the page with the refusal; a
    /// create names its form in `once` (one save per one-time token).
    func attempt(_ req: Request, notice: String, once: String? = nil, _ body: @escaping @Sendable ([String: String]) async throws -> Void) async throws -> Response {
        var form = (try? req.content.decode([String: String].self)) ?? [:]
        let sent = form
        func run() async throws -> OnceToken.Outcome {
            do {
                try await body(sent)
                return .created("/admin/companies", req.redirect(to: "/admin/companies", notice: notice))
            } catch let e as KefuError {
                form.removeValue(forKey: CSRFMiddleware.field); form.removeValue(forKey: OnceToken.field)
                return .refused(try await render(req, error: e, form: form))
            }
        }
        guard let once else { return try await run().response }
        return try await req.once(form: once, fallback: "/admin/companies", run)
    }

    func addCompany(req: Request) async throws -> Response {
        guard try await Self.homeIsOperator(req) else {
            throw KefuError.forbidden("只有本中心（运营公司）的管理员可以添加客户公司。")
        }
        let history = req.history(), now = req.now, me = try req.user().workId
        return try await attempt(req, notice: "公司已添加", once: "admin.company") { f in
            try await req.db.writeTransaction { tx in
                let admin = CompanyAdmin(tenant: .system(tx), history: history.on(tx), now: now)
                let company = try await admin.addCompany(code: f["code"] ?? "", name: f["name"] ?? "", hotline: f["hotline"] ?? "")
                // The admin who added it works for it from now on (else it would vanish from their page).
                _ = try await admin.grant(workId: me, company: company)
                if let code = f["branchCode"], !code.trimmingCharacters(in: .whitespaces).isEmpty {
                    _ = try await admin.addBranch(company: company, code: code, name: f["branchName"] ?? "",
                                                  hotline: f["branchHotline"] ?? "", welcome: nil)
                }
            }
        }
    }

    func updateCompany(req: Request) async throws -> Response {
        let tenant = try await req.tenant(), history = req.history(), now = req.now
        let code = req.parameters.get("code") ?? ""
        return try await attempt(req, notice: "公司已保存") { f in
            let company = try await tenant.company(code: code)
            try await CompanyAdmin(tenant: tenant, history: history, now: now)
                .updateCompany(company, name: f["name"] ?? "", hotline: f["hotline"] ?? "")
        }
    }

    func addBranch(req: Request) async throws -> Response {
        let tenant = try await req.tenant(), history = req.history(), now = req.now
        return try await attempt(req, notice: "分公司已添加", once: "admin.branch") { f in
            let company = try await Self.company(f["company"], tenant: tenant)
            try await req.db.writeTransaction { tx in
                _ = try await CompanyAdmin(tenant: tenant.on(tx), history: history.on(tx), now: now)
                    .addBranch(company: company, code: f["code"] ?? "", name: f["name"] ?? "", hotline: f["hotline"] ?? "",
                               welcome: f["welcome"])
            }
        }
    }

    func updateBranch(req: Request) async throws -> Response {
        let tenant = try await req.tenant(), history = req.history(), now = req.now
        let companyCode = req.parameters.get("company") ?? "", code = req.parameters.get("code") ?? ""
        return try await attempt(req, notice: "分公司已保存") { f in
            let company = try await tenant.company(code: companyCode)
            let branch = try await tenant.branch(code: code, company: try company.requireID())
            try await CompanyAdmin(tenant: tenant, history: history, now: now)
                .updateBranch(branch, company: company, name: f["name"] ?? "", hotline: f["hotline"] ?? "", welcome: f["welcome"] ?? "")
        }
    }

    func grant(req: Request) async throws -> Response {
        guard try await Self.homeIsOperator(req) else {
            throw KefuError.forbidden("只有本中心（运营公司）的管理员可以授权人员为其他公司工作。")
        }
        let tenant = try await Self.unswitched(req), history = req.history(), now = req.now
        return try await attempt(req, notice: "已授权", once: "admin.grant") { f in
            let company = try await Self.company(f["company"], tenant: tenant)
            try await req.db.writeTransaction { tx in
                _ = try await CompanyAdmin(tenant: tenant.on(tx), history: history.on(tx), now: now)
                    .grant(workId: f["workId"] ?? "", company: company)
            }
        }
    }

    func revoke(req: Request) async throws -> Response {
        guard try await Self.homeIsOperator(req) else {
            throw KefuError.forbidden("只有本中心（运营公司）的管理员可以撤销授权。")
        }
        let tenant = try await Self.unswitched(req), history = req.history(), now = req.now
        return try await attempt(req, notice: "已撤销授权") { f in
            let company = try await Self.company(f["company"], tenant: tenant)
            try await CompanyAdmin(tenant: tenant, history: history, now: now).revoke(workId: f["workId"] ?? "", company: company)
        }
    }

    static func company(_ code: String?, tenant: TenantData) async throws -> Company {
        guard let code = code?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
            throw KefuError.invalid([.init(field: "company", message: "请选择公司")])
        }
        return try await tenant.company(code: code)
    }
}
