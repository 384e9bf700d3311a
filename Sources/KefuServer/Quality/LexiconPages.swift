import Vapor
import Fluent
import KefuCore

/// The admin page of the language rules: forbidden and standard phrases (each save is a new
/// lexicon version), the scorecard, the greeting days, and a "test this sentence" box.
struct LexiconPages {
    func register(_ routes: RoutesBuilder) {
        let admin = routes.requiring(.qaAdmin)
        admin.get("qa", "lexicon", use: page)
        admin.get("qa", "lexicon.json", use: download)
        admin.post("qa", "lexicon", use: saveLexicon)
        admin.post("qa", "scorecard", use: saveScorecard)
        admin.post("qa", "greeting-days", use: addDays)
        admin.post("qa", "greeting-days", ":day", "delete", use: removeDay)
    }

    struct Category: Encodable { var field: String; var code: String; var label: String; var lines: String; var count: Int }
    struct StandardGroup: Encodable { var field: String; var kind: String; var label: String; var lines: String }
    struct Points: Encodable { var field: String; var code: String; var label: String; var points: Int }
    struct Version: Encodable { var version: Int; var note: String; var by: String; var at: String }
    struct Day: Encodable { var day: String; var name: String; var kind: String; var removable: Bool }
    struct TestResult: Encodable { var sentence: String; var pieces: [ContactPageContext.Piece]; @NilIfEmpty var findings: [QACheckFindingDTO] }
    struct Context: Encodable {
        var page: PageContext; var version: Int; var categories: [Category]; var standard: [StandardGroup]
        var points: [Points]; var defaultPoints: Int; var versions: [Version]; var days: [Day]; var test: TestResult?
        var error: String?; var todayGreeting: String
        /// A client company's editors read the center's rules but change only their own additions.
        var centerEditable: Bool; var centerReadonly: String
        /// The change note typed before a refused save, shown again so nothing is lost.
        var note: String?
    }

    static func field(_ code: String) -> String { code.replacingOccurrences(of: ".", with: "_") }

    func page(req: Request) async throws -> View {
        try await render(req, error: nil, drafts: nil).0
    }

    func render(_ req: Request, error: KefuError?, drafts: [String: String]?) async throws -> (View, HTTPStatus) {
        let user = try req.user()
        let tz = req.kefu.settings.timeZone
        let rules = try await LanguageRules.current(on: req.db, company: req.kefu.settings.companyName)
        let lex = rules.lexicon
        let categories = QARule.centerCategories.map { r in
            let entries = lex.forbidden.filter { $0.rule == r.rawValue }
            let lines = entries.map { e in
                [e.phrase, e.suggestion ?? "", e.whole == true ? "整句" : ""].reversed().drop(while: \.isEmpty).reversed().joined(separator: " | ")
            }.joined(separator: "\n")
            return Category(field: Self.field(r.rawValue), code: r.rawValue, label: r.label,
                            lines: drafts?[Self.field(r.rawValue)] ?? lines, count: entries.count)
        }
        let standard = StandardPhraseKind.allCases.map { k in
            StandardGroup(field: "std_" + k.rawValue, kind: k.rawValue, label: k.label,
                          lines: drafts?["std_" + k.rawValue] ?? lex.standard.filter { $0.kind == k }.map(\.text).joined(separator: "\n"))
        }
        let points = QARule.allCases.map { r in
            Points(field: "p_" + Self.field(r.rawValue), code: r.rawValue, label: r.label, points: rules.scorecard.points(for: r.rawValue))
        }
        let versions = try await LexiconVersion.query(on: req.db).sort(\.$version, .descending).limit(20).all().map {
            Version(version: $0.version, note: $0.note, by: $0.createdBy ?? "", at: PageFormat.dateTime($0.createdAt, tz))
        }
        let today = LocalDay(req.now, in: tz)
        let calendar = try await LanguageRules.festivalCalendar(on: req.db)
        var days = (calendar.festivals(in: today.year) + calendar.festivals(in: today.year + 1)).filter { $0.day >= today }.prefix(8).map {
            Day(day: $0.day.description, name: $0.name, kind: Self.kindLabel($0.kind), removable: false)
        }
        days += try await GreetingDay.query(on: req.db).filter(\.$day >= today.adding(days: -30).description).sort(\.$day).all().map {
            Day(day: $0.day, name: $0.name, kind: Self.kindLabel(GreetingKind(rawValue: $0.kind) ?? .daily), removable: true)
        }
        var test: TestResult?
        if let sentence = req.query[String.self, at: "test"], !sentence.isEmpty, sentence.count <= QualityAPI.maxCheckLength {
            let found = rules.engine.checkText(sentence, channel: "chat")
            test = TestResult(sentence: sentence, pieces: ContactPageContext.pieces(sentence, marks: found.map { ($0.rule, $0.start, $0.end) }), findings: found.map {
                QACheckFindingDTO(rule: $0.rule, label: QualityLabels.rule($0.rule), text: $0.text, start: $0.start, end: $0.end,
                                  suggestion: $0.suggestion, blocking: QARule.blocksSending($0.rule), entry: $0.entry)
            })
        }
        let ctx = Context(page: PageContext(req, user: user, title: "词库与评分标准"), version: lex.version, categories: categories,
                          standard: standard, points: points, defaultPoints: rules.scorecard.defaultPoints, versions: versions,
                          days: days, test: test, error: error?.reason,
                          todayGreeting: rules.engine.openingPhrase(on: today),
                          centerEditable: try await LexiconAdmin.mayEditCenter(req), centerReadonly: LexiconEditRule.refusal,
                          note: drafts?["note"])
        return (try await req.view.render("qa_lexicon", ctx), error?.status ?? .ok)
    }

