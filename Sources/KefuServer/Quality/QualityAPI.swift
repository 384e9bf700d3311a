import Vapor
import Fluent
import KefuCore

/// /api/v1/qa: the live check, stored contacts and the lexicon.
struct QualityAPI {
    func register(_ api: RoutesBuilder) {
        let qa = api.grouped("qa")
        // A transcript may hold 5,000 segments: more than the default 1 MB body.
        qa.requiring(.qaCheck).on(.POST, "check", body: .collect(maxSize: "20mb"), use: check)
        qa.requiring(.qaCheck).get("lexicon", use: lexicon)
        qa.requiring(.qaAdmin).put("lexicon", use: replaceLexicon)
        qa.requiring(.contactImport).idempotent().on(.POST, "contacts", body: .collect(maxSize: "20mb"), use: importContact)
        qa.requiring(.qaRead).get("contacts", use: list)
        qa.requiring(.qaRead).get("contacts", ":id", use: show)
    }

    static let maxCheckLength = 5_000

    /// The check uses the center's lexicon plus the additions of the branch named
    /// (`branchCode`), else of the caller's own branch.
    func check(req: Request) async throws -> QACheckResultDTO {
        let input = try req.content.decode(QACheckInput.self)
        let tenant = try await req.tenant()
        let branch: Branch
        if let code = input.branchCode, !code.isEmpty { branch = try await tenant.branch(code: code) } else { branch = try await tenant.defaultBranch() }
        return try await Self.check(text: input.text, channel: input.channel ?? "chat", company: branch.$company.id,
                                    branch: try branch.requireID(), on: req)
    }

    /// Shared with the chat page, which calls it with the session instead of a bearer token.
    /// `company`/`branch`: where the text is said (already resolved in the caller's scope).
    static func check(text: String, channel: String, company: UUID, branch: UUID?, on req: Request) async throws -> QACheckResultDTO {
        guard text.count <= maxCheckLength else {
            throw KefuError.invalid([.init(field: "text", message: "单次检查不超过 \(maxCheckLength) 字。")])
        }
        guard ContactService.channels.contains(channel) else {
            throw KefuError.invalid([.init(field: "channel", message: "渠道须为 phone、chat、email、voicemail、counter 或 field。")])
        }
        let place = try await LanguageRules.place(companyID: company, branchID: branch, db: req.db, centerName: req.kefu.settings.companyName)
        let rules = try await LanguageRules.current(on: req.db, place: place)
        let protected = try await ProtectedNumberDirectory.numbers(company: company, on: req.db)
        let findings = rules.engine.checkText(text, channel: channel, protected: protected).map { f in
            QACheckFindingDTO(rule: f.rule, label: QualityLabels.rule(f.rule), text: f.text, start: f.start, end: f.end,
                              suggestion: f.suggestion, blocking: QARule.blocksSending(f.rule), entry: f.entry)
        }
        return QACheckResultDTO(findings: findings, blocked: findings.contains(where: \.blocking), lexiconVersion: rules.lexicon.version)
    }

    /// Text kept to be said or sent word for word (a canned reply, an article's official
    /// wording) may hold nothing the chat box would hold back: 422 `forbidden_phrase`, each
    /// phrase named with the standard phrase offered, on `field`. `refusal` says what was refused.
    static func refuseBlocked(_ text: String, channel: String, company: UUID, branch: UUID?, field: String, refusal: String,
                              on req: Request) async throws {
        let blocking = try await check(text: text, channel: channel, company: company, branch: branch, on: req).findings.filter(\.blocking)
        guard !blocking.isEmpty else { return }
        throw KefuError(.unprocessableEntity, "forbidden_phrase",
                        refusal + "：" + blocking.map { "「\($0.text)」" + ($0.suggestion.map { "（建议改说：\($0)）" } ?? "") }.joined(separator: "；"),
                        fields: blocking.map { FieldProblemDTO(field: field, message: "\($0.label)：「\($0.text)」") })
    }

