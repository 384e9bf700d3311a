import Vapor
import Fluent
import KefuCore

/// /kb — the knowledge base's pages (R6.1): everyone reads; the knowledge editor writes,
/// publishes and withdraws; agents confirm required articles; leads see who has not.
struct KnowledgePages {
    func register(_ routes: RoutesBuilder) {
        let read = routes.grouped("kb").requiring(.signedIn)
        read.get(use: list)
        read.get("articles", ":id", use: show)
        read.get("articles", ":id", "versions", ":version", use: version)
        read.post("articles", ":id", "read", use: confirmRead)
        read.get("images", ":id", use: KnowledgeImages.serve)
        let edit = routes.grouped("kb").requiring(.knowledgeEdit)
        edit.get("new", use: newForm)
        edit.post(use: create)
        edit.get("articles", ":id", "edit", use: editForm)
        edit.post("articles", ":id", use: update)
        edit.post("articles", ":id", "publish", use: publish)
        edit.on(.POST, "articles", ":id", "images", body: .collect(maxSize: KnowledgeImages.bodyLimit), use: addImage)
    }

    struct Row: Encodable {
        var id: String; var title: String; var category: String; var status: String; var statusLabel: String
        var version: Int; var required: Bool; var inForce: Bool; var draftChanged: Bool; var updatedAt: String; var unread: Bool
    }
    struct ListContext: Encodable {
        var page: PageContext
        @NilIfEmpty var rows: [Row]
        var categories: [String]
        var category: String
        var mayEdit: Bool
        var maySubmit: Bool
        /// The editor: submissions waiting for an answer.
        var pendingSubmissions: Int
        @NilIfEmpty var unread: [Row]
    }

    func list(req: Request) async throws -> View {
        let kb = try await KnowledgeBase(req: req)
        let category = req.query[String.self, at: "category"] ?? ""
        let unread = try await kb.unreadRequired()
        let unreadIDs = Set(unread.compactMap(\.id))
        let tz = req.kefu.settings.timeZone
        func row(_ a: KnowledgeArticleRecord) -> Row {
            Row(id: a.id?.uuidString ?? "", title: a.title, category: a.category, status: a.status.rawValue, statusLabel: a.status.label,
                version: a.version, required: a.requiredReading, inForce: kb.isInForce(a), draftChanged: a.draftChanged,
                updatedAt: PageFormat.dateTime(a.updatedAt, tz), unread: a.id.map(unreadIDs.contains) ?? false)
        }
        return try await req.view.render("kb", ListContext(
            page: PageContext(req, user: kb.user, title: "知识库"), rows: try await kb.list(category: category).map(row),
            categories: KnowledgeBase.categories, category: category, mayEdit: kb.mayEdit, maySubmit: KnowledgeArticle.maySubmit(kb.role),
            pendingSubmissions: kb.mayEdit ? try await kb.tenant.query(KnowledgeSubmissionRecord.self).filter(\.$status == .pending).count() : 0,
            unread: unread.map(row)))
    }

    struct VersionRow: Encodable { var version: Int; var publishedBy: String; var publishedAt: String; var note: String }
    struct Person: Encodable { var workId: String; var name: String }
    struct ShowContext: Encodable {
        var page: PageContext
        var id: String
        var title: String
        var category: String
        var statusLabel: String
        var published: Bool
        var version: Int
        var officialWording: String
        var bodyHTML: String
        var effective: String
        var inForce: Bool
        var required: Bool
        var mayEdit: Bool
        var maySubmit: Bool
        var audience: String
        var draftChanged: Bool
        var mustConfirm: Bool
        var confirmed: Bool
        @NilIfEmpty var versions: [VersionRow]
        var followReading: Bool
        var confirmedCount: Int
        @NilIfEmpty var missingPeople: [Person]
        var missingCount: Int
        var error: String?
    }

    func show(req: Request) async throws -> Response {
        try await render(req, error: nil)
    }

