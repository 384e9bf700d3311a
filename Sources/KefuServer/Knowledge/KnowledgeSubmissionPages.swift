import Vapor
import Fluent
import KefuCore

/// /kb/submissions — liaisons and the front line send knowledge or a correction; the
/// knowledge editor accepts (into a draft) or declines with a reason (R6.1).
struct KnowledgeSubmissionPages {
    func register(_ routes: RoutesBuilder) {
        let submit = routes.grouped("kb", "submissions").requiring(.knowledgeSubmit)
        submit.get(use: page)
        submit.post(use: create)
        let handle = routes.grouped("kb", "submissions").requiring(.knowledgeEdit)
        handle.post(":id", "accept", use: accept)
        handle.post(":id", "reject", use: reject)
    }

    struct Row: Encodable {
        var id: String; var kind: String; var status: String; var statusLabel: String; var pending: Bool
        var title: String; var text: String; var articleId: String?; var articleTitle: String?
        var submittedBy: String; var submittedAt: String; var handledBy: String?; var reply: String?
    }
    struct Context: Encodable {
        var page: PageContext
        var mayHandle: Bool
        @NilIfEmpty var rows: [Row]
        var pendingCount: Int
        var form: KnowledgeSubmissions.Input
        var articleTitle: String?
        var error: String?
    }

    func page(req: Request) async throws -> View {
        let s = try await KnowledgeSubmissions(req: req)
        var form = KnowledgeSubmissions.Input(kind: KnowledgeArticle.SubmissionKind.new.rawValue)
        var title: String?
        if let raw = req.query[String.self, at: "article"], let a = try await s.tenant.find(KnowledgeArticleRecord.self, UUID(uuidString: raw)),
           a.status == .published {
            form = .init(kind: KnowledgeArticle.SubmissionKind.correction.rawValue, article: a.id?.uuidString, title: "纠错：\(a.title)")
            title = a.title
        }
        return try await render(req, s, form: form, articleTitle: title, error: nil)
    }

    func render(_ req: Request, _ s: KnowledgeSubmissions, form: KnowledgeSubmissions.Input, articleTitle: String?, error: KefuError?) async throws -> View {
        let rows = try await s.list()
        let articleIDs = Set(rows.compactMap(\.articleID))
        let titles = articleIDs.isEmpty ? [:] : Dictionary(
            try await s.tenant.query(KnowledgeArticleRecord.self, ids: Array(articleIDs)).all().compactMap { a in a.id.map { ($0, a.title) } },
            uniquingKeysWith: { a, _ in a })
        let tz = req.kefu.settings.timeZone
        return try await req.view.render("kb_submissions", Context(
            page: PageContext(req, user: s.user, title: s.mayHandle ? "知识提交处理" : "提交知识与纠错"), mayHandle: s.mayHandle,
            rows: rows.map { r in
                Row(id: r.id?.uuidString ?? "", kind: r.kind.label, status: r.status.rawValue, statusLabel: r.status.label, pending: r.status == .pending,
                    title: r.title, text: r.text, articleId: r.articleID?.uuidString, articleTitle: r.articleID.flatMap { titles[$0] },
                    submittedBy: r.submittedBy, submittedAt: PageFormat.dateTime(r.submittedAt, tz), handledBy: r.handledBy, reply: r.reply)
            },
            pendingCount: rows.filter { $0.status == .pending }.count, form: form, articleTitle: articleTitle, error: error?.reason))
    }

    func create(req: Request) async throws -> Response {
        let s = try await KnowledgeSubmissions(req: req)
        let input = try req.content.decode(KnowledgeSubmissions.Input.self)
        return try await req.once(form: "kb.submission", fallback: "/kb/submissions") {
            do {
                _ = try await s.submit(input)
                return .created("/kb/submissions", req.redirect(to: "/kb/submissions", notice: "已提交，采编员处理后会通知您。"))
            } catch let e as KefuError {
                var title: String?
                if let id = input.article.flatMap(UUID.init(uuidString:)) { title = try await s.tenant.find(KnowledgeArticleRecord.self, id)?.title }
                let res = try await render(req, s, form: input, articleTitle: title, error: e).encodeResponse(for: req)
                res.status = e.status
                return .refused(res)
            }
        }
    }

    struct Decision: Content { var reply: String? }

    func accept(req: Request) async throws -> Response {
        try await decide(req, accept: true)
    }

    func reject(req: Request) async throws -> Response {
        try await decide(req, accept: false)
    }

    func decide(_ req: Request, accept: Bool) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("知识提交") }
        let s = try await KnowledgeSubmissions(req: req)
        do {
            let article = try await s.decide(id, accept: accept, reply: try req.content.decode(Decision.self).reply)
            if let article, let articleID = article.id {
                return req.redirect(to: "/kb/articles/\(articleID.uuidString)/edit",
                                    notice: article.version == 0 ? "已采纳，已据此新建草稿，请编辑后发布。" : "已采纳，请据此修改文章草稿后发布新版本。")
            }
            return req.redirect(to: "/kb/submissions", notice: accept ? "已采纳。" : "已答复提交人：未采纳。")
        } catch let e as KefuError {
            let res = try await render(req, s, form: .init(kind: KnowledgeArticle.SubmissionKind.new.rawValue), articleTitle: nil, error: e).encodeResponse(for: req)
            res.status = e.status
            return res
        }
    }
}
