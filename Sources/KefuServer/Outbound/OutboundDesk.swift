import Vapor
import Fluent
import KefuCore

/// Outbound campaigns (外呼, R7.1–R7.3) as one person works them: a planner designs a campaign
/// and loads its targets; an assigned agent takes the next target, says the opening with
/// their work ID, asks the questionnaire and records the outcome. KefuCore decides the order,
/// the hours, the tries and what answers are complete (`OutboundRules`, `Questionnaire`); this
/// stores the answers. Campaigns are here; targets, calls and results in the `OutboundDesk+`
/// files. Every read and write goes through the request's `TenantData`.
struct OutboundDesk {
    let tenant: TenantData
    let user: User
    let now: Date
    let timeZone: TimeZone
    var actor: String { user.workId }

    static func of(_ req: Request) async throws -> OutboundDesk {
        OutboundDesk(tenant: try await req.tenant(), user: try req.user(), now: req.now, timeZone: req.kefu.settings.timeZone)
    }

    // MARK: campaigns

    struct QuestionDTO: Content {
        var id: String
        var text: String
        var kind: String
        var options: [String]?
        var required: Bool?
        var skip: [String: String]?
    }

    struct OfferDTO: Content { var code: String; var name: String; var limit: Int? }

    struct CampaignInput: Content {
        var name: String?
        var purpose: String?
        var opening: String?
        var plan: String?
        /// The API's questionnaire; the page sends `questionnaireText` instead.
        var questions: [QuestionDTO]?
        var questionnaireText: String?
        var offers: [OfferDTO]?
        var callingHours: String?
        var quietHours: String?
        var weekdays: [Int]?
        var maxAttempts: Int?
        var retrySpacingMinutes: Int?
        var agents: [String]?
        var startsOn: String?
        var endsOn: String?
    }

