import Vapor
import Fluent
import KefuCore

/// The admin's voice-menu editor (R3.3): welcome, wait offer, voicemail prompt, menus with
/// their keys (targets chosen by Chinese name, stored as codes); a simulator that walks the tree by key presses; the JSON export for the switch.
/// One menu per branch 分公司 (R11.1): `?branch=CODE` picks it (default: the person's own).
struct IVRPages {
    func register(_ routes: RoutesBuilder, api: RoutesBuilder) {
        let admin = routes.requiring(.adminSettings)
        admin.get("admin", "ivr", use: page)
        admin.post("admin", "ivr", use: save)
        admin.get("admin", "ivr.json", use: export)
        api.requiring(.adminSettings).get("ivr", use: export)
    }

    struct StepView: Encodable { var menu: String; var prompt: String; var key: String?; var outcome: String? }
    struct BranchChoice: Encodable { var code: String; var label: String; var selected: Bool }
    struct Context: Encodable {
        var page: PageContext; var branchCode: String; var branchName: String; var companyName: String
        @NilIfEmpty var branches: [BranchChoice]
        var version: Int; var hotline: String; var welcome: String; var welcomeSample: String
        var waitOfferSeconds: String; var waitOfferPrompt: String; var voicemailPrompt: String; var root: String
        var menus: [IVRMenuForm.MenuRow]; var keys: String; var steps: [StepView]; var end: String?; var error: String?
    }

    func page(req: Request) async throws -> Response {
        let tenant = try await req.tenant()
        let branch = try await IVRService.branch(code: req.query[String.self, at: "branch"], tenant: tenant)
        return try await render(req, branch: branch, menu: try await IVRService.current(branch: branch, tenant: tenant), drafts: nil, error: nil)
    }