    func lexicon(req: Request) async throws -> Response {
        let lex = try await LanguageRules.currentLexicon(on: req.db)
        let res = Response(status: .ok, body: .init(data: lex.encoded()))
        res.headers.contentType = .json
        return res
    }

    func replaceLexicon(req: Request) async throws -> Response {
        try await LexiconAdmin.requireCenterEditor(req)
        guard let buffer = req.body.data else { throw KefuError.badRequest("请求体须为词库 JSON。") }
        let version = try await LexiconAdmin(req: req).save(Data(buffer: buffer), note: req.query[String.self, at: "note"])
        let res = Response(status: .created)
        try res.content.encode(["version": version])
        return res
    }

    func importContact(req: Request) async throws -> Response {
        guard let buffer = req.body.data else { throw KefuError.badRequest("请求体须为一条通话记录 JSON。") }
        let transcript: Transcript
        do {
            transcript = try Transcript.parse(jsonLine: Substring(String(decoding: Data(buffer: buffer), as: UTF8.self)))
        } catch {
            throw KefuError(.unprocessableEntity, "invalid_transcript", "通话记录格式不正确：\(error)")
        }
        // The transcript may name its branch (`branchCode`, beside the transcript's own fields).
        struct Placement: Decodable { var branchCode: String? }
        let code = (try? JSONDecoder().decode(Placement.self, from: Data(buffer: buffer)))?.branchCode
        let service = try await ContactService(req: req)
        var branch: Branch?
        if let code, !code.isEmpty { branch = try await service.tenant.branch(code: code) }
        let c = try await service.ingest(transcript, source: "api", branch: branch)
        let res = Response(status: .created)
        try res.content.encode(ContactDTO(try await service.find(try c.requireID()), withFindings: true, labels: try await service.tenant.labels()))
        return res
    }

    static let contactStatuses: Set<String> = ["scored", "reviewed", "appealed", "settled"]

    struct ListQuery: Content {
        var agentId: String?
        var status: String?
        var from: String?
        var to: String?
        var limit: Int?
        var offset: Int?
        var company: String?
        var branch: String?
    }

    func list(req: Request) async throws -> ContactListDTO {
        try req.refuseEmptyQuery("agentId", "status", "from", "to", "company", "branch")
        let q = try req.query.decode(ListQuery.self)
        let user = try req.user()
        let window = try PageWindow(limit: q.limit, offset: q.offset)
        if let s = q.status, !Self.contactStatuses.contains(s) {
            throw KefuError.badRequest("status 须为 \(Self.contactStatuses.sorted().joined(separator: "、"))")
        }
        for (name, day) in [("from", q.from), ("to", q.to)] {
            if let day, LocalDay(day) == nil { throw KefuError.badRequest("\(name) 须为 YYYY-MM-DD 日期") }
        }
        let tenant = try await req.tenant()
        let query = tenant.query(Contact.self)
        try await TenantFilter.resolve(company: q.company, branch: q.branch, tenant: tenant).apply(query)
        let seesAll = user.can(.qaReview) || user.can(.qaAppraisal)
        if !seesAll { query.filter(\.$agentWorkId == user.workId) } else if let a = q.agentId { query.filter(\.$agentWorkId == a) }
        if let s = q.status { query.filter(\.$status == s) }
        if let f = q.from { query.filter(\.$localDay >= f) }
        if let t = q.to { query.filter(\.$localDay <= t) }
        let total = try await query.count()
        let items = try await query.sort(\.$startedAt, .descending).range(window.range).all()
        let labels = try await tenant.labels()
        return ContactListDTO(items: items.map { ContactDTO($0, withFindings: false, labels: labels) }, total: total,
                              limit: window.limit, offset: window.offset)
    }

    func show(req: Request) async throws -> ContactDTO {
        let service = try await ContactService(req: req)
        let raw = req.parameters.get("id") ?? ""
        let c: Contact
        if let uuid = UUID(uuidString: raw) { c = try await service.find(uuid) } else { c = try await service.find(externalId: raw) }
        try service.checkAccess(c, by: try req.user())
        return ContactDTO(c, withFindings: true, labels: try await service.tenant.labels())
    }
}
