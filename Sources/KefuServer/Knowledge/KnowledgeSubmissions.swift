import Vapor
import Fluent
import KefuCore

/// What department liaisons and the front line send the knowledge editor (R6.1, 002 采编员:
/// 各部门联络员提供业务知识): new knowledge or a correction of an article. The editor accepts
/// (new knowledge becomes a draft; a correction is applied to the article's draft by hand)
/// or declines with a reason; the sender is told either way.
struct KnowledgeSubmissions {
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

    var mayHandle: Bool { KnowledgeArticle.mayPublish(role) }

    struct Input: Content {
        var kind: String?
        var article: String?
        var title: String?
        var text: String?
    }

    /// The editor: everything, waiting ones first; everyone else: what they sent.
    func list() async throws -> [KnowledgeSubmissionRecord] {
        let q = tenant.query(KnowledgeSubmissionRecord.self)
        if !mayHandle { q.filter(\.$submittedBy == user.workId) }
        let rows = try await q.sort(\.$submittedAt, .descending).limit(300).all()
        return rows.filter { $0.status == .pending } + rows.filter { $0.status != .pending }
    }

    func submission(_ id: UUID?) async throws -> KnowledgeSubmissionRecord {
        guard let s = try await tenant.find(KnowledgeSubmissionRecord.self, id), mayHandle || s.submittedBy == user.workId else {
            throw KefuError.notFound("知识提交")
        }
        return s
    }

    func submit(_ input: Input) async throws -> KnowledgeSubmissionRecord {
        guard KnowledgeArticle.maySubmit(role) else { throw KefuError.forbidden() }
        guard let kind = KnowledgeArticle.SubmissionKind(rawValue: input.kind ?? "") else {
            throw KefuError.invalid([.init(field: "kind", message: "请选择“新增知识”或“纠错”")])
        }
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let text = (input.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var article: KnowledgeArticleRecord?
        if let raw = input.article?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            guard let found = try await tenant.find(KnowledgeArticleRecord.self, UUID(uuidString: raw)), found.status == .published || mayHandle else {
                throw KefuError.invalid([.init(field: "article", message: "要更正的文章不存在")])
            }
            article = found
        }
        var problems = KnowledgeSubmission.problems(kind: kind, title: title, text: text, hasArticle: article != nil)
            .map { FieldProblemDTO(field: $0.field, message: $0.message) }
        if Validation.hasControlCharacters(title) { problems.append(.init(field: "title", message: "标题不能含控制字符")) }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        let company = article?.companyID ?? tenant.homeCompanyID ?? user.companyID
        let articleID = article?.id
        return try await tenant.db.writeTransaction { [tenant, user, now] tx in
            try tenant.on(tx).check(company)
            let s = KnowledgeSubmissionRecord()
            s.id = UUID(); s.companyID = company; s.kind = kind; s.status = .pending; s.articleID = articleID
            s.title = title; s.text = text; s.submittedBy = user.workId; s.submittedAt = now
            try await s.create(on: tx)
            let n = KefuNotification(recipientWorkId: nil, recipientRole: Role.knowledgeEditor.rawValue, workOrderID: nil,
                                     message: "\(user.workId) 号提交了\(kind.label)：\(title)", createdAt: now)
            n.companyID = company
            try await n.create(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "knowledge.submitted", objectType: "knowledge_submission", objectId: s.id?.uuidString, after: "\(kind.label)：\(title)")
            return s
        }
    }

    /// The editor's answer. Accepting new knowledge makes a draft article of it (returned,
    /// to be edited and published); accepting a correction returns the article to correct.
    func decide(_ id: UUID, accept: Bool, reply: String?) async throws -> KnowledgeArticleRecord? {
        guard mayHandle else { throw KefuError.forbidden("知识提交由采编员处理。") }
        let answer = (reply ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = KnowledgeSubmission.replyProblem(accept: accept, reply: answer) {
            throw KefuError.invalid([.init(field: "reply", message: problem)])
        }
        return try await tenant.db.writeTransaction { [tenant, user, now] tx in
            let data = tenant.on(tx)
            guard let s = try await data.find(KnowledgeSubmissionRecord.self, id) else { throw KefuError.notFound("知识提交") }
            guard s.status == .pending else {
                throw KefuError.conflict("already_handled", "该提交已由 \(s.handledBy ?? "") 号处理（\(s.status.label)）。")
            }
            var article: KnowledgeArticleRecord?
            if accept {
                if let existing = s.articleID {
                    article = try await data.find(KnowledgeArticleRecord.self, existing)
                } else {
                    let a = KnowledgeArticleRecord()
                    a.id = UUID(); a.companyID = s.companyID; a.status = .draft; a.version = 0
                    a.category = KnowledgeBase.categories[0]; a.title = String(s.title.prefix(KnowledgeArticle.maxTitle))
                    a.officialWording = ""; a.body = s.text; a.requiredReading = false; a.audience = ""
                    a.draftChanged = true; a.createdBy = user.workId; a.createdAt = now; a.updatedAt = now
                    try await a.create(on: tx)
                    s.articleID = a.id
                    article = a
                }
            }
            s.status = accept ? .accepted : .rejected
            s.handledBy = user.workId; s.handledAt = now; s.reply = answer.isEmpty ? nil : answer
            try await s.save(on: tx)
            let told = accept ? "已采纳" : "未采纳（\(answer)）"
            let n = KefuNotification(recipientWorkId: s.submittedBy, recipientRole: nil, workOrderID: nil,
                                     message: "您提交的\(s.kind.label)「\(s.title)」\(told)。", createdAt: now)
            n.companyID = s.companyID
            try await n.create(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: accept ? "knowledge.submission_accepted" : "knowledge.submission_rejected",
                       objectType: "knowledge_submission", objectId: id.uuidString, after: answer.isEmpty ? nil : answer)
            return article
        }
    }
}
