import Vapor
import Fluent
import KefuCore

/// The knowledge base (R6.1, 002 采编员, 004 第十五条): the editor writes and publishes,
/// every publish is a version, the official wording passes the language check first, and a
/// required article waits on each agent's workspace until they confirm having read it.
struct KnowledgeBase {
    let tenant: TenantData
    let user: User
    let role: Role
    let now: Date
    let timeZone: TimeZone

    init(req: Request) async throws {
        let (user, role) = try req.userAndRole()
        self.init(tenant: try await req.tenant(), user: user, role: role, now: req.now, timeZone: req.kefu.settings.timeZone)
    }

    init(tenant: TenantData, user: User, role: Role, now: Date, timeZone: TimeZone) {
        self.tenant = tenant; self.user = user; self.role = role; self.now = now; self.timeZone = timeZone
    }

    static let categories = ["业务知识", "故障处理", "设备操作", "资费", "服务规范", "其他"]
    static let maxCategory = 20

    var today: LocalDay { LocalDay(now, in: timeZone) }
    var mayEdit: Bool { KnowledgeArticle.mayPublish(role) }

    struct Input: Content {
        var category: String?
        var title: String?
        var officialWording: String?
        var body: String?
        var effectiveFrom: String?
        var expiresOn: String?
        var requiredReading: String?
        /// Agent groups (`AgentGroup` raw values) that must read it; none: everyone who answers.
        var audience: [String]?
    }


    // MARK: reading

    /// Published articles (and, for the editor, drafts), newest change first.
    func list(category: String? = nil) async throws -> [KnowledgeArticleRecord] {
        let q = tenant.query(KnowledgeArticleRecord.self)
        if !mayEdit { q.filter(\.$status == .published) }
        if let category, !category.isEmpty { q.filter(\.$category == category) }
        return try await q.sort(\.$updatedAt, .descending).limit(500).all()
    }

    /// An article the person may read: a draft exists only for the editor.
    func article(_ id: UUID?) async throws -> KnowledgeArticleRecord {
        guard let a = try await tenant.find(KnowledgeArticleRecord.self, id), mayEdit || a.status == .published else {
            throw KefuError.notFound("知识文章")
        }
        return a
    }

    func versions(of a: KnowledgeArticleRecord) async throws -> [KnowledgeVersion] {
        try await tenant.query(KnowledgeVersion.self).filter(\.$articleID == a.requireID()).sort(\.$version, .descending).all()
    }

    func isInForce(_ a: KnowledgeArticleRecord) -> Bool {
        KnowledgeArticle.isInForce(on: today, from: a.effectiveFrom.flatMap(LocalDay.init), until: a.expiresOn.flatMap(LocalDay.init))
    }

    /// The groups the article is meant for (empty: everyone who answers customers).
    static func audience(of a: KnowledgeArticleRecord) throws -> Set<AgentGroup> {
        do { return try KnowledgeArticle.audience(a.audience) } catch let e as KnowledgeArticle.UnknownAudience {
            throw KefuError(.internalServerError, "stored_value_invalid", "文章《\(a.title)》的阅读范围含未知的组「\(e.name)」，请采编员重新保存。")
        }
    }

    /// The groups `workId` is in, in the article's company (the roster the wallboard edits).
    func groups(of workId: String, company: UUID, cache: inout [UUID: [AgentGroup: [String]]]) async throws -> Set<AgentGroup> {
        let roster: [AgentGroup: [String]]
        if let known = cache[company] { roster = known } else {
            roster = try await EmergencyCoordinator.roster(company: company, on: tenant.db)
            cache[company] = roster
        }
        return Set(roster.filter { $0.value.contains(workId) }.keys)
    }

    /// Whether this person must confirm the article (R6.1: the affected groups).
    func mustRead(_ a: KnowledgeArticleRecord, cache: inout [UUID: [AgentGroup: [String]]]) async throws -> Bool {
        KnowledgeArticle.mustRead(role: role, memberOf: try await groups(of: user.workId, company: a.companyID, cache: &cache),
                                  audience: try Self.audience(of: a))
    }

