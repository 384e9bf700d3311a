import Vapor
import Fluent
import KefuCore

/// Everything that happens to a stored contact, for the API, the pages, the chat and the
/// demo alike: arrival and scoring, the inspector's review, the agent's one appeal.
/// Every change is written to the audit trail.
struct ContactService {
    /// Contacts are read and written in this scope: another company's contact does not exist.
    let tenant: TenantData
    let now: Date
    let timeZone: TimeZone
    /// The center's name (`KEFU_COMPANY`), named in the opening phrase of the operating company's calls.
    let company: String
    let history: History

    var db: Database { tenant.db }

    init(req: Request) async throws {
        tenant = try await req.tenant(); now = req.now; timeZone = req.kefu.settings.timeZone
        company = req.kefu.settings.companyName; history = req.history()
    }

    /// For the demo and the CLI: every company.
    init(db: Database, now: Date, timeZone: TimeZone, company: String, actor: String?) {
        tenant = .system(db); self.now = now; self.timeZone = timeZone; self.company = company
        history = History(db: db, actorWorkId: actor, ip: nil, now: now)
    }

    static let channels: Set<String> = ["phone", "chat", "email", "voicemail", "counter", "field"]
    static let maxSegments = 5_000

    // MARK: arrival

    /// Checks the transcript, scores it with the rules in force for `branch` (the center's
    /// lexicon plus its company's and its own additions) and stores contact and findings.
    /// No branch named: the person's own, or the only company's first (`defaultBranch`).
    @discardableResult
    func ingest(_ t: Transcript, source: String, branch: Branch? = nil) async throws -> Contact {
        var problems: [FieldProblemDTO] = []
        let id = t.id.trimmingCharacters(in: .whitespaces)
        if id.isEmpty || id.count > 100 { problems.append(.init(field: "id", message: "通话编号必填，且不超过 100 个字符。")) }
        if !Self.channels.contains(t.channel) {
            problems.append(.init(field: "channel", message: "渠道须为 phone、chat、email、voicemail、counter 或 field。"))
        }
        if t.segments.isEmpty || t.segments.count > Self.maxSegments {
            problems.append(.init(field: "segments", message: "对话内容须有 1 至 \(Self.maxSegments) 段。"))
        }
        if t.segments.contains(where: { !["agent", "customer", "system"].contains($0.speaker) }) {
            problems.append(.init(field: "segments", message: "每段的 speaker 须为 agent、customer 或 system。"))
        }
        if t.segments.contains(where: { ($0.text?.count ?? 0) > Validation.maxTextLength || !$0.start.isFinite || !$0.end.isFinite }) {
            problems.append(.init(field: "segments", message: "单段文字不超过 \(Validation.maxTextLength) 字，时间须为数字。"))
        }
        if let a = t.agentId, a.count > 50 { problems.append(.init(field: "agentId", message: "工号不超过 50 个字符。")) }
        if let s = t.startedAt, JSONCoding.parseISO(s) == nil {
            problems.append(.init(field: "startedAt", message: "开始时间须为 1970–2099 年间带时区的 ISO 8601 时间，如 2026-10-01T09:00:05+08:00。"))
        }
        if !problems.isEmpty { throw KefuError.invalid(problems) }

        let started = t.startedAt.flatMap(JSONCoding.parseISO) ?? now
        let day = t.localDay(defaultTimeZone: timeZone) ?? LocalDay(started, in: timeZone)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let shift = ShiftSlot.of(hour: cal.component(.hour, from: started))
        let placement: Branch
        if let branch { placement = branch } else if case .system = tenant.scope { placement = try await Self.centerBranch(on: db) } else {
            placement = try await tenant.defaultBranch()
        }
        let companyID = placement.$company.id, branchID = try placement.requireID()
        try tenant.check(companyID, "分公司")
        let place = try await LanguageRules.place(companyID: companyID, branchID: branchID, db: db, centerName: company)
        let rules = try await LanguageRules.current(on: db, place: place)
        let protected = try await ProtectedNumberDirectory.numbers(company: companyID, on: db)
        let result = rules.engine.scan(t, timeZone: timeZone, protected: protected)
        let body = String(decoding: try Self.transcriptEncoder.encode(t), as: UTF8.self)

        return try await db.writeTransaction { tx in
            // External ids stay unique across the center (the switch's call ids), so the check is center-wide.
            if try await TenantData.system(tx).query(Contact.self).filter(\.$externalId == id).count() > 0 {
                throw KefuError.conflict("contact_exists", "通话 \(id) 已经导入过。")
            }
            let c = Contact()
            c.id = UUID(); c.companyID = companyID; c.branchID = branchID; c.externalId = id; c.channel = t.channel; c.agentWorkId = t.agentId
            c.startedAt = started; c.localDay = day.description; c.shift = shift.rawValue
            c.transcript = body; c.source = source; c.autoScore = result.score; c.status = "scored"
            c.lexiconVersion = rules.lexicon.version; c.createdAt = now
            try await c.create(on: tx)
            for f in result.findings {
                try await self.newFinding(c.id!, rule: f.rule, segment: f.segment, text: f.text, start: f.start, end: f.end,
                                          suggestion: f.suggestion, points: rules.scorecard.points(for: f.rule),
                                          source: "auto", note: nil, entry: f.entry).create(on: tx)
            }
            try await history.on(tx).audit(action: "contact.scored", objectType: "contact", objectId: c.id!.uuidString,
                                           after: "\(id) 自动评分 \(result.score)，\(result.findings.count) 条发现")
            return c
        }
    }

