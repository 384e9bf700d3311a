import Vapor
import Fluent
import KefuCore

/// Adding and deactivating a company's or branch's own forbidden phrases (R11.1), in the
/// editor's scope: a company outside it does not exist here. Every change is audited and
/// bumps the rules revision, so every process rebuilds the engines it cached.
struct LexiconAdditionService {
    let tenant: TenantData
    let now: Date
    let history: History
    let actor: String

    init(req: Request) async throws {
        tenant = try await req.tenant(); now = req.now; history = req.history(); actor = try req.user().workId
    }

    /// Where an addition goes: a whole company, or one of its branches.
    enum Target: Sendable {
        case company(UUID)
        case branch(UUID)

        /// The form's value: `c-<company id>` or `b-<branch id>`.
        init(form: String?) throws {
            let raw = form ?? ""
            let id = UUID(uuidString: String(raw.dropFirst(2)))
            switch (raw.prefix(2), id) {
            case ("c-", let id?): self = .company(id)
            case ("b-", let id?): self = .branch(id)
            default: throw KefuError.invalid([.init(field: "target", message: "请选择适用范围：全公司或某个分公司。")])
            }
        }
    }

    @discardableResult
    func add(phrase: String?, note: String?, target: Target) async throws -> LexiconAddition {
        let companyID: UUID, branchID: UUID?
        switch target {
        case .company(let id): companyID = try await tenant.company(id).requireID(); branchID = nil
        case .branch(let id):
            let b = try await tenant.branch(id)
            companyID = b.$company.id; branchID = try b.requireID()
        }
        let base = try await LanguageRules.currentLexicon(on: tenant.db)
        let noteText = ContactService.trimmed(note) ?? ""
        let tenant = self.tenant, now = self.now, actor = self.actor, history = self.history
        return try await tenant.db.writeTransaction { tx in
            let existing = try await tenant.on(tx).query(LexiconAddition.self).filter(\.$companyID == companyID)
                .filter(\.$active == true).all().map(\.entry)
            let checked: String
            do {
                checked = try LexiconAdditions.validate(phrase: phrase ?? "", note: noteText, kind: .forbidden, company: companyID,
                                                        branch: branchID, base: base, existing: existing)
            } catch let e as LexiconError {
                throw KefuError.invalid([.init(field: "phrase", message: e.reason)])
            }
            let row = LexiconAddition(companyID: companyID, branchID: branchID, kind: .forbidden, phrase: checked, note: noteText,
                                      createdBy: actor, createdAt: now)
            try await row.create(on: tx)
            try await LanguageRules.bumpRevision(on: tx)
            try await history.on(tx).audit(action: "qa.lexicon_addition_added", objectType: "lexicon_addition",
                                           objectId: try row.requireID().uuidString,
                                           after: "\(branchID == nil ? "全公司" : "分公司") 补充忌语“\(checked)”" + (noteText.isEmpty ? "" : "：\(noteText)"))
            return row
        }
    }

    /// Takes an addition out of force; it stays listed (inactive) for the center.
    func deactivate(_ id: UUID?) async throws {
        let tenant = self.tenant, history = self.history
        try await tenant.db.writeTransaction { tx in
            guard let row = try await tenant.on(tx).find(LexiconAddition.self, id) else { throw KefuError.notFound("补充忌语") }
            guard row.active else { throw KefuError.conflict("addition_inactive", "该补充忌语已停用。") }
            row.active = false
            try await row.save(on: tx)
            try await LanguageRules.bumpRevision(on: tx)
            try await history.on(tx).audit(action: "qa.lexicon_addition_deactivated", objectType: "lexicon_addition",
                                           objectId: try row.requireID().uuidString, before: row.phrase, after: "停用")
        }
    }

    /// Every addition in scope (and filter), newest first, inactive ones included.
    func list(_ filter: TenantFilter, limit: Int = 500) async throws -> [LexiconAddition] {
        let q = tenant.query(LexiconAddition.self)
        filter.apply(q)
        return try await q.sort(\.$createdAt, .descending).limit(limit).all()
    }
}