    /// Required articles in force whose current version this person has not confirmed.
    func unreadRequired() async throws -> [KnowledgeArticleRecord] {
        guard KnowledgeArticle.answeringRoles.contains(role) else { return [] }
        var cache: [UUID: [AgentGroup: [String]]] = [:]
        var required: [KnowledgeArticleRecord] = []
        for a in try await tenant.query(KnowledgeArticleRecord.self).filter(\.$status == .published)
            .filter(\.$requiredReading == true).sort(\.$publishedAt, .descending).limit(200).all() where isInForce(a) {
            if try await mustRead(a, cache: &cache) { required.append(a) }
        }
        guard !required.isEmpty else { return [] }
        let read = try await tenant.query(KnowledgeReading.self).filter(\.$workId == user.workId)
            .filter(\.$articleID ~~ required.compactMap(\.id)).all()
        let done = Set(read.map { "\($0.articleID)#\($0.version)" })
        return required.filter { a in a.id.map { !done.contains("\($0)#\(a.version)") } ?? false }
    }

    /// Whether this person has confirmed the article's current version.
    func hasConfirmed(_ a: KnowledgeArticleRecord) async throws -> Bool {
        try await tenant.query(KnowledgeReading.self).filter(\.$articleID == a.requireID()).filter(\.$version == a.version)
            .filter(\.$workId == user.workId).count() > 0
    }

    /// Whether the article waits for this person's confirmation (what `unreadRequired` lists).
    func mustConfirm(_ a: KnowledgeArticleRecord, confirmed: Bool) async throws -> Bool {
        guard a.status == .published, a.requiredReading, isInForce(a), !confirmed else { return false }
        var cache: [UUID: [AgentGroup: [String]]] = [:]
        return try await mustRead(a, cache: &cache)
    }

    /// Who has and has not confirmed the current version: the people of the article's
    /// company who must read it (for team leads, shift leads and the editor).
    func readers(of a: KnowledgeArticleRecord) async throws -> (confirmed: [User], missing: [User]) {
        guard KnowledgeArticle.mayFollowReading(role) else { throw KefuError.forbidden() }
        let people = try await Self.audiencePeople(of: a, on: tenant.db)
        let read = Set(try await tenant.query(KnowledgeReading.self).filter(\.$articleID == a.requireID())
            .filter(\.$version == a.version).all().map(\.workId))
        return (people.filter { read.contains($0.workId) }, people.filter { !read.contains($0.workId) })
    }

    /// The active people of the article's company who must read it.
    static func audiencePeople(of a: KnowledgeArticleRecord, on db: Database) async throws -> [User] {
        let audience = try audience(of: a)
        let roster = try await EmergencyCoordinator.roster(company: a.companyID, on: db)
        return try await TenantData.system(db).query(User.self).filter(\.$companyID == a.companyID).filter(\.$active == true)
            .filter(\.$role ~~ KnowledgeArticle.answeringRoles.map(\.rawValue)).sort(\.$workId).all()
            .filter { u in
                KnowledgeArticle.mustRead(role: u.roleValue, memberOf: Set(roster.filter { $0.value.contains(u.workId) }.keys), audience: audience)
            }
    }

    // MARK: writing

