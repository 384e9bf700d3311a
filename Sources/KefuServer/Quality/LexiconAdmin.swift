import Vapor
import Fluent
import KefuCore

/// Admin changes to the language rules: a new lexicon version, the scorecard, greeting
/// days. Each change is validated by KefuCore, audited, and bumps the rules revision so
/// every server process rebuilds its engine.
struct LexiconAdmin {
    let db: Database
    let now: Date
    let history: History
    let actor: String?

    init(req: Request) {
        db = req.db; now = req.now; history = req.history(); actor = req.auth.get(User.self)?.workId
    }

    static let maxLexiconBytes = 4 * 1024 * 1024

    /// Validates and stores `json` as the next lexicon version; returns the version number.
    func save(_ json: Data, note: String?) async throws -> Int {
        guard json.count <= Self.maxLexiconBytes else {
            throw KefuError.invalid([.init(field: "lexicon", message: "词库不超过 4 MB。")])
        }
        var lexicon: Lexicon
        do {
            lexicon = try Lexicon.decode(json)
        } catch let e as LexiconError {
            throw KefuError.invalid([.init(field: "lexicon", message: e.reason)])
        } catch {
            throw KefuError.invalid([.init(field: "lexicon", message: "词库须为 JSON：{\"version\", \"forbidden\": [...], \"standard\": [...]}。")])
        }
        return try await save(&lexicon, note: note)
    }

    func save(_ lexicon: inout Lexicon, note: String?) async throws -> Int {
        do { try lexicon.validate() } catch let e as LexiconError {
            throw KefuError.invalid([.init(field: "lexicon", message: e.reason)])
        }
        let candidate = lexicon
        let noteText = String((ContactService.trimmed(note) ?? "编辑词库").prefix(200))
        return try await db.writeTransaction { tx in
            let last = try await LexiconVersion.query(on: tx).sort(\.$version, .descending).first()?.version
                ?? Lexicon.shippedDefault.version
            var saved = candidate
            saved.version = last + 1
            let row = LexiconVersion()
            row.id = UUID(); row.version = saved.version
            row.body = String(decoding: saved.encoded(), as: UTF8.self)
            row.note = noteText; row.createdBy = self.actor; row.createdAt = self.now
            try await row.create(on: tx)
            try await LanguageRules.bumpRevision(on: tx)
            try await self.history.on(tx).audit(action: "qa.lexicon_saved", objectType: "qa_lexicon", objectId: String(saved.version),
                                                before: String(last), after: "\(saved.forbidden.count) 条忌语，\(saved.standard.count) 条规范用语：\(noteText)")
            return saved.version
        }
    }

    func saveScorecard(_ card: Scorecard) async throws {
        let json = String(decoding: try JSONEncoder().encode(card), as: UTF8.self)
        try await db.writeTransaction { tx in
            let before = try await AppSettings.get(LanguageRules.scorecardKey, on: tx)
            try await AppSettings.set(LanguageRules.scorecardKey, json, on: tx)
            try await LanguageRules.bumpRevision(on: tx)
            try await self.history.on(tx).audit(action: "qa.scorecard_saved", objectType: "qa_scorecard", objectId: nil, before: before, after: json)
        }
    }

    /// Adds official holiday-period dates from `from` to `to` (inclusive, at most 31 days).
    func addGreetingDays(from: String?, to: String?, kind: String?, name: String?) async throws -> Int {
        var problems: [FieldProblemDTO] = []
        let start = from.flatMap(LocalDay.init), end = (to.flatMap { $0.isEmpty ? nil : $0 }).flatMap(LocalDay.init) ?? start
        if start == nil { problems.append(.init(field: "from", message: "请填写开始日期（如 2026-10-01）。")) }
        if let s = start, let e = end, e < s || s.adding(days: 31) < e {
            problems.append(.init(field: "to", message: "结束日期须不早于开始日期，且一次不超过 31 天。"))
        }
        if to.map({ !$0.isEmpty && LocalDay($0) == nil }) == true { problems.append(.init(field: "to", message: "结束日期格式须为 2026-10-08。")) }
        guard let k = kind.flatMap(GreetingKind.init(rawValue:)), k != .daily else {
            problems.append(.init(field: "kind", message: "请选择问候语：新年好或节日好。"))
            throw KefuError.invalid(problems)
        }
        let label = ContactService.trimmed(name) ?? (k == .newYear ? "春节假期" : "节日假期")
        if label.count > 50 { problems.append(.init(field: "name", message: "名称不超过 50 字。")) }
        if !problems.isEmpty { throw KefuError.invalid(problems) }
        var days: [LocalDay] = []
        var d = start!
        while d <= end! { days.append(d); d = d.adding(days: 1) }
        let list = days
        try await db.writeTransaction { tx in
            for day in list {
                let existing = try await GreetingDay.query(on: tx).filter(\.$day == day.description).first()
                let row = existing ?? GreetingDay()
                if existing == nil { row.id = UUID(); row.day = day.description }
                row.kind = k.rawValue; row.name = String(label.prefix(50))
                try await row.save(on: tx)
            }
            try await LanguageRules.bumpRevision(on: tx)
            try await self.history.on(tx).audit(action: "qa.greeting_days_added", objectType: "qa_greeting_day", objectId: list.first!.description,
                                                after: "\(list.first!)…\(list.last!) \(k.rawValue) \(label)")
        }
        return list.count
    }

    func removeGreetingDay(_ day: String) async throws {
        try await db.writeTransaction { tx in
            guard let row = try await GreetingDay.query(on: tx).filter(\.$day == day).first() else { throw KefuError.notFound("节日日期") }
            try await row.delete(on: tx)
            try await LanguageRules.bumpRevision(on: tx)
            try await self.history.on(tx).audit(action: "qa.greeting_day_removed", objectType: "qa_greeting_day", objectId: day, before: row.kind)
        }
    }
}

extension LexiconAdmin {
    /// Whether the signed-in person may change the center's lexicon, scorecard and greeting
    /// days (`LexiconEditRule`: the operating company's editors only).
    static func mayEditCenter(_ req: Request) async throws -> Bool {
        let home = try await TenantData.system(req.db).company(try req.user().companyID)
        return LexiconEditRule.mayEditCenterRules(homeIsOperator: home.isOperator)
    }

    static func requireCenterEditor(_ req: Request) async throws {
        guard try await mayEditCenter(req) else { throw KefuError.forbidden(LexiconEditRule.refusal) }
    }
}
