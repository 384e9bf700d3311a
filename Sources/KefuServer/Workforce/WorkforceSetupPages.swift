import Fluent
import Vapor
import KefuCore

/// Shift templates, rostering rules (JSON, validated by KefuCore) and each person's
/// rostering profile: contract hours, night shifts, preferred shifts, leave days.
struct WorkforceSetupPages {
    func register(_ routes: RoutesBuilder) {
        let plan = routes.requiring(.workforcePlan)
        plan.get("workforce", "setup", use: page)
        plan.post("workforce", "setup", "templates", use: saveTemplates)
        plan.post("workforce", "setup", "rules", use: saveRules)
        plan.post("workforce", "setup", "profiles", use: saveProfile)
    }

    struct Profile: Encodable {
        var workId: String; var name: String; var weeklyHours: String; var nightAllowed: Bool; var reserveEligible: Bool
        var skills: String; var preferred: String; var unavailable: String
    }
    struct Context: Encodable { var page: PageContext; var templates: String; var rules: String; var profiles: [Profile]; var error: String? }

    func page(req: Request) async throws -> Response { try await render(req, templates: nil, rules: nil, error: nil) }

    func render(_ req: Request, templates: String?, rules: String?, error: KefuError?) async throws -> Response {
        let agents = try await RosterService(db: req.db, timeZone: req.kefu.settings.timeZone).agents()
        let savedTemplates = WorkforceSettings.json(try await WorkforceSettings.templates(on: req.db), pretty: true)
        let savedRules = WorkforceSettings.json(try await WorkforceSettings.rules(on: req.db), pretty: true)
        let ctx = Context(page: PageContext(req, user: try req.user(), title: "班次、规则与人员"),
                          templates: templates ?? savedTemplates, rules: rules ?? savedRules,
                          profiles: agents.map { Profile(workId: $0.workId, name: $0.name, weeklyHours: String(format: "%g", $0.weeklyHours),
                                                         nightAllowed: $0.nightAllowed, reserveEligible: $0.isReserveEligible,
                                                         skills: $0.skills.joined(separator: ","), preferred: $0.preferredShifts.joined(separator: ","),
                                                         unavailable: $0.unavailable.map(\.description).joined(separator: ",")) },
                          error: error?.reason)
        let res = try await req.view.render("workforce_setup", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    struct JSONForm: Content { var json: String? }

    func saveTemplates(req: Request) async throws -> Response {
        let text = try req.content.decode(JSONForm.self).json ?? ""
        do {
            let templates: [ShiftTemplate]
            do { templates = try JSONDecoder().decode([ShiftTemplate].self, from: Data(text.utf8)) } catch {
                throw KefuError.invalid([.init(field: "templates", message: "班次须为 JSON 数组：\(error)")])
            }
            guard !templates.isEmpty else { throw KefuError.invalid([.init(field: "templates", message: "至少需要一个班次")]) }
            guard Set(templates.map(\.code)).count == templates.count else { throw KefuError.invalid([.init(field: "templates", message: "班次代码不能重复")]) }
            do { for t in templates { try t.validate() } } catch let e as WorkforceError { throw KefuError(e) }
            try await WorkforceSettings.save(req, key: WorkforceSettings.templatesKey, json: WorkforceSettings.json(templates), action: "workforce.templates_saved")
            return req.redirect(to: "/workforce/setup", notice: "班次已保存，新生成的排班表起生效")
        } catch let e as KefuError {
            return try await render(req, templates: text, rules: nil, error: e)
        }
    }

    func saveRules(req: Request) async throws -> Response {
        let text = try req.content.decode(JSONForm.self).json ?? ""
        do {
            let rules: RosterRules
            do { rules = try JSONDecoder().decode(RosterRules.self, from: Data(text.utf8)) } catch {
                throw KefuError.invalid([.init(field: "rules", message: "规则须为 JSON 对象：\(error)")])
            }
            do { try rules.validate() } catch let e as WorkforceError { throw KefuError(e) }
            try await WorkforceSettings.save(req, key: WorkforceSettings.rulesKey, json: WorkforceSettings.json(rules), action: "workforce.rules_saved")
            return req.redirect(to: "/workforce/setup", notice: "排班规则已保存")
        } catch let e as KefuError {
            return try await render(req, templates: nil, rules: text, error: e)
        }
    }

    func saveProfile(req: Request) async throws -> Response {
        struct Form: Content {
            var workId: String?; var weeklyHours: String?; var nightAllowed: String?; var reserveEligible: String?
            var skills: String?; var preferred: String?; var unavailable: String?
        }
        let form = try req.content.decode(Form.self)
        do {
            let agents = try await RosterService(db: req.db, timeZone: req.kefu.settings.timeZone).agents()
            guard let workId = form.workId, agents.contains(where: { $0.workId == workId }) else {
                throw KefuError.invalid([.init(field: "workId", message: "工号不在排班人员中")])
            }
            guard let hours = Double(form.weeklyHours ?? ""), hours > 0, hours <= 40 else {
                throw KefuError.invalid([.init(field: "weeklyHours", message: "周合同工时须在 0 到 40 小时之间（员工平均周工作时长不超过 40 小时）")])
            }
            let days = RosterService.list(form.unavailable ?? "")
            if let bad = days.first(where: { LocalDay($0) == nil }) { throw KefuError.invalid([.init(field: "unavailable", message: "日期 \(bad) 须为 YYYY-MM-DD")]) }
            let profile = try await WorkforceProfile.query(on: req.db).filter(\.$workId == workId).first() ?? WorkforceProfile()
            profile.workId = workId
            profile.weeklyHours = hours
            profile.nightAllowed = form.nightAllowed == "on" || form.nightAllowed == "true"
            profile.reserveEligible = form.reserveEligible == "on" || form.reserveEligible == "true"
            profile.skills = RosterService.list(form.skills ?? "").joined(separator: ",")
            profile.preferredShifts = RosterService.list(form.preferred ?? "").joined(separator: ",")
            profile.unavailable = days.joined(separator: ",")
            profile.updatedAt = req.now
            try await req.db.writeTransaction { tx in
                try await profile.save(on: tx)
                try await req.history(on: tx).audit(action: "workforce.profile_saved", objectType: "workforce_profile", objectId: workId,
                                                    after: "\(hours)h night=\(profile.nightAllowed) pref=\(profile.preferredShifts) off=\(profile.unavailable)")
            }
            return req.redirect(to: "/workforce/setup", notice: "已保存 \(workId) 的排班资料")
        } catch let e as KefuError {
            return try await render(req, templates: nil, rules: nil, error: e)
        }
    }
}