    func save(_ input: Input, id: UUID? = nil) async throws -> KnowledgeArticleRecord {
        guard mayEdit else { throw KefuError.forbidden("知识库由采编员编辑和发布；发现问题请提交纠错。") }
        let category = (input.category ?? "").trimmingCharacters(in: .whitespaces)
        let title = (input.title ?? "").trimmingCharacters(in: .whitespaces)
        let wording = (input.officialWording ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let body = (input.body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldProblemDTO] = []
        if category.isEmpty || category.count > Self.maxCategory || Validation.hasControlCharacters(category) {
            problems.append(.init(field: "category", message: "分类须为 1–\(Self.maxCategory) 个字"))
        }
        if Validation.hasControlCharacters(title) { problems.append(.init(field: "title", message: "标题不能含控制字符")) }
        func day(_ raw: String?, _ field: String, _ label: String) -> LocalDay? {
            guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            guard let d = LocalDay(raw) else { problems.append(.init(field: field, message: "\(label)须为 YYYY-MM-DD")); return nil }
            return d
        }
        var audience = Set<AgentGroup>()
        for name in input.audience ?? [] {
            guard let g = AgentGroup(rawValue: name) else { problems.append(.init(field: "audience", message: "未知的组：\(name)")); continue }
            audience.insert(g)
        }
        let from = day(input.effectiveFrom, "effectiveFrom", "生效日期")
        let until = day(input.expiresOn, "expiresOn", "失效日期")
        problems += KnowledgeArticle.problems(title: title, officialWording: wording, body: body, from: from, until: until)
            .map { FieldProblemDTO(field: $0.field, message: $0.message) }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        let company = tenant.homeCompanyID ?? user.companyID
        let stored = KnowledgeArticle.storedAudience(audience)
        return try await tenant.db.writeTransaction { [tenant, user, now] tx in
            let data = tenant.on(tx)
            let a: KnowledgeArticleRecord
            if let id {
                guard let found = try await data.find(KnowledgeArticleRecord.self, id) else { throw KefuError.notFound("知识文章") }
                a = found
            } else {
                try data.check(company)
                a = KnowledgeArticleRecord()
                a.id = UUID(); a.companyID = company; a.status = .draft; a.version = 0
                a.createdBy = user.workId; a.createdAt = now
            }
            a.category = category; a.title = title; a.officialWording = wording; a.body = body
            a.effectiveFrom = from?.description; a.expiresOn = until?.description
            a.requiredReading = input.requiredReading == "1" || input.requiredReading == "true"
            a.audience = stored
            a.draftChanged = true; a.updatedAt = now
            try await a.save(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: id == nil ? "knowledge.created" : "knowledge.edited", objectType: "knowledge_article",
                       objectId: a.id?.uuidString, after: "《\(title)》")
            return a
        }
    }

    /// A new version from the draft. The official wording is what agents say word for
    /// word: a forbidden phrase (or a protected number) in it is refused, phrase named.
    func publish(_ id: UUID, note: String?, req: Request) async throws -> KnowledgeArticleRecord {
        guard mayEdit else { throw KefuError.forbidden("知识库由采编员发布。") }
        let a = try await article(id)
        if !a.officialWording.isEmpty {
            try await QualityAPI.refuseBlocked(a.officialWording, channel: "phone", company: a.companyID, branch: nil,
                                               field: "officialWording", refusal: "统一口径含有服务忌语，不能发布", on: req)
        }
        guard a.draftChanged || a.status != .published else {
            throw KefuError.conflict("nothing_to_publish", "草稿与已发布的第 \(a.version) 版相同，无需再次发布。")
        }
        return try await tenant.db.writeTransaction { [tenant, user, now] tx in
            let data = tenant.on(tx)
            guard let a = try await data.find(KnowledgeArticleRecord.self, id) else { throw KefuError.notFound("知识文章") }
            let v = KnowledgeVersion()
            v.id = UUID(); v.companyID = a.companyID; v.articleID = id; v.version = a.version + 1
            v.category = a.category; v.title = a.title; v.officialWording = a.officialWording; v.body = a.body
            v.effectiveFrom = a.effectiveFrom; v.expiresOn = a.expiresOn; v.requiredReading = a.requiredReading
            v.note = note.map { String($0.prefix(200)) }; v.publishedBy = user.workId; v.publishedAt = now
            try await v.create(on: tx)
            a.version = v.version; a.status = .published; a.draftChanged = false; a.publishedAt = now; a.updatedAt = now
            try await a.save(on: tx)
            if a.requiredReading {
                // Each person who must read it is told (R6.1), by name: the audience may be a few groups.
                for person in try await Self.audiencePeople(of: a, on: tx) {
                    let n = KefuNotification(recipientWorkId: person.workId, recipientRole: nil, workOrderID: nil,
                                             message: "知识库《\(a.title)》第 \(v.version) 版已发布，请阅读并确认。", createdAt: now)
                    n.companyID = a.companyID
                    try await n.create(on: tx)
                }
            }
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "knowledge.published", objectType: "knowledge_article", objectId: id.uuidString,
                       after: "《\(a.title)》第 \(v.version) 版")
            return a
        }
    }

    /// 已读确认 of the current version; a second confirmation changes nothing.
    func confirmRead(_ id: UUID) async throws {
        let a = try await article(id)
        guard a.status == .published else { throw KefuError.conflict("not_published", "文章尚未发布。") }
        try await tenant.db.writeTransaction { [tenant, user, now] tx in
            let data = tenant.on(tx)
            guard try await !KnowledgeBase(tenant: data, user: user, role: role, now: now, timeZone: timeZone).hasConfirmed(a) else { return }
            let r = KnowledgeReading()
            r.id = UUID(); r.companyID = a.companyID; r.articleID = id; r.version = a.version; r.workId = user.workId; r.confirmedAt = now
            try await r.create(on: tx)
        }
    }
}

extension KnowledgeBase.Input {
    /// The editor's form as the draft stands.
    init(_ a: KnowledgeArticleRecord) throws {
        self.init(category: a.category, title: a.title, officialWording: a.officialWording, body: a.body,
                  effectiveFrom: a.effectiveFrom, expiresOn: a.expiresOn, requiredReading: a.requiredReading ? "1" : nil,
                  audience: try KnowledgeBase.audience(of: a).map(\.rawValue))
    }
}
