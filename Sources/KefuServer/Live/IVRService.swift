import Vapor
import Fluent
import KefuCore

/// The voice menu in force and its edits, one per branch 分公司 (R11.1: each branch has its
/// own hotline and welcome): each save is validated by KefuCore, stored as a new version of
/// that branch's menu and audited. The hotline and the welcome template are the branch's
/// own fields (one place, shared with the branch settings); the stored menu carries the rest.
struct IVRService {
    let tenant: TenantData
    let now: Date
    let history: History

    init(req: Request, tenant: TenantData) { self.tenant = tenant; now = req.now; history = req.history() }

    /// The branch a request means: `code` (404 when not among the caller's), else the
    /// caller's default branch.
    static func branch(code: String?, tenant: TenantData) async throws -> Branch {
        if let code = code?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
            // Any code that names no branch in scope, malformed or not, is simply not found.
            return try await tenant.branch(code: code, company: tenant.scope.single)
        }
        return try await tenant.defaultBranch()
    }

    /// The company's first branch (the one calls with an unknown dialled number go to).
    static func firstBranch(of company: UUID, tenant: TenantData) async throws -> Branch {
        guard let b = try await tenant.branches(of: company).sorted(by: { $0.createdAt < $1.createdAt }).first else {
            throw KefuError.notFound("分公司")
        }
        return b
    }

    /// The branch's newest menu (the standard one before its first save), with the branch's
    /// hotline and welcome template.
    static func current(branch: Branch, tenant: TenantData) async throws -> IVRMenu {
        let id = try branch.requireID()
        var menu = IVRMenu.standard
        if let row = try await tenant.query(IVRMenuVersion.self).filter(\.$branchID == id).sort(\.$version, .descending).first(),
           let saved = try? JSONDecoder().decode(IVRMenu.self, from: Data(row.body.utf8)) {
            menu = saved
            menu.version = row.version
        }
        menu.hotline = branch.hotline
        menu.welcome = branch.welcome
        return menu
    }

    /// The welcome as the caller of `branch` hears it (`WelcomeText`); `{workId}` is left
    /// for the switch to fill when an agent answers.
    static func welcome(branch: Branch, company: Company) -> String {
        WelcomeText.fill(branch.welcome, company: company.name, branch: branch.name, hotline: branch.hotline)
    }

    /// Saves `menu` as the next version of `branch`'s menu; its hotline and welcome become
    /// the branch's. One transaction.
    func save(_ menu: IVRMenu, branch: Branch, note: String?) async throws -> Int {
        let problems = menu.problems()
        guard problems.isEmpty else {
            throw KefuError.invalid(problems.map { FieldProblemDTO(field: "ivr", message: $0) })
        }
        let noteText = String((ContactService.trimmed(note) ?? "编辑语音导航").prefix(200))
        let actor = history.actorWorkId
        let branchID = try branch.requireID()
        let companyID = branch.$company.id
        try tenant.check(companyID, "分公司")
        let tenant = self.tenant
        return try await tenant.db.writeTransaction { tx in
            let scoped = tenant.on(tx)
            let last = try await scoped.query(IVRMenuVersion.self).filter(\.$branchID == branchID)
                .sort(\.$version, .descending).first()?.version ?? IVRMenu.standard.version
            var saved = menu
            saved.version = last + 1
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let row = IVRMenuVersion()
            row.id = UUID(); row.companyID = companyID; row.branchID = branchID
            row.version = saved.version; row.body = String(decoding: try encoder.encode(saved), as: UTF8.self)
            row.note = noteText; row.createdBy = actor; row.createdAt = self.now
            try await row.create(on: tx)
            if branch.hotline != menu.hotline || branch.welcome != menu.welcome {
                branch.hotline = menu.hotline
                branch.welcome = menu.welcome
                try await branch.save(on: tx)
            }
            try await self.history.on(tx).audit(action: "ivr.saved", objectType: "ivr_menu", objectId: "\(branch.code):\(saved.version)",
                                                before: String(last), after: "\(saved.menus.count) 个菜单：\(noteText)")
            return saved.version
        }
    }
}