    func render(_ req: Request, error: KefuError?) async throws -> Response {
        let kb = try await KnowledgeBase(req: req)
        let a = try await kb.article(req.parameters.get("id", as: UUID.self))
        let tz = req.kefu.settings.timeZone
        // Readers see the last published text; the editor sees the draft.
        let versions = try await kb.versions(of: a)
        let shown = kb.mayEdit ? nil : versions.first
        let hasConfirmed = try await kb.hasConfirmed(a)
        var confirmed: [Person] = [], missing: [Person] = []
        let follow = KnowledgeArticle.mayFollowReading(kb.role) && a.requiredReading && a.status == .published
        if follow {
            let r = try await kb.readers(of: a)
            confirmed = r.confirmed.map { Person(workId: $0.workId, name: $0.name) }
            missing = r.missing.map { Person(workId: $0.workId, name: $0.name) }
        }
        let from = shown?.effectiveFrom ?? a.effectiveFrom, until = shown?.expiresOn ?? a.expiresOn
        let ctx = ShowContext(
            page: PageContext(req, user: kb.user, title: shown?.title ?? a.title), id: a.id?.uuidString ?? "",
            title: shown?.title ?? a.title, category: shown?.category ?? a.category, statusLabel: a.status.label,
            published: a.status == .published, version: a.version,
            officialWording: shown?.officialWording ?? a.officialWording,
            bodyHTML: KnowledgeMarkdown.html(shown?.body ?? a.body),
            effective: (from ?? "发布之日") + " 至 " + (until.map { "\($0)（不含）" } ?? "长期"),
            inForce: kb.isInForce(a), required: a.requiredReading, mayEdit: kb.mayEdit, maySubmit: KnowledgeArticle.maySubmit(kb.role) && a.status == .published,
            audience: try KnowledgeBase.audience(of: a).sorted { $0.label < $1.label }.map(\.label).joined(separator: "、"),
            draftChanged: a.draftChanged,
            mustConfirm: try await kb.mustConfirm(a, confirmed: hasConfirmed),
            confirmed: a.requiredReading && hasConfirmed,
            versions: versions.map { VersionRow(version: $0.version, publishedBy: $0.publishedBy, publishedAt: PageFormat.dateTime($0.publishedAt, tz), note: $0.note ?? "") },
            followReading: follow, confirmedCount: confirmed.count, missingPeople: missing, missingCount: missing.count, error: error?.reason)
        let res = try await req.view.render("kb_article", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    struct VersionContext: Encodable {
        var page: PageContext
        var id: String
        var title: String
        var version: Int
        var publishedAt: String
        var publishedBy: String
        var officialWording: String
        var bodyHTML: String
        var diff: [ArticleDiff.Line]
        var previous: Int?
    }

    func version(req: Request) async throws -> View {
        let kb = try await KnowledgeBase(req: req)
        let a = try await kb.article(req.parameters.get("id", as: UUID.self))
        guard let n = req.parameters.get("version", as: Int.self) else { throw KefuError.notFound("版本") }
        let versions = try await kb.versions(of: a)
        guard let v = versions.first(where: { $0.version == n }) else { throw KefuError.notFound("版本") }
        let before = versions.first { $0.version == n - 1 }
        func text(_ x: KnowledgeVersion?) -> String {
            guard let x else { return "" }
            return "标题：\(x.title)\n分类：\(x.category)\n统一口径：\n\(x.officialWording)\n正文：\n\(x.body)"
        }
        return try await req.view.render("kb_version", VersionContext(
            page: PageContext(req, user: kb.user, title: "\(v.title) 第 \(n) 版"), id: a.id?.uuidString ?? "", title: v.title,
            version: n, publishedAt: PageFormat.dateTime(v.publishedAt, req.kefu.settings.timeZone), publishedBy: v.publishedBy,
            officialWording: v.officialWording, bodyHTML: KnowledgeMarkdown.html(v.body),
            diff: before == nil ? [] : ArticleDiff.lines(from: text(before), to: text(v)), previous: before?.version))
    }

    func confirmRead(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("知识文章") }
        try await KnowledgeBase(req: req).confirmRead(id)
        return req.redirect(to: "/kb/articles/\(id.uuidString)", notice: "已确认阅读。")
    }

    // MARK: the editor

    struct GroupChoice: Encodable { var value: String; var label: String; var checked: Bool }
    struct FormContext: Encodable {
        var page: PageContext
        var id: String?
        var form: KnowledgeBase.Input
        var categories: [String]
        var groups: [GroupChoice]
        var error: String?

        init(page: PageContext, id: String?, form: KnowledgeBase.Input, categories: [String], error: String? = nil) {
            self.page = page; self.id = id; self.form = form; self.categories = categories; self.error = error
            let chosen = Set(form.audience ?? [])
            groups = AgentGroup.allCases.map { GroupChoice(value: $0.rawValue, label: $0.label, checked: chosen.contains($0.rawValue)) }
        }
    }

    func newForm(req: Request) async throws -> View {
        let kb = try await KnowledgeBase(req: req)
        return try await req.view.render("kb_edit", FormContext(page: PageContext(req, user: kb.user, title: "新建知识文章"), id: nil,
                                                             form: .init(category: KnowledgeBase.categories[0]), categories: KnowledgeBase.categories))
    }

    func editForm(req: Request) async throws -> View {
        let kb = try await KnowledgeBase(req: req)
        let a = try await kb.article(req.parameters.get("id", as: UUID.self))
        return try await req.view.render("kb_edit", FormContext(page: PageContext(req, user: kb.user, title: "编辑：\(a.title)"),
                                                             id: a.id?.uuidString, form: try .init(a), categories: KnowledgeBase.categories))
    }

    func create(req: Request) async throws -> Response {
        try await req.once(form: "kb.article", fallback: "/kb") {
            let res = try await save(req, id: nil)
            guard res.status == .seeOther || res.status == .found, let to = res.headers.first(name: .location) else { return .refused(res) }
            return .created(to, res)
        }
    }

    func update(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("知识文章") }
        return try await save(req, id: id)
    }