    /// Where rows go when nobody names a branch and no person's scope says (the demo, a
    /// customer's chat without a branch page): the operating company's first branch.
    static func centerBranch(on db: Database) async throws -> Branch {
        guard let center = try await TenantData.system(db).companies().first(where: \.isOperator), let id = center.id,
              let branch = try await Branch.query(on: db).filter(\.$company.$id == id).sort(\.$createdAt).first() else {
            throw KefuError.conflict("no_center_branch", "尚未设置运营公司的分公司。")
        }
        return branch
    }

    static let transcriptEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    private func newFinding(_ contact: UUID, rule: String, segment: Int, text: String, start: Int, end: Int,
                            suggestion: String?, points: Int, source: String, note: String?, entry: String? = nil) -> QAFindingRecord {
        let r = QAFindingRecord()
        r.id = UUID(); r.$contact.id = contact; r.rule = rule; r.segment = segment; r.text = text
        r.start = start; r.end = end; r.suggestion = suggestion; r.points = points; r.source = source
        r.state = "open"; r.note = note; r.entry = entry; r.createdAt = now
        return r
    }

    // MARK: reading

    func find(_ id: UUID) async throws -> Contact {
        guard let c = try await tenant.query(Contact.self).filter(\.$id == id).with(\.$findings).first() else {
            throw KefuError.notFound("通话记录")
        }
        return c
    }

    func find(externalId: String) async throws -> Contact {
        guard let c = try await tenant.query(Contact.self).filter(\.$externalId == externalId).with(\.$findings).first() else {
            throw KefuError.notFound("通话记录")
        }
        return c
    }

    /// An agent may read only their own contacts; QC roles read all.
    func checkAccess(_ c: Contact, by user: User) throws {
        if user.can(.qaReview) || user.can(.qaAppraisal) || user.can(.contactImport) { return }
        guard c.agentWorkId == user.workId else { throw KefuError.forbidden("只能查看本人的质检记录。") }
    }

    // MARK: the inspector's review

