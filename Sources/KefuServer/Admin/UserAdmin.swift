import Vapor
import Fluent
import KefuCore

/// Creating users, shared by `kefu user add`, the admin page and the demo loader.
struct UserAdmin {
    let db: Database
    let now: Date

    struct NewUser {
        var workId: String; var name: String; var role: String; var password: String; var department: String?
        /// Codes; nil picks the only company (branch) when there is one.
        var company: String? = nil
        var branch: String? = nil
    }

    func validate(_ u: NewUser) -> [FieldProblem] {
        var p: [FieldProblem] = []
        let wid = u.workId.trimmingCharacters(in: .whitespaces)
        if wid.isEmpty || wid.count > 32 || !wid.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            p.append(.init(field: "workId", message: "工号须为 1–32 位字母或数字"))
        }
        if let e = Validation.checkText(u.name, field: "name", label: "姓名", max: Validation.maxNameLength) { p.append(e) }
        if Role(rawValue: u.role) == nil {
            p.append(.init(field: "role", message: "未知角色：\(u.role)（可选：\(Role.allCases.map(\.rawValue).joined(separator: ", "))）"))
        }
        if u.password.count < 8 || u.password.count > 200 { p.append(.init(field: "password", message: "密码至少 8 位")) }
        if Role(rawValue: u.role) == .liaison, (u.department ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            p.append(.init(field: "department", message: "支撑部门联络员必须属于一个部门"))
        }
        return p
    }

    /// Creates the user. An unknown department is refused unless `createDepartment` says the
    /// caller means a new one: a typo (技木部) must not quietly become a department nobody
    /// sends supervision orders to.
    func add(_ u: NewUser, createDepartment: Bool = false, hasher: some PasswordHasher, history: History?) async throws -> User {
        let problems = validate(u)
        guard problems.isEmpty else { throw KefuError.invalid(problems.map(FieldProblemDTO.init)) }
        // Work IDs are unique across the center (sign-in names no company).
        if try await TenantData.system(db).query(User.self).filter(\.$workId == u.workId).first() != nil {
            throw KefuError.conflict("work_id_taken", "工号 \(u.workId) 已存在。")
        }
        let (companyID, branchID) = try await placement(company: u.company, branch: u.branch)
        var depID: UUID?
        if let name = u.department?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            if let existing = try await departments(of: companyID).filter(\.$name == name).first() {
                depID = existing.id
            } else if createDepartment {
                depID = try await department(named: name, company: companyID).id
            } else {
                throw try await unknownDepartment(name, company: companyID)
            }
        }
        guard let role = Role(rawValue: u.role) else { throw KefuError.invalid([.init(field: "role", message: "未知角色")]) }
        let user = User(workId: u.workId, name: u.name, role: role, passwordHash: try hasher.hash(u.password),
                        departmentID: depID, companyID: companyID, branchID: branchID, createdAt: now)
        try await user.create(on: db)
        try await history?.audit(action: "user.create", objectType: "user", objectId: u.workId, after: u.role)
        return user
    }

    /// The company and branch a new person joins: the named ones, or the only one when
    /// there is one; several without a name is an error that lists them.
    func placement(company code: String?, branch branchCode: String?) async throws -> (UUID, UUID?) {
        let company = try await TenantData.system(db).company(named: code)
        let companyID = try company.requireID()
        let branches = try await Branch.query(on: db).filter(\.$company.$id == companyID).sort(\.$code).all()
        if let code = branchCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
            guard let b = branches.first(where: { $0.code == code }) else {
                throw KefuError(.unprocessableEntity, "unknown_branch", "公司 \(company.code) 没有分公司「\(code)」。",
                                fields: [.init(field: "branch", message: "分公司不存在")])
            }
            return (companyID, b.id)
        }
        if branches.count == 1 { return (companyID, branches.first?.id) }
        if branches.isEmpty { return (companyID, nil) }
        throw KefuError(.unprocessableEntity, "branch_required",
                        "公司 \(company.code) 有多个分公司（\(branches.map(\.code).joined(separator: "、"))），请用 --branch 指明。",
                        fields: [.init(field: "branch", message: "请指明分公司")])
    }

    /// A department of `company` that must already exist (the admin page's user edits; new
    /// ones are added on purpose with 添加部门).
    func existingDepartment(named name: String, company: UUID) async throws -> Department {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if let d = try await departments(of: company).filter(\.$name == trimmed).first() { return d }
        throw try await unknownDepartment(trimmed, company: company)
    }

    func unknownDepartment(_ name: String, company: UUID) async throws -> KefuError {
        let known = try await departments(of: company).sort(\.$name).all().map(\.name)
        let list = known.isEmpty ? "尚无部门" : "现有部门：" + known.joined(separator: "、")
        return KefuError(.unprocessableEntity, "unknown_department", "部门「\(name)」不存在（\(list)）。",
                         fields: [.init(field: "department", message: "部门「\(name)」不存在")])
    }

    /// The department named `name` in `company` (nil: the only company), created when missing.
    func department(named name: String, company: UUID? = nil, branch: UUID? = nil) async throws -> Department {
        let companyID: UUID
        if let company { companyID = company } else { companyID = try await placement(company: nil, branch: nil).0 }
        if let d = try await departments(of: companyID).filter(\.$name == name).first() { return d }
        let d = Department(name: name, companyID: companyID, branchID: branch, createdAt: now)
        try await d.create(on: db)
        return d
    }

    /// Departments are company-scoped: this tool works for the whole center (CLI, admin
    /// writes already checked against the admin's scope), so it names the company itself.
    private func departments(of company: UUID) -> QueryBuilder<Department> {
        TenantData(scope: .companies([company]), db: db).query(Department.self)
    }
}