    func save(_ req: Request, id: UUID?) async throws -> Response {
        let kb = try await KnowledgeBase(req: req)
        let input = try req.content.decode(KnowledgeBase.Input.self)
        do {
            let a = try await kb.save(input, id: id)
            return req.redirect(to: "/kb/articles/\(a.id?.uuidString ?? "")", notice: "草稿已保存，发布后坐席可见。")
        } catch let e as KefuError {
            let res = try await req.view.render("kb_edit", FormContext(page: PageContext(req, user: kb.user, title: "编辑知识文章"),
                                                                    id: id?.uuidString, form: input, categories: KnowledgeBase.categories,
                                                                    error: e.reason)).encodeResponse(for: req)
            res.status = e.status
            return res
        }
    }

    /// A picture for the draft: stored, and its Markdown added at the end of the draft's body,
    /// where the editor moves it to its place.
    func addImage(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("知识文章") }
        struct Upload: Content { var file: File?; var alt: String? }
        let kb = try await KnowledgeBase(req: req)
        let upload = try req.content.decode(Upload.self)
        let href = "/kb/articles/\(id.uuidString)/edit"
        return try await req.once(form: "kb.article_image", fallback: href) {
            do {
                let a = try await kb.article(id)
                try await kb.tenant.db.writeTransaction { [kb] tx in
                    let image = try await KnowledgeImages(tenant: kb.tenant.on(tx), user: kb.user, now: kb.now)
                        .store(upload.file, alt: upload.alt, company: a.companyID, on: tx)
                    guard let a = try await kb.tenant.on(tx).find(KnowledgeArticleRecord.self, id) else { throw KefuError.notFound("知识文章") }
                    let line = KnowledgeImage.markdown(id: try image.requireID(), alt: image.alt)
                    guard a.body.count + line.count + 2 <= KnowledgeArticle.maxBody else {
                        throw KefuError.invalid([.init(field: "file", message: "正文已达 \(KnowledgeArticle.maxBody) 字，无法再插入图片")])
                    }
                    a.body = a.body.isEmpty ? line : a.body + "\n\n" + line
                    a.draftChanged = true; a.updatedAt = kb.now
                    try await a.save(on: tx)
                    try await History(db: tx, actorWorkId: kb.user.workId, ip: nil, now: kb.now)
                        .audit(action: "knowledge.image_added", objectType: "knowledge_article", objectId: id.uuidString, after: line)
                }
                return .created(href, req.redirect(to: href, notice: "图片已上传，已插入正文末尾，可移动到合适位置。"))
            } catch let e as KefuError where e.status != .notFound {
                let a = try await kb.article(id)
                let res = try await req.view.render("kb_edit", FormContext(page: PageContext(req, user: kb.user, title: "编辑：\(a.title)"),
                                                                        id: id.uuidString, form: try .init(a), categories: KnowledgeBase.categories,
                                                                        error: e.reason)).encodeResponse(for: req)
                res.status = e.status
                return .refused(res)
            }
        }
    }

    func publish(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("知识文章") }
        struct Form: Content { var note: String? }
        let kb = try await KnowledgeBase(req: req)
        do {
            let a = try await kb.publish(id, note: try req.content.decode(Form.self).note, req: req)
            return req.redirect(to: "/kb/articles/\(id.uuidString)", notice: "已发布第 \(a.version) 版。")
        } catch let e as KefuError {
            return try await render(req, error: e)
        }
    }
}
