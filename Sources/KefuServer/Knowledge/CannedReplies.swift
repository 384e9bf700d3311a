import Vapor
import Fluent
import KefuCore

/// Keeping and picking canned replies (R6.3). A person's own replies live in their company;
/// the shared ones are kept by the knowledge editor and the leads (`CannedReply.mayKeepShared`).
/// Every saved text passes the language check first: a reply with a forbidden phrase (or a
/// protected number) is refused with the phrase named, so no agent can send it with one click.
struct CannedReplies {
    let tenant: TenantData
    let user: User
    let role: Role
    let now: Date

    init(req: Request) async throws {
        let (user, role) = try req.userAndRole()
        self.init(tenant: try await req.tenant(), user: user, role: role, now: req.now)
    }

    init(tenant: TenantData, user: User, role: Role, now: Date) {
        self.tenant = tenant; self.user = user; self.role = role; self.now = now
    }

    struct Input: Content {
        var shortcut: String?
        var title: String?
        var text: String?
        /// A shared reply (the center's) rather than one's own.
        var shared: Bool?
    }

    struct DTO: Content {
        var id: UUID
        var shortcut: String
        var title: String
        var text: String
        var shared: Bool
        var owner: String?
        var updatedAt: Date
    }

    func dto(_ r: CannedReplyRecord) throws -> DTO {
        DTO(id: try r.requireID(), shortcut: r.shortcut, title: r.title, text: r.text, shared: r.isShared,
            owner: r.isShared ? nil : r.ownerWorkId, updatedAt: r.updatedAt)
    }

    /// One's own replies and the shared ones of the companies in view, shortcut order.
    func list(company: UUID? = nil) async throws -> [CannedReplyRecord] {
        let query = tenant.query(CannedReplyRecord.self).group(.or) { $0.filter(\.$ownerWorkId == "").filter(\.$ownerWorkId == user.workId) }
        if let company { query.filter(\.$companyID == company) }
        return try await query.sort(\.$shortcut).all().filter { $0.isShared || $0.companyID == user.companyID }
    }

    func save(_ input: Input, id: UUID? = nil, req: Request) async throws -> CannedReplyRecord {
        let shortcut = (input.shortcut ?? "").trimmingCharacters(in: .whitespaces)
        let title = (input.title ?? "").trimmingCharacters(in: .whitespaces)
        let text = (input.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // Checked as sent (a control character is refused, not trimmed away), and as kept.
        let problems = CannedReply.problems(shortcut: input.shortcut ?? "", title: input.title ?? "", text: input.text ?? "")
            .map { FieldProblemDTO(field: $0.field, message: $0.message) }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        var existing: CannedReplyRecord?
        if let id { existing = try await mine(id) }
        let shared = existing?.isShared ?? (input.shared ?? false)
        if shared && !CannedReply.mayKeepShared(role) {
            throw KefuError.forbidden("共享快捷回复由采编员和班长维护；您可以保存为个人快捷回复。")
        }
        let company = existing?.companyID ?? user.companyID
        try tenant.check(company)
        // The text as an agent would send it: variables filled with neutral values.
        let sample = CannedReply.expand(text, customerName: nil, workId: user.workId, greeting: .daily)
        try await QualityAPI.refuseBlocked(sample, channel: "chat", company: company, branch: user.branchID, field: "text",
                                           refusal: "快捷回复含有服务忌语，不能保存", on: req)
        let owner = shared ? "" : (existing?.ownerWorkId ?? user.workId)
        return try await tenant.db.writeTransaction { [tenant, user, now] tx in
            let data = tenant.on(tx)
            let clash = data.query(CannedReplyRecord.self).filter(\.$companyID == company).filter(\.$ownerWorkId == owner).filter(\.$shortcut == shortcut)
            if let id { clash.filter(\.$id != id) }
            if try await clash.count() > 0 {
                throw KefuError.conflict("shortcut_taken", "快捷码 /\(shortcut) 已在使用，请换一个。")
            }
            let r: CannedReplyRecord
            if let id {
                guard let found = try await data.query(CannedReplyRecord.self).filter(\.$id == id).first() else { throw KefuError.notFound("快捷回复") }
                r = found
            } else {
                r = CannedReplyRecord()
                r.id = UUID(); r.companyID = company; r.ownerWorkId = owner; r.createdBy = user.workId; r.createdAt = now
            }
            let before = id == nil ? nil : "/\(r.shortcut) \(r.title)：\(r.text)"
            r.shortcut = shortcut; r.title = title; r.text = text; r.updatedAt = now
            try await r.save(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: id == nil ? "canned_reply.created" : "canned_reply.changed", objectType: "canned_reply",
                       objectId: r.id?.uuidString, before: before, after: "/\(shortcut) \(title)：\(text)")
            return r
        }
    }

    func delete(_ id: UUID) async throws {
        let r = try await mine(id)
        try await tenant.db.writeTransaction { [tenant, user, now] tx in
            try await tenant.on(tx).query(CannedReplyRecord.self).filter(\.$id == id).delete()
            try await IdempotencyMiddleware.forget(created: id, path: "/api/v1/canned-replies", on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "canned_reply.deleted", objectType: "canned_reply", objectId: id.uuidString,
                       before: "/\(r.shortcut) \(r.title)：\(r.text)")
        }
    }

    /// A reply this person may change: their own, or a shared one when they keep those.
    /// Someone else's own reply does not exist for them (404).
    func mine(_ id: UUID) async throws -> CannedReplyRecord {
        guard let r = try await tenant.find(CannedReplyRecord.self, id), r.isShared || r.ownerWorkId == user.workId else {
            throw KefuError.notFound("快捷回复")
        }
        if r.isShared && !CannedReply.mayKeepShared(role) {
            throw KefuError.forbidden("共享快捷回复由采编员和班长维护。")
        }
        return r
    }
}
