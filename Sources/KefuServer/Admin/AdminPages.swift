import Vapor
import Fluent
import KefuCore

/// Administration: users and roles, departments, SLA policies, the holiday calendar.
struct AdminPages {
    func register(_ routes: RoutesBuilder) {
        let users = routes.requiring(.adminUsers)
        users.get("admin", use: page)
        users.post("admin", "users", use: addUser)
        users.post("admin", "users", ":workId", use: updateUser)
        users.post("admin", "departments", use: addDepartment)
        let settings = routes.requiring(.adminSettings)
        settings.post("admin", "sla", use: saveSLA)
        SLAAdmin().register(settings)
        settings.post("admin", "holidays", use: addHoliday)
        settings.post("admin", "holidays", ":id", "delete", use: deleteHoliday)
    }

    struct UserRow: Encodable {
        var workId: String; var name: String; var role: String; var roleLabel: String; var department: String; var active: Bool
        var company: String; var branch: String
    }
    struct DepartmentRow: Encodable { var name: String; var company: String; var branch: String; var liaisonWorkIds: [String] }
    struct HolidayRow: Encodable { var id: String; var day: String; var name: String; var makeup: Bool }
    struct Context: Encodable {
        var page: PageContext; var users: [UserRow]; var departments: [DepartmentRow]; var roles: [Choice]
        /// Where a new user or department may go: the companies and branches the admin sees.
        var companies: [Choice]; var branches: [Choice]; var mixed: Bool
        /// The users list's `?company=&branch=` filter (nil: one company with one branch).
        var tenantFilter: TenantFilterForm?
        var sla: SLAAdmin.Section; var holidays: [HolidayRow]; var error: String?; var form: [String: String]
    }

    func page(req: Request) async throws -> Response { try await render(req, error: nil, form: [:]) }