    /// Creates a campaign after checking every part, each problem named.
    func create(_ input: CampaignInput) async throws -> OutboundCampaign {
        var problems: [FieldProblemDTO] = []
        func add(_ p: FieldProblem?) { if let p { problems.append(.init(p)) } }
        add(Validation.checkLine(input.name, field: "name", label: "活动名称", max: 60))
        let purpose = CampaignPurpose(rawValue: input.purpose ?? "")
        if purpose == nil { problems.append(.init(field: "purpose", message: "目的须为 follow_up（回访）、satisfaction（满意度调查）、market_research（市场调查）或 retention（挽留与重获）")) }
        add(OutboundRules.openingProblem(input.opening, purpose: purpose ?? .followUp))
        add(Validation.checkText(input.plan, field: "plan", label: "回访提纲", max: 2000, required: false))
        var questionnaire = Questionnaire(questions: [])
        if let text = input.questionnaireText {
            let parsed = QuestionnaireText.parse(text)
            questionnaire = parsed.questionnaire
            problems += parsed.problems.map(FieldProblemDTO.init)
        } else if let qs = input.questions {
            for (i, q) in qs.enumerated() {
                guard let kind = QuestionKind(rawValue: q.kind) else {
                    problems.append(.init(field: "questions[\(i)].kind", message: "题型须为 single、multiple、rating、nps 或 text"))
                    continue
                }
                questionnaire.questions.append(Question(id: q.id, text: q.text, kind: kind, options: q.options ?? [], required: q.required ?? true, skip: q.skip ?? [:]))
            }
        }
        // A survey needs questions; a retention or follow-up campaign may run on the script alone.
        if !(questionnaire.questions.isEmpty && purpose != .satisfaction && purpose != .marketResearch) {
            problems += questionnaire.problems().map(FieldProblemDTO.init)
        }
        var offers: [RetentionOffer] = []
        for (i, o) in (input.offers ?? []).enumerated() {
            let code = o.code.trimmingCharacters(in: .whitespaces)
            if code.isEmpty || code.count > 20 || offers.contains(where: { $0.code == code }) {
                problems.append(.init(field: "offers[\(i)].code", message: "方案代码须为 1–20 个字且不重复"))
            }
            add(Validation.checkLine(o.name, field: "offers[\(i)].name", label: "方案名称", max: 60))
            if let l = o.limit, !(1...100_000).contains(l) { problems.append(.init(field: "offers[\(i)].limit", message: "发放上限须为 1–100000")) }
            offers.append(RetentionOffer(code: code, name: o.name.trimmingCharacters(in: .whitespaces), limit: o.limit))
        }
        if !offers.isEmpty && purpose != .retention { problems.append(.init(field: "offers", message: "挽留方案只用于挽留与重获活动")) }
        let weekdays = Set(input.weekdays ?? [1, 2, 3, 4, 5, 6, 7])
        if CallingHours.parse(input.callingHours ?? "09:00-20:00", quiet: input.quietHours, weekdays: weekdays) == nil {
            problems.append(.init(field: "callingHours", message: "外呼时段写作 09:00-20:00，午休免打扰写作 12:00-14:00 且在时段之内，至少选一个工作日"))
        }
        let maxAttempts = input.maxAttempts ?? 3, spacing = input.retrySpacingMinutes ?? 120
        if !AttemptPolicy.limits.attempts.contains(maxAttempts) { problems.append(.init(field: "maxAttempts", message: "最多拨打次数为 1–10")) }
        if !AttemptPolicy.limits.spacing.contains(spacing) { problems.append(.init(field: "retrySpacingMinutes", message: "重拨间隔为 5 分钟到 7 天")) }
        let starts = LocalDay(input.startsOn ?? LocalDay(now, in: timeZone).description)
        let ends = LocalDay(input.endsOn ?? "")
        if starts == nil { problems.append(.init(field: "startsOn", message: "开始日期写作 YYYY-MM-DD")) }
        if ends == nil { problems.append(.init(field: "endsOn", message: "结束日期写作 YYYY-MM-DD")) }
        if let s = starts, let e = ends, e < s || s.adding(days: 366) < e { problems.append(.init(field: "endsOn", message: "结束日期须在开始日期之后一年之内")) }
        let wanted = Set((input.agents ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        let home = try await tenant.defaultBranch().$company.id
        let callers = try await tenant.query(User.self).filter(\.$workId ~~ Array(wanted)).filter(\.$active == true).all()
            .filter { Permission.outboundCall.isGranted(to: $0.roleValue) && $0.companyID == home }
        if wanted.isEmpty { problems.append(.init(field: "agents", message: "请指定至少一名外呼话务员")) }
        for w in wanted.sorted() where !callers.contains(where: { $0.workId == w }) {
            problems.append(.init(field: "agents", message: "\(w) 不是可外呼的在岗人员"))
        }
        guard problems.isEmpty, let purpose, let starts, let ends else { throw KefuError.invalid(Array(problems.prefix(10))) }
        // The company the planner works in now (their own, or the one switched to).
        let company = try await tenant.defaultBranch().$company.id
        let c = OutboundCampaign()
        c.id = UUID(); c.companyID = company; c.name = (input.name ?? "").trimmingCharacters(in: .whitespaces); c.purpose = purpose
        c.opening = (input.opening ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        c.plan = (input.plan ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        c.questionnaireJSON = String(decoding: try JSONEncoder().encode(questionnaire), as: UTF8.self)
        c.offersJSON = String(decoding: try JSONEncoder().encode(offers), as: UTF8.self)
        c.callingHours = (input.callingHours ?? "09:00-20:00").trimmingCharacters(in: .whitespaces)
        c.quietHours = input.quietHours.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        c.weekdays = weekdays.sorted().map(String.init).joined(separator: ",")
        c.maxAttempts = maxAttempts; c.retrySpacingMinutes = spacing
        c.agents = wanted.sorted().joined(separator: ","); c.startsOn = starts.description; c.endsOn = ends.description
        c.closed = false; c.createdBy = actor; c.createdAt = now
        try await tenant.db.writeTransaction { [actor, now] tx in
            try await c.create(on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "outbound.campaign_created", objectType: "outbound_campaign", objectId: c.id?.uuidString, after: "\(c.name)（\(purpose.label)）")
        }
        return c
    }

    func campaigns() async throws -> [OutboundCampaign] {
        try await tenant.query(OutboundCampaign.self).sort(\.$createdAt, .descending).limit(200).all()
    }

    func campaign(_ id: UUID?) async throws -> OutboundCampaign {
        try await tenant.require(OutboundCampaign.self, id, "外呼活动")
    }

    /// Closes a campaign: its targets are no longer called; its results stay.
    func close(_ c: OutboundCampaign) async throws {
        guard !c.closed else { return }
        c.closed = true
        try await tenant.db.writeTransaction { [actor, now] tx in
            try await c.save(on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "outbound.campaign_closed", objectType: "outbound_campaign", objectId: c.id?.uuidString, before: c.name)
        }
    }
}
