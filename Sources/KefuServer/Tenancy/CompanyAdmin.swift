import Vapor
import Fluent
import KefuCore

/// Adding and changing companies, branches and grants, shared by `kefu company|branch|user
/// grant`, the admin pages and the demo loader. Every change is audited. Reads and writes
/// go through `tenant`, so an admin page can only touch the companies its user may see
/// (the CLI and the demo pass `.system`).
struct CompanyAdmin {
    let tenant: TenantData
    let history: History?
    let now: Date

    var db: Database { tenant.db }

    // MARK: companies

    func addCompany(code rawCode: String, name: String, hotline: String, isOperator: Bool = false) async throws -> Company {
        let code = rawCode.trimmingCharacters(in: .whitespaces)
        var problems: [FieldProblemDTO] = []
        if let p = TenantCode.problem(code) { problems.append(.init(field: "code", message: "公司" + p)) }
        if let p = CompanyAdminRule.nameProblem(name) { problems.append(.init(field: "name", message: "公司" + p)) }
        if let p = CompanyAdminRule.hotlineProblem(hotline) { problems.append(.init(field: "hotline", message: p)) }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        if try await Company.query(on: db).filter(\.$code == code).first() != nil {
            throw KefuError.conflict("company_exists", "公司代码 \(code) 已存在。")
        }
        let company = Company(code: code, name: name.trimmingCharacters(in: .whitespaces),
                              hotline: hotline.trimmingCharacters(in: .whitespaces), isOperator: isOperator, createdAt: now)
        try await company.create(on: db)
        try await history?.audit(action: "company.create", objectType: "company", objectId: code,
                                 after: "\(company.name) 热线=\(company.hotline)")
        return company
    }

    func updateCompany(_ company: Company, name: String, hotline: String) async throws {
        try tenant.check(try company.requireID(), "公司 \(company.code)")
        var problems: [FieldProblemDTO] = []
        if let p = CompanyAdminRule.nameProblem(name) { problems.append(.init(field: "name", message: "公司" + p)) }
        if let p = CompanyAdminRule.hotlineProblem(hotline) { problems.append(.init(field: "hotline", message: p)) }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        let before = "\(company.name) 热线=\(company.hotline)"
        company.name = name.trimmingCharacters(in: .whitespaces)
        company.hotline = hotline.trimmingCharacters(in: .whitespaces)
        try await company.save(on: db)
        try await history?.audit(action: "company.update", objectType: "company", objectId: company.code, before: before,
                                 after: "\(company.name) 热线=\(company.hotline)")
    }

    // MARK: branches

    func addBranch(company: Company, code rawCode: String, name: String, hotline: String, welcome: String? = nil) async throws -> Branch {
        let companyID = try company.requireID()
        try tenant.check(companyID, "公司 \(company.code)")
        let code = rawCode.trimmingCharacters(in: .whitespaces)
        let template = (welcome?.isEmpty ?? true) ? WelcomeText.standard : (welcome ?? WelcomeText.standard)
        var problems: [FieldProblemDTO] = []
        if let p = TenantCode.problem(code) { problems.append(.init(field: "code", message: "分公司" + p)) }
        if let p = CompanyAdminRule.nameProblem(name) { problems.append(.init(field: "name", message: "分公司" + p)) }
        if let p = CompanyAdminRule.hotlineProblem(hotline) { problems.append(.init(field: "hotline", message: p)) }
        if let p = CompanyAdminRule.welcomeProblem(template) { problems.append(.init(field: "welcome", message: p)) }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        if try await Branch.query(on: db).filter(\.$company.$id == companyID).filter(\.$code == code).first() != nil {
            throw KefuError.conflict("branch_exists", "公司 \(company.code) 已有分公司代码 \(code)。")
        }
        let branch = Branch(companyID: companyID, code: code, name: name.trimmingCharacters(in: .whitespaces),
                            hotline: hotline.trimmingCharacters(in: .whitespaces), welcome: template, createdAt: now)
        try await branch.create(on: db)
        try await history?.audit(action: "branch.create", objectType: "branch", objectId: "\(company.code)/\(code)",
                                 after: "\(branch.name) 热线=\(branch.hotline) 欢迎词=\(branch.welcome)")
        return branch
    }