    func render(_ req: Request, branch: Branch, menu: IVRMenu, drafts: [String: String]?, error: KefuError?) async throws -> Response {
        let tenant = try await req.tenant()
        let company = try await tenant.company(branch.$company.id)
        let labels = try await tenant.labels()
        let all = try await tenant.branches()
        let choices = all.count > 1 ? all.map { b in
            BranchChoice(code: b.code, label: labels.mixed ? "\(labels.companyName(b.$company.id))·\(b.name)（\(b.code)）" : "\(b.name)（\(b.code)）",
                         selected: b.id == branch.id)
        } : []
        var sample = branch
        if let drafts { sample = Branch(companyID: branch.$company.id, code: branch.code, name: branch.name,
                                        hotline: drafts["hotline"] ?? branch.hotline, welcome: drafts["welcome"] ?? branch.welcome, createdAt: branch.createdAt) }
        let forms = drafts.map { IVRMenuForm.rows($0, saved: menu, problems: error?.fields ?? []) } ?? IVRMenuForm.rows(menu)
        let keys = (req.query[String.self, at: "keys"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        var steps: [StepView] = []
        var end: String?
        if !keys.isEmpty || req.query[String.self, at: "keys"] != nil {
            let walk = IVRWalk(menu: menu, keys: keys)
            steps = walk.steps.map { StepView(menu: $0.menu, prompt: $0.prompt, key: $0.key, outcome: $0.outcome) }
            switch walk.end {
            case .queue(let q): end = "\(IVRTarget.queue(q).label(in: menu))：等待时每 \(menu.waitOfferSeconds) 秒播报“\(menu.waitOfferPrompt)”；无空闲坐席时转留言。"
            case .voicemail: end = "留言信箱：“\(menu.voicemailPrompt)” 留言将生成工单交申告处理员回复。"
            case .info(let t): end = "播报：\(t)"
            case .stillInMenu(let m): end = "停留在菜单「\(m)」，等待按键。"
            case .invalidKey(let k, let m): end = "菜单「\(m)」没有按键「\(k)」，重播提示语。"
            }
        }
        let ctx = Context(page: PageContext(req, user: try req.user(), title: "语音导航"),
                          branchCode: branch.code, branchName: branch.name, companyName: company.name, branches: choices,
                          version: menu.version,
                          hotline: drafts?["hotline"] ?? menu.hotline, welcome: drafts?["welcome"] ?? menu.welcome,
                          welcomeSample: IVRService.welcome(branch: sample, company: company).replacingOccurrences(of: "{workId}", with: "1001"),
                          waitOfferSeconds: drafts?["waitOfferSeconds"] ?? String(menu.waitOfferSeconds),
                          waitOfferPrompt: drafts?["waitOfferPrompt"] ?? menu.waitOfferPrompt,
                          voicemailPrompt: drafts?["voicemailPrompt"] ?? menu.voicemailPrompt, root: drafts?["root"] ?? menu.root,
                          menus: forms, keys: keys.joined(separator: ","), steps: steps, end: end, error: error?.reason)
        let res = try await req.view.render("ivr", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    /// Rebuilds the tree from the form: per menu an id and a prompt (`menu<i>_id`, `_prompt`),
    /// per key a row `menu<i>_opt<n>_key`, `_label`, `_target` (the stored spelling) and `_detail`.
    func save(req: Request) async throws -> Response {
        let f = try req.content.decode([String: String].self)
        let tenant = try await req.tenant()
        let branch = try await IVRService.branch(code: f["branch"], tenant: tenant)
        let current = try await IVRService.current(branch: branch, tenant: tenant)
        let back = "/admin/ivr?branch=" + branch.code.urlQueryEncoded
        do {
            var problems: [FieldProblemDTO] = []
            var menus: [IVRMenuNode] = []
            switch IVRMenuForm.menus(f) {
            case .success(let m): menus = m
            case .failure(let e): problems = e.fields
            }
            guard let wait = FormRows.int(f["waitOfferSeconds"] ?? "") else {
                throw KefuError.invalid(problems + [.init(field: "waitOfferSeconds", message: "等待提示间隔须为整数秒。")])
            }
            if !problems.isEmpty { throw KefuError.invalid(problems) }
            let menu = IVRMenu(version: current.version, hotline: (f["hotline"] ?? "").trimmingCharacters(in: .whitespaces),
                               welcome: (f["welcome"] ?? "").trimmingCharacters(in: .whitespaces), waitOfferSeconds: wait,
                               waitOfferPrompt: (f["waitOfferPrompt"] ?? "").trimmingCharacters(in: .whitespaces),
                               voicemailPrompt: (f["voicemailPrompt"] ?? "").trimmingCharacters(in: .whitespaces),
                               root: (f["root"] ?? "").trimmingCharacters(in: .whitespaces), menus: menus)
            // A save with nothing changed (a second click, or 保存 to look) makes no new version.
            if menu == current {
                return req.redirect(to: back, notice: "没有改动，仍为\(branch.name)语音导航第 \(current.version) 版")
            }
            let v = try await IVRService(req: req, tenant: tenant).save(menu, branch: branch, note: f["note"])
            return req.redirect(to: back, notice: "已保存为\(branch.name)语音导航第 \(v) 版")
        } catch let e as KefuError {
            return try await render(req, branch: branch, menu: current, drafts: f, error: e)
        }
    }

    /// The tree of one branch as JSON for the switch to load (`?branch=CODE`, default the
    /// caller's own branch; a branch of another company is a 404). `welcome` is the filled
    /// text the caller hears (company, branch and hotline put in; `{workId}` left for the
    /// switch), `welcomeTemplate` the branch's template; `companyCode`/`branchCode` say whose.
    func export(req: Request) async throws -> Response {
        try req.refuseEmptyQuery("branch")
        let tenant = try await req.tenant()
        let branch = try await IVRService.branch(code: req.query[String.self, at: "branch"], tenant: tenant)
        let company = try await tenant.company(branch.$company.id)
        var menu = try await IVRService.current(branch: branch, tenant: tenant)
        menu.welcome = IVRService.welcome(branch: branch, company: company)
        struct Export: Encodable {
            var menu: IVRMenu; var companyCode: String; var branchCode: String; var welcomeTemplate: String
            enum Keys: String, CodingKey { case companyCode, branchCode, welcomeTemplate }
            func encode(to encoder: Encoder) throws {
                try menu.encode(to: encoder)
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(companyCode, forKey: .companyCode); try c.encode(branchCode, forKey: .branchCode)
                try c.encode(welcomeTemplate, forKey: .welcomeTemplate)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let body = Export(menu: menu, companyCode: company.code, branchCode: branch.code, welcomeTemplate: branch.welcome)
        let res = Response(status: .ok, body: .init(data: try encoder.encode(body)))
        res.headers.contentType = .json
        return res
    }
}