    static func kindLabel(_ k: GreetingKind) -> String {
        switch k { case .newYear: "新年好"; case .festival: "节日好"; case .daily: "您好" }
    }

    func respondError(_ req: Request, _ e: KefuError, drafts: [String: String]?) async throws -> Response {
        let (view, status) = try await render(req, error: e, drafts: drafts)
        let res = try await view.encodeResponse(for: req)
        res.status = status
        return res
    }

    func download(req: Request) async throws -> Response {
        let lex = try await LanguageRules.currentLexicon(on: req.db)
        let res = Response(status: .ok, body: .init(data: lex.encoded()))
        res.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"kefu-lexicon-v\(lex.version).json\"")
        return res
    }

    /// Rebuilds the lexicon from the page's text areas: one phrase a line, `短语 | 建议用语 | 整句`.
    func saveLexicon(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        var forbidden: [[String: Any]] = []
        for r in QARule.centerCategories {
            for line in (form[Self.field(r.rawValue)] ?? "").split(whereSeparator: \.isNewline) {
                // Bars inside [ ] and ( ) belong to the pattern (`不归[我们|我]管`), not the line's fields.
                let parts = LexiconPattern.splitFields(line)
                guard let phrase = parts.first, !phrase.isEmpty else { continue }
                var e: [String: Any] = ["phrase": phrase, "rule": r.rawValue]
                if parts.count > 1, !parts[1].isEmpty { e["suggestion"] = parts[1] }
                if parts.count > 2, parts[2] == "整句" { e["whole"] = true }
                forbidden.append(e)
            }
        }
        var standard: [[String: Any]] = []
        for k in StandardPhraseKind.allCases {
            for line in (form["std_" + k.rawValue] ?? "").split(whereSeparator: \.isNewline) {
                let t = line.trimmingCharacters(in: .whitespaces)
                if !t.isEmpty { standard.append(["kind": k.rawValue, "text": t]) }
            }
        }
        let current = try await LanguageRules.currentLexicon(on: req.db)
        do {
            try await LexiconAdmin.requireCenterEditor(req)
            let json = try JSONSerialization.data(withJSONObject: ["version": current.version, "forbidden": forbidden, "standard": standard])
            let v = try await LexiconAdmin(req: req).save(json, note: form["note"])
            return req.redirect(to: "/qa/lexicon", notice: "已保存为词库第 \(v) 版")
        } catch let e as KefuError {
            return try await respondError(req, e, drafts: form)
        }
    }

    func saveScorecard(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        do {
            try await LexiconAdmin.requireCenterEditor(req)
            var points: [String: Int] = [:]
            var problems: [FieldProblemDTO] = []
            for r in QARule.allCases {
                let raw = form["p_" + Self.field(r.rawValue)]?.trimmingCharacters(in: .whitespaces) ?? ""
                guard let v = Int(raw), (0...100).contains(v) else {
                    problems.append(.init(field: r.rawValue, message: "“\(r.label)”的扣分须为 0 到 100 的整数。")); continue
                }
                points[r.rawValue] = v
            }
            let def = Int(form["defaultPoints"]?.trimmingCharacters(in: .whitespaces) ?? "")
            if def == nil || !(0...100).contains(def!) { problems.append(.init(field: "defaultPoints", message: "其他规则的扣分须为 0 到 100 的整数。")) }
            if !problems.isEmpty { throw KefuError.invalid(problems) }
            var card = Scorecard.standard
            card.points = points
            card.defaultPoints = def!
            try await LexiconAdmin(req: req).saveScorecard(card)
            return req.redirect(to: "/qa/lexicon", notice: "评分标准已保存")
        } catch let e as KefuError {
            return try await respondError(req, e, drafts: nil)
        }
    }

    func addDays(req: Request) async throws -> Response {
        struct Form: Content { var from: String?; var to: String?; var kind: String?; var name: String? }
        let form = try req.content.decode(Form.self)
        do {
            try await LexiconAdmin.requireCenterEditor(req)
            let n = try await LexiconAdmin(req: req).addGreetingDays(from: form.from, to: form.to, kind: form.kind, name: form.name)
            return req.redirect(to: "/qa/lexicon", notice: "已添加 \(n) 天")
        } catch let e as KefuError {
            return try await respondError(req, e, drafts: nil)
        }
    }

    func removeDay(req: Request) async throws -> Response {
        do {
            try await LexiconAdmin.requireCenterEditor(req)
            try await LexiconAdmin(req: req).removeGreetingDay(req.parameters.get("day") ?? "")
            return req.redirect(to: "/qa/lexicon", notice: "已删除")
        } catch let e as KefuError {
            return try await respondError(req, e, drafts: nil)
        }
    }
}
