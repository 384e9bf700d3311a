import Vapor
import Fluent
import KefuCore

/// Creating users, shared by `kefu user add`, the admin page and the demo loader.
struct UserAdmin {
    let db: Database
    let now: Date

    struct NewUser { var workId: String; var name: String; var role: String; var password: String; var department: String? }

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
        if try await User.query(on: db).filter(\.$workId == u.workId).first() != nil {
            throw KefuError.conflict("work_id_taken", "工号 \(u.workId) 已存在。")
        }
        var depID: UUID?
        if let name = u.department?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            if let existing = try await Department.query(on: db).filter(\.$name == name).first() {
                depID = existing.id
            } else if createDepartment {
                depID = try await department(named: name).id
            } else {
                throw try await unknownDepartment(name)
            }
        }
        let user = User(workId: u.workId, name: u.name, role: Role(rawValue: u.role)!, passwordHash: try hasher.hash(u.password),
                        departmentID: depID, createdAt: now)
        try await user.create(on: db)
        try await history?.audit(action: "user.create", objectType: "user", objectId: u.workId, after: u.role)
        return user
    }

    /// A department that must already exist (the admin page's user edits; new ones are added
    /// on purpose with 添加部门).
    func existingDepartment(named name: String) async throws -> Department {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if let d = try await Department.query(on: db).filter(\.$name == trimmed).first() { return d }
        throw try await unknownDepartment(trimmed)
    }

    func unknownDepartment(_ name: String) async throws -> KefuError {
        let known = try await Department.query(on: db).sort(\.$name).all().map(\.name)
        let list = known.isEmpty ? "尚无部门" : "现有部门：" + known.joined(separator: "、")
        return KefuError(.unprocessableEntity, "unknown_department", "部门「\(name)」不存在（\(list)）。",
                         fields: [.init(field: "department", message: "部门「\(name)」不存在")])
    }

    func department(named name: String) async throws -> Department {
        if let d = try await Department.query(on: db).filter(\.$name == name).first() { return d }
        let d = Department(name: name, createdAt: now)
        try await d.create(on: db)
        return d
    }
}