    /// Confirms or rejects one finding. Allowed until the review is finished.
    func decide(finding id: UUID, confirm: Bool, note: String?, actor: User) async throws {
        try await db.writeTransaction { tx in
            // A finding exists only through its contact, which must be in scope.
            guard let f = try await QAFindingRecord.query(on: tx).filter(\.$id == id).first(),
                  let contact = try await self.tenant.on(tx).find(Contact.self, f.$contact.id) else {
                throw KefuError.notFound("质检发现")
            }
            try Self.requireUnlocked(contact)
            let before = f.state
            f.state = confirm ? "confirmed" : "rejected"
            f.note = Self.trimmed(note) ?? f.note
            f.decidedBy = actor.workId; f.decidedAt = now
            try await f.save(on: tx)
            try await history.on(tx).audit(action: "qa_finding.\(confirm ? "confirmed" : "rejected")", objectType: "contact",
                                           objectId: f.$contact.id.uuidString, before: before, after: "\(f.rule) → \(f.state)")
        }
    }

    /// Adds a finding the engine could not see (tone, wrong information …).
    func addManual(to contactId: UUID, rule: String, segment: Int?, text: String?, note: String?, points: Int?, actor: User) async throws {
        var problems: [FieldProblemDTO] = []
        let rule = rule.trimmingCharacters(in: .whitespaces)
        if rule.isEmpty || rule.count > 60 { problems.append(.init(field: "rule", message: "请选择规则。")) }
        if let p = points, !(0...100).contains(p) { problems.append(.init(field: "points", message: "扣分须在 0 到 100 之间。")) }
        if (note ?? "").count > Validation.maxNoteLength { problems.append(.init(field: "note", message: "说明不超过 \(Validation.maxNoteLength) 字。")) }
        if Self.trimmed(note) == nil { problems.append(.init(field: "note", message: "请写明人工发现的说明。")) }
        if !problems.isEmpty { throw KefuError.invalid(problems) }
        let scorecard = try await LanguageRules.currentScorecard(on: db)
        try await db.writeTransaction { tx in
            guard let c = try await self.tenant.on(tx).find(Contact.self, contactId) else { throw KefuError.notFound("通话记录") }
            try Self.requireUnlocked(c)
            let seg = segment ?? -1
            let f = self.newFinding(contactId, rule: rule, segment: seg, text: Self.trimmed(text) ?? "", start: 0, end: 0,
                                    suggestion: nil, points: points ?? scorecard.points(for: rule), source: "manual", note: Self.trimmed(note))
            f.state = "confirmed"; f.decidedBy = actor.workId; f.decidedAt = now
            try await f.create(on: tx)
            try await history.on(tx).audit(action: "qa_finding.added", objectType: "contact", objectId: contactId.uuidString,
                                           after: "\(rule) 扣 \(f.points) 分：\(f.note ?? "")")
        }
    }

    /// Ends the review: undecided findings count as confirmed, and the final score goes to
    /// the agent's scorecard.
    func finishReview(_ contactId: UUID, actor: User) async throws {
        try await db.writeTransaction { tx in
            guard let c = try await self.tenant.on(tx).find(Contact.self, contactId) else { throw KefuError.notFound("通话记录") }
            try Self.requireUnlocked(c)
            for f in try await QAFindingRecord.query(on: tx).filter(\.$contact.$id == contactId).filter(\.$state == "open").all() {
                f.state = "confirmed"; f.decidedBy = actor.workId; f.decidedAt = self.now
                try await f.save(on: tx)
            }
            let before = c.finalScore.map(String.init)
            c.finalScore = try await Self.score(of: contactId, on: tx)
            c.status = "reviewed"; c.reviewedBy = actor.workId; c.reviewedAt = self.now
            try await c.save(on: tx)
            try await history.on(tx).audit(action: "contact.reviewed", objectType: "contact", objectId: contactId.uuidString,
                                           before: before, after: "最终得分 \(c.finalScore!)")
        }
    }

    /// Why a contact's findings can no longer be changed by review, or nil while it is open.
    /// A finished review's final score is in the agent's appraisal: from then on only the
    /// appeal (the agent's one objection, decided by another inspector) may change it, so
    /// the score never moves without a record of why.
    static func reviewLock(status: String) -> String? {
        switch status {
        case "scored": nil
        case "reviewed": "复核已完成，最终得分已计入考核，结果已锁定；如有异议，请由坐席提出申诉。"
        case "appealed": "该通话正在申诉处理中，复核结果已锁定，请在申诉处理中撤销发现。"
        default: "该通话的申诉已处理完毕，结果已锁定，不能再改动。"
        }
    }

