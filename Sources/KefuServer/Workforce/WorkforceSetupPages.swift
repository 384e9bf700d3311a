import Fluent
import Vapor
import KefuCore

/// Shift templates and rostering rules (forms in Chinese, validated by KefuCore, stored as JSON) and each person's
/// rostering profile: contract hours, night shifts, preferred shifts, leave days. Templates and
/// rules are the center's; profiles belong to the company whose roster the person is on.
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
        /// Skills are agent groups and preferences are shift templates: chosen by their Chinese
        /// names, stored as codes.
        var skills: [Option]; var preferred: [Option]; var unavailable: String
    }
    struct Option: Encodable { var value: String; var label: String; var selected: Bool }
    struct Context: Encodable {
        var page: PageContext; var company: WorkforceCompanyPicker; var templates: [WorkforceSetupForms.TemplateRow]; var templatesError: String?
        var rules: [WorkforceSetupForms.RuleField]; var rulesError: String?
        /// The stored documents, read-only, for export ("高级：JSON").
        var templatesJSON: String; var rulesJSON: String
        var profiles: [Profile]; var error: String?
    }

    /// What a refused save sends back into the form: the fields exactly as typed and the reasons.
    enum Draft { case templates([String: String]), rules([String: String]) }

    func page(req: Request) async throws -> Response { try await render(req, draft: nil, error: nil) }

    func render(_ req: Request, draft: Draft?, error: KefuError?) async throws -> Response {
        let company = try await req.workforceCompany(.read)
        let agents = try await RosterService(company: company, timeZone: req.kefu.settings.timeZone).agents()
        let savedTemplates = try await WorkforceSettings.templates(company)
        let savedRules = try await WorkforceSettings.rules(company)
        let problems = error?.fields ?? []
        var templateRows = WorkforceSetupForms.rows(savedTemplates)
        var typedRules: [String: String]?
        var templatesError: String?, rulesError: String?
        switch draft {
        case .templates(let form)?:
            templateRows = WorkforceSetupForms.rows(form, problems: problems)
            templatesError = problems.filter { $0.field == "templates" }.map(\.message).joined(separator: "；")
        case .rules(let form)?:
            typedRules = form
            rulesError = error?.reason
        case nil: break
        }
        let ctx = Context(page: PageContext(req, user: try req.user(), title: "班次、规则与人员"),
                          company: try await WorkforceCompanyPicker.make(company, tenant: try await req.tenant()),
                          templates: templateRows, templatesError: templatesError?.isEmpty == false ? templatesError : nil,
                          rules: WorkforceSetupForms.ruleFields(savedRules, typed: typedRules, problems: problems), rulesError: rulesError,
                          templatesJSON: WorkforceSettings.json(savedTemplates, pretty: true), rulesJSON: WorkforceSettings.json(savedRules, pretty: true),
                          profiles: agents.map { a in Profile(workId: a.workId, name: a.name, weeklyHours: String(format: "%g", a.weeklyHours),
                                                         nightAllowed: a.nightAllowed, reserveEligible: a.isReserveEligible,
                                                         skills: AgentGroup.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: a.skills.contains($0.rawValue)) },
                                                         preferred: savedTemplates.map { Option(value: $0.code, label: $0.name, selected: a.preferredShifts.contains($0.code)) },
                                                         unavailable: a.unavailable.map(\.description).joined(separator: ",")) },
                          error: error?.reason)
        let res = try await req.view.render("workforce_setup", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    /// One row per template (`t<n>_code`, `_name`, `_start`, `_end`, `_breaks`), in row order.
    func saveTemplates(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        switch WorkforceSetupForms.templates(form) {
        case .failure(let e):
            return try await render(req, draft: .templates(form), error: e)
        case .success(let templates):
            let company = try await req.workforceCompany(.write)
            try await WorkforceSettings.save(req, company: company, key: WorkforceSettings.templatesKey, json: WorkforceSettings.json(templates), action: "workforce.templates_saved")
            return req.redirect(to: "/workforce/setup", notice: "班次已保存，新生成的排班表起生效")
        }
    }

    func saveRules(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        switch WorkforceSetupForms.rules(form) {
        case .failure(let e):
            return try await render(req, draft: .rules(form), error: e)
        case .success(let rules):
            let company = try await req.workforceCompany(.write)
            try await WorkforceSettings.save(req, company: company, key: WorkforceSettings.rulesKey, json: WorkforceSettings.json(rules), action: "workforce.rules_saved")
            return req.redirect(to: "/workforce/setup", notice: "排班规则已保存")
        }
    }

    func saveProfile(req: Request) async throws -> Response {
        struct Form: Content {
            var workId: String?; var weeklyHours: String?; var nightAllowed: String?; var reserveEligible: String?
            var skills: [String]?; var preferred: [String]?; var unavailable: String?
        }
        let form = try req.content.decode(Form.self)
        do {
            let company = try await req.workforceCompany(.write)
            let agents = try await RosterService(company: company, timeZone: req.kefu.settings.timeZone).agents()
            guard let workId = form.workId, agents.contains(where: { $0.workId == workId }) else {
                throw KefuError.invalid([.init(field: "workId", message: "工号不在排班人员中")])
            }
            guard let hours = Double(form.weeklyHours ?? ""), hours > 0, hours <= 40 else {
                throw KefuError.invalid([.init(field: "weeklyHours", message: "周合同工时须在 0 到 40 小时之间（员工平均周工作时长不超过 40 小时）")])
            }
            let skills = form.skills ?? []
            if let bad = skills.first(where: { AgentGroup(rawValue: $0) == nil }) {
                throw KefuError.invalid([.init(field: "skills", message: "未知的技能组：\(bad)")])
            }
            let templates = try await WorkforceSettings.templates(company)
            let preferred = form.preferred ?? []
            if let bad = preferred.first(where: { code in !templates.contains { $0.code == code } }) {
                throw KefuError.invalid([.init(field: "preferred", message: "没有这个班次：\(bad)")])
            }
            let days = RosterService.list(form.unavailable ?? "")
            if let bad = days.first(where: { LocalDay($0) == nil }) { throw KefuError.invalid([.init(field: "unavailable", message: "日期 \(bad) 须为 YYYY-MM-DD")]) }
            let profile = try await company.data.query(WorkforceProfile.self).filter(\.$workId == workId).first() ?? WorkforceProfile()
            if profile.id == nil {
                // One profile per person (unique work_id): someone granted to this company whose
                // profile another company keeps is not overwritten from here.
                guard try await TenantData.system(req.db).query(WorkforceProfile.self).filter(\.$workId == workId).count() == 0 else {
                    throw KefuError.conflict("profile_elsewhere", "工号 \(workId) 的排班资料由其所属公司维护，不能在 \(company.name) 修改。")
                }
                profile.companyID = company.id
            }
            profile.workId = workId
            profile.weeklyHours = hours
            profile.nightAllowed = form.nightAllowed == "on" || form.nightAllowed == "true"
            profile.reserveEligible = form.reserveEligible == "on" || form.reserveEligible == "true"
            profile.skills = skills.joined(separator: ",")
            profile.preferredShifts = preferred.joined(separator: ",")
            profile.unavailable = days.joined(separator: ",")
            profile.updatedAt = req.now
            try await req.db.writeTransaction { tx in
                try await profile.save(on: tx)
                try await req.history(on: tx).audit(action: "workforce.profile_saved", objectType: "workforce_profile", objectId: workId,
                                                    after: "\(hours)h night=\(profile.nightAllowed) pref=\(profile.preferredShifts) off=\(profile.unavailable)")
            }
            return req.redirect(to: "/workforce/setup?\(company.query)", notice: "已保存 \(workId) 的排班资料")
        } catch let e as KefuError {
            return try await render(req, draft: nil, error: e)
        }
    }
}
