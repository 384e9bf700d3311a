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
        settings.post("admin", "holidays", use: addHoliday)
        settings.post("admin", "holidays", ":id", "delete", use: deleteHoliday)
    }

    struct UserRow: Encodable { var workId: String; var name: String; var role: String; var roleLabel: String; var department: String; var active: Bool }
    struct SLARow: Encodable { var key: String; var typeLabel: String; var priorityLabel: String; var firstMinutes: Int; var resolutionHours: Double; var calendar: String }
    struct HolidayRow: Encodable { var id: String; var day: String; var name: String; var makeup: Bool }
    struct Context: Encodable {
        var page: PageContext; var users: [UserRow]; var departments: [DepartmentDTO]; var roles: [Choice]
        var sla: [SLARow]; var holidays: [HolidayRow]; var error: String?; var form: [String: String]
    }

    func page(req: Request) async throws -> Response { try await render(req, error: nil, form: [:]) }

    func render(_ req: Request, error: KefuError?, form: [String: String]) async throws -> Response {
        let deps = try await DepartmentAPI.all(on: req.db)
        let depNames = Dictionary(uniqueKeysWithValues: deps.map { ($0.id, $0.name) })
        let users = try await User.query(on: req.db).sort(\.$workId).all()
        let sla = SLAService(db: req.db, timeZone: req.kefu.settings.timeZone)
        var rows: [SLARow] = []
        for t in WorkOrderType.allCases { for p in Priority.allCases {
            let pol = try await sla.policy(type: t, priority: p)
            rows.append(SLARow(key: "\(t.rawValue).\(p.rawValue)", typeLabel: t.label, priorityLabel: p.label,
                               firstMinutes: pol.firstResponseSeconds / 60, resolutionHours: Double(pol.resolutionSeconds) / 3600,
                               calendar: pol.calendar.rawValue))
        } }
        let holidays = try await HolidayRecord.query(on: req.db).sort(\.$day).all()
        let ctx = Context(page: PageContext(req, user: try req.user(), title: "系统管理"),
                          users: users.map { UserRow(workId: $0.workId, name: $0.name, role: $0.role, roleLabel: $0.roleValue.label,
                                                     department: $0.$department.id.flatMap { depNames[$0] } ?? "", active: $0.active) },
                          departments: deps, roles: Choices.roles, sla: rows,
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
        func run() async throws -> OnceToken.Outcome {
            do {
                try await body(form)
                return .created("/admin", req.redirect(to: "/admin", notice: notice))
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
            _ = try await UserAdmin(db: req.db, now: req.now).add(
                .init(workId: f["workId"] ?? "", name: f["name"] ?? "", role: f["role"] ?? "", password: f["password"] ?? "", department: f["department"]),
                hasher: req.password.sync, history: req.history())
        }
    }

    func updateUser(req: Request) async throws -> Response {
        try await attempt(req, notice: "用户已更新") { f in
            let workId = req.parameters.get("workId") ?? ""
            guard let u = try await User.query(on: req.db).filter(\.$workId == workId).first() else { throw KefuError.notFound("用户") }
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
            let name = f["name"]!.trimmingCharacters(in: .whitespaces)
            let now = req.now, history = req.history()
            try await req.db.writeTransaction { tx in
                if try await Department.query(on: tx).filter(\.$name == name).first() != nil { throw KefuError.conflict("department_exists", "部门「\(name)」已存在。") }
                let d = try await UserAdmin(db: tx, now: now).department(named: name)
                try await history.on(tx).audit(action: "department.create", objectType: "department", objectId: d.id?.uuidString, after: name)
            }
        }
    }

    func saveSLA(req: Request) async throws -> Response {
        try await attempt(req, notice: "时限策略已保存") { f in
            guard let key = f["key"], let dot = key.firstIndex(of: "."),
                  let t = WorkOrderType(rawValue: String(key[..<dot])), let p = Priority(rawValue: String(key[key.index(after: dot)...])) else {
                throw KefuError.badRequest("未知的策略")
            }
            guard let first = Int(f["firstMinutes"] ?? ""), first > 0, first <= 30 * 24 * 60,
                  let hours = Double(f["resolutionHours"] ?? ""), hours > 0, hours <= 24 * 365,
                  let cal = ServiceCalendar.Kind(rawValue: f["calendar"] ?? "") else {
                throw KefuError.invalid([.init(field: "sla", message: "首次响应须为正整数分钟，解决时限须为正数小时，日历须为 24h 或 working_days")])
            }
            // A row exists only once an admin saved it; before that the shipped default applies,
            // and a new record's fields must not be read (Fluent traps on unset fields).
            let stored = try await SLAPolicyRecord.query(on: req.db).filter(\.$type == t.rawValue).filter(\.$priority == p.rawValue).first()
            let before: String
            if let stored {
                before = "\(stored.firstResponseSeconds)/\(stored.resolutionSeconds)/\(stored.calendar)"
            } else {
                let pol = try await SLAService(db: req.db, timeZone: req.kefu.settings.timeZone).policy(type: t, priority: p)
                before = "\(pol.firstResponseSeconds)/\(pol.resolutionSeconds)/\(pol.calendar.rawValue) (默认)"
            }
            let row = stored ?? { let r = SLAPolicyRecord(); r.type = t.rawValue; r.priority = p.rawValue; return r }()
            row.firstResponseSeconds = first * 60; row.resolutionSeconds = Int(hours * 3600); row.calendar = cal.rawValue
            try await row.save(on: req.db)
            try await req.history().audit(action: "sla.update", objectType: "sla_policy", objectId: key, before: before,
                                          after: "\(row.firstResponseSeconds)/\(row.resolutionSeconds)/\(row.calendar)")
        }
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