    static func requireUnlocked(_ c: Contact) throws {
        if let reason = reviewLock(status: c.status) { throw KefuError.conflict("review_locked", reason) }
    }

    /// 100 minus the points of every finding not rejected, never below zero.
    static func score(of contactId: UUID, on db: Database) async throws -> Int {
        let findings = try await QAFindingRecord.query(on: db).filter(\.$contact.$id == contactId).filter(\.$state != "rejected").all()
        return max(0, 100 - findings.reduce(0) { $0 + $1.points })
    }

    // MARK: appeals

    /// The agent's one appeal against a reviewed contact.
    func appeal(_ contactId: UUID, reason: String?, actor: User) async throws {
        guard let reason = Self.trimmed(reason), reason.count <= Validation.maxNoteLength else {
            throw KefuError.invalid([.init(field: "reason", message: "请写明申诉理由（不超过 \(Validation.maxNoteLength) 字）。")])
        }
        try await db.writeTransaction { tx in
            guard let c = try await self.tenant.on(tx).find(Contact.self, contactId) else { throw KefuError.notFound("通话记录") }
            guard c.agentWorkId == actor.workId else { throw KefuError.forbidden("只能对本人的质检结果申诉。") }
            if try await QAAppeal.query(on: tx).filter(\.$contact.$id == contactId).count() > 0 {
                throw KefuError.conflict("already_appealed", "每条质检结果只能申诉一次。")
            }
            guard c.status == "reviewed" else {
                throw KefuError.conflict("not_reviewed", "质检员复核完成后才能申诉。")
            }
            let a = QAAppeal()
            a.id = UUID(); a.$contact.id = contactId; a.agentWorkId = actor.workId; a.reason = reason
            a.status = "open"; a.createdAt = self.now
            try await a.create(on: tx)
            c.status = "appealed"
            try await c.save(on: tx)
            try await history.on(tx).audit(action: "contact.appealed", objectType: "contact", objectId: contactId.uuidString, after: reason)
        }
    }

    /// The inspector's answer: withdraw the listed findings (upheld) or keep them all (dismissed).
    func decideAppeal(_ contactId: UUID, withdraw: [UUID], note: String?, actor: User) async throws {
        try await db.writeTransaction { tx in
            guard let c = try await self.tenant.on(tx).find(Contact.self, contactId),
                  let a = try await QAAppeal.query(on: tx).filter(\.$contact.$id == contactId).first() else {
                throw KefuError.notFound("申诉")
            }
            guard a.status == "open" else { throw KefuError.conflict("appeal_decided", "该申诉已处理。") }
            if a.agentWorkId == actor.workId { throw KefuError.forbidden("不能处理本人的申诉。") }
            let findings = try await QAFindingRecord.query(on: tx).filter(\.$contact.$id == contactId).all()
            for f in findings where withdraw.contains(f.id!) && f.state != "rejected" {
                f.state = "rejected"; f.note = "申诉撤销" + (Self.trimmed(note).map { "：\($0)" } ?? "")
                f.decidedBy = actor.workId; f.decidedAt = self.now
                try await f.save(on: tx)
            }
            let before = c.finalScore.map(String.init)
            c.finalScore = try await Self.score(of: contactId, on: tx)
            c.status = "settled"
            try await c.save(on: tx)
            a.status = withdraw.isEmpty ? "dismissed" : "upheld"
            a.decisionNote = Self.trimmed(note); a.decidedBy = actor.workId; a.decidedAt = self.now
            try await a.save(on: tx)
            try await history.on(tx).audit(action: "appeal.\(a.status)", objectType: "contact", objectId: contactId.uuidString,
                                           before: before, after: "最终得分 \(c.finalScore!)")
        }
    }

    static func trimmed(_ s: String?) -> String? {
        guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }
}