    func updateBranch(_ branch: Branch, company: Company, name: String, hotline: String, welcome: String) async throws {
        try tenant.check(branch.$company.id, "分公司 \(branch.code)")
        var problems: [FieldProblemDTO] = []
        if let p = CompanyAdminRule.nameProblem(name) { problems.append(.init(field: "name", message: "分公司" + p)) }
        if let p = CompanyAdminRule.hotlineProblem(hotline) { problems.append(.init(field: "hotline", message: p)) }
        if let p = CompanyAdminRule.welcomeProblem(welcome) { problems.append(.init(field: "welcome", message: p)) }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        let before = "\(branch.name) 热线=\(branch.hotline) 欢迎词=\(branch.welcome)"
        branch.name = name.trimmingCharacters(in: .whitespaces)
        branch.hotline = hotline.trimmingCharacters(in: .whitespaces)
        branch.welcome = welcome.trimmingCharacters(in: .whitespaces)
        try await branch.save(on: db)
        try await history?.audit(action: "branch.update", objectType: "branch", objectId: "\(company.code)/\(branch.code)",
                                 before: before, after: "\(branch.name) 热线=\(branch.hotline) 欢迎词=\(branch.welcome)")
    }

    // MARK: grants

    /// Lets a person of the operating company work for `company` too. A client company's
    /// people are refused (`CompanyGrantRule`), and so is a grant of the person's own company.
    func grant(workId: String, company: Company) async throws -> CompanyGrant {
        let user = try await person(workId)
        let companyID = try company.requireID()
        try tenant.check(companyID, "公司 \(company.code)")
        guard let home = try await Company.find(user.companyID, on: db) else { throw KefuError.notFound("用户 \(workId) 的公司") }
        guard CompanyGrantRule.mayBeGranted(homeIsOperator: home.isOperator) else {
            throw KefuError(.unprocessableEntity, "grant_refused",
                            "\(workId) 属于客户公司 \(home.code)，只有本中心（运营公司）的人员可以为其他公司工作。",
                            fields: [.init(field: "workId", message: "客户公司的人员不能授权")])
        }
        if user.companyID == companyID {
            throw KefuError.conflict("grant_own_company", "\(workId) 本来就属于公司 \(company.code)。")
        }
        let userID = try user.requireID()
        if try await CompanyGrant.query(on: db).filter(\.$user.$id == userID).filter(\.$company.$id == companyID).first() != nil {
            throw KefuError.conflict("grant_exists", "\(workId) 已可为公司 \(company.code) 工作。")
        }
        let grant = CompanyGrant(userID: userID, companyID: companyID, grantedBy: history?.actorWorkId ?? "cli", createdAt: now)
        try await grant.create(on: db)
        try await history?.audit(action: "company.grant", objectType: "user", objectId: workId, after: company.code)
        return grant
    }

    func revoke(workId: String, company: Company) async throws {
        let user = try await person(workId)
        let companyID = try company.requireID()
        try tenant.check(companyID, "公司 \(company.code)")
        let userID = try user.requireID()
        guard let grant = try await CompanyGrant.query(on: db).filter(\.$user.$id == userID).filter(\.$company.$id == companyID).first() else {
            throw KefuError.notFound("\(workId) 对公司 \(company.code) 的授权")
        }
        try await grant.delete(on: db)
        try await history?.audit(action: "company.revoke", objectType: "user", objectId: workId, before: company.code)
    }

    /// Codes of the companies each person was granted, by user id.
    func grantedCodes() async throws -> [UUID: [String]] {
        let codes = Dictionary(uniqueKeysWithValues: try await Company.query(on: db).all().compactMap { c in c.id.map { ($0, c.code) } })
        var out: [UUID: [String]] = [:]
        for g in try await CompanyGrant.query(on: db).all() where tenant.scope.includes(g.$company.id) {
            out[g.$user.id, default: []].append(codes[g.$company.id] ?? "")
        }
        return out.mapValues { $0.sorted() }
    }

    /// A person the tenant may see; someone of another company does not exist here.
    private func person(_ workId: String) async throws -> User {
        let id = workId.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, let user = try await tenant.query(User.self).filter(\.$workId == id).first() else {
            throw KefuError.notFound("用户 \(workId)")
        }
        return user
    }
}