    func render(_ req: Request, error: KefuError?, form: [String: String]) async throws -> Response {
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        let deps = try await tenant.query(Department.self).sort(\.$name).all()
        let depNames = Dictionary(uniqueKeysWithValues: deps.compactMap { d in d.id.map { ($0, d.name) } })
        let filter = try await TenantFilter.resolve(req, tenant: tenant)
        let usersQuery = tenant.query(User.self).sort(\.$workId)
        filter.apply(usersQuery)
        let users = try await usersQuery.all()
        let liaisons = try await tenant.query(User.self).filter(\.$role == Role.liaison.rawValue).filter(\.$active == true).all()
        let departments = deps.map { d in
            DepartmentRow(name: d.name, company: labels.companyName(d.companyID), branch: labels.branchName(d.branchID),
                          liaisonWorkIds: liaisons.filter { $0.$department.id == d.id }.map(\.workId).sorted())
        }
        let companies = try await tenant.companies()
        let companyNames = Dictionary(uniqueKeysWithValues: companies.compactMap { c in c.id.map { ($0, c.name) } })
        let branchChoices = try await tenant.branches().map { b in
            Choice(value: b.code, label: labels.mixed ? "\(companyNames[b.$company.id] ?? "")·\(b.name)（\(b.code)）" : "\(b.name)（\(b.code)）")
        }
        // 时限策略 of one company (`?slaCompany=`), its branches' targets, and the center's list.
        let sla = try await SLAAdmin.section(req, tenant: tenant, chosen: req.query[String.self, at: "slaCompany"])
        let holidays = try await HolidayRecord.query(on: req.db).sort(\.$day).all()
        // A new user's form starts at the admin's own company and branch when they are in view.
        var form = form
        let me = try req.user()
        if form["company"] == nil, !labels.companyCode(me.companyID).isEmpty {
            form["company"] = labels.companyCode(me.companyID); form["branch"] = labels.branchCode(me.branchID)
        }
        let ctx = Context(page: PageContext(req, user: me, title: "系统管理"),
                          users: users.map { UserRow(workId: $0.workId, name: $0.name, role: $0.role, roleLabel: $0.roleValue.label,
                                                     department: $0.$department.id.flatMap { depNames[$0] } ?? "", active: $0.active,
                                                     company: labels.companyName($0.companyID), branch: labels.branchName($0.branchID)) },
                          departments: departments, roles: Choices.roles,
                          companies: companies.map { Choice(value: $0.code, label: "\($0.name)（\($0.code)）") },
                          branches: branchChoices, mixed: labels.mixed,
                          tenantFilter: try await TenantFilterForm.make(tenant, labels: labels, filter: filter), sla: sla,
                          holidays: holidays.map { HolidayRow(id: $0.id!.uuidString, day: $0.day, name: $0.name, makeup: $0.makeupWorkday) },
                          error: error?.reason, form: form)
        let res = try await req.view.render("admin", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    /// Runs a change; a change that creates something names its form in `once` (one save per
    /// one-time token, see OnceToken).
    func attempt(_ req: Request, notice: String, once: String? = nil, _ body: ([String: String]) async throws -> Void) async throws -> Response {
        var form = (try? req.content.decode([String: String].self)) ?? [:]
        // The branch page's department form comes back to the branch page.
        let back = form["back"] == "/admin/companies" ? "/admin/companies" : "/admin"
        func run() async throws -> OnceToken.Outcome {
            do {
                try await body(form)
                return .created(back, req.redirect(to: back, notice: notice))
            } catch let e as KefuError {
                form.removeValue(forKey: "password"); form.removeValue(forKey: CSRFMiddleware.field); form.removeValue(forKey: OnceToken.field)
                return .refused(try await render(req, error: e, form: form))
            }
        }
        guard let once else { return try await run().response }
        return try await req.once(form: once, fallback: "/admin", run)
    }

    func addUser(req: Request) async throws -> Response {
        try await attempt(req, notice: "用户已添加", once: "admin.user") { f in
            // Only into a company (and branch) the admin sees: another company does not exist here.
            let company = try await Self.company(f["company"], tenant: try await req.tenant())
            _ = try await UserAdmin(db: req.db, now: req.now).add(
                .init(workId: f["workId"] ?? "", name: f["name"] ?? "", role: f["role"] ?? "", password: f["password"] ?? "", department: f["department"],
                      company: company.code, branch: f["branch"]),
                hasher: req.password.sync, history: req.history())
        }
    }

    /// The company a form names, among those the admin sees; none named: the only one.
    static func company(_ code: String?, tenant: TenantData) async throws -> Company {
        if let code = code?.trimmingCharacters(in: .whitespaces), !code.isEmpty { return try await tenant.company(code: code) }
        let visible = try await tenant.companies()
        guard visible.count == 1, let only = visible.first else {
            throw KefuError.invalid([.init(field: "company", message: "请选择公司")])
        }
        return only
    }

    func updateUser(req: Request) async throws -> Response {
        try await attempt(req, notice: "用户已更新") { f in
            let workId = req.parameters.get("workId") ?? ""
            guard let u = try await req.tenant().query(User.self).filter(\.$workId == workId).first() else { throw KefuError.notFound("用户") }
            let before = "\(u.role) active=\(u.active)"
            if let r = f["role"], !r.isEmpty {
                guard Role(rawValue: r) != nil else { throw KefuError.invalid([.init(field: "role", message: "未知角色：\(r)")]) }
                u.role = r
            }
            if let a = f["active"] {
                if a == "no", u.id == (try req.user()).id { throw KefuError.conflict("self_deactivate", "不能停用自己的账号。") }
                u.active = a != "no"
            }
            var passwordReset = false
            if let p = f["password"], !p.isEmpty {
                guard p.count >= 8 else { throw KefuError.invalid([.init(field: "password", message: "密码至少 8 位")]) }
                u.passwordHash = try await req.password.async.hash(p)
                passwordReset = true
            }
            if let d = f["department"] {
                u.$department.id = d.isEmpty ? nil : try await UserAdmin(db: req.db, now: req.now).existingDepartment(named: d, company: u.companyID).id
            }
            try await u.save(on: req.db)
            if passwordReset || !u.active, let id = u.id {
                // A reset password or a stopped account ends the API tokens issued before, and a
                // reset lifts a sign-in lock (the admin has checked who is asking).
                try await UserToken.query(on: req.db).filter(\.$user.$id == id).delete()
                try await LoginFailure.query(on: req.db).filter(\.$key == "account:" + workId).delete()
            }
            try await req.history().audit(action: "user.update", objectType: "user", objectId: workId, before: before,
                                          after: "\(u.role) active=\(u.active)" + (passwordReset ? " password=reset" : ""))
        }
    }

    func addDepartment(req: Request) async throws -> Response {
        try await attempt(req, notice: "部门已添加", once: "admin.department") { f in
            if let p = Validation.checkText(f["name"], field: "name", label: "部门名称", max: 100) { throw KefuError.invalid([.init(p)]) }
            let name = (f["name"] ?? "").trimmingCharacters(in: .whitespaces)
            let now = req.now, history = req.history(), tenant = try await req.tenant()
            let company = try await Self.company(f["company"], tenant: tenant)
            let companyID = try company.requireID()
            var branch: Branch?
            if let code = f["branch"]?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
                branch = try await tenant.branch(code: code, company: companyID)
            }
            let branchID = branch?.id, where_ = company.code + (branch.map { "/" + $0.code } ?? "")
            try await req.db.writeTransaction { tx in
                if try await tenant.on(tx).query(Department.self).filter(\.$companyID == companyID).filter(\.$name == name).first() != nil {
                    throw KefuError.conflict("department_exists", "部门「\(name)」已存在。")
                }
                let d = try await UserAdmin(db: tx, now: now).department(named: name, company: companyID, branch: branchID)
                try await history.on(tx).audit(action: "department.create", objectType: "department", objectId: d.id?.uuidString,
                                               after: "\(name) @\(where_)")
            }
        }
    }

    func saveSLA(req: Request) async throws -> Response {
        try await attempt(req, notice: "时限策略已保存") { f in try await SLAAdmin.saveCompany(req, f) }
    }

    func addHoliday(req: Request) async throws -> Response {
        try await attempt(req, notice: "日历已更新", once: "admin.holiday") { f in
            guard let day = LocalDay(f["day"] ?? "") else { throw KefuError.invalid([.init(field: "day", message: "日期格式应为 2026-10-01")]) }
            if let p = Validation.checkText(f["name"], field: "name", label: "名称", max: 50) { throw KefuError.invalid([.init(p)]) }
            let name = f["name"] ?? "", makeup = f["makeup"] == "on", history = req.history()
            try await req.db.writeTransaction { tx in
                if try await HolidayRecord.query(on: tx).filter(\.$day == day.description).first() != nil {
                    throw KefuError.conflict("holiday_exists", "\(day) 已在日历中。")
                }
                try await HolidayRecord(day: day.description, name: name, makeupWorkday: makeup).create(on: tx)
                try await history.on(tx).audit(action: "holiday.create", objectType: "holiday", objectId: day.description, after: name)
            }
        }
    }

    func deleteHoliday(req: Request) async throws -> Response {
        try await attempt(req, notice: "已从日历移除") { _ in
            guard let id = req.parameters.get("id", as: UUID.self), let h = try await HolidayRecord.find(id, on: req.db) else { throw KefuError.notFound("日期") }
            try await h.delete(on: req.db)
            try await req.history().audit(action: "holiday.delete", objectType: "holiday", objectId: h.day, before: h.name)
        }
    }
}
