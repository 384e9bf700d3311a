import Vapor
import Fluent
import SQLKit
import KefuCore

/// Outbound campaigns (外呼, R7.1–R7.3) as one person works them: a planner designs a campaign
/// and loads its targets; an assigned agent takes the next target, says the opening with
/// their work ID, asks the questionnaire and records the outcome. KefuCore decides the order,
/// the hours, the tries and what answers are complete (`OutboundRules`, `Questionnaire`); this
/// stores the answers. Every read and write goes through the request's `TenantData`.
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

    // MARK: targets

    struct TargetRow: Sendable { var line: Int; var name: String; var phone: String; var note: String; var customerID: UUID? = nil; var orderID: UUID? = nil }
    struct LineProblem: Content { var line: Int; var message: String }
    struct AddResult: Content { var added: Int; var duplicates: Int; var doNotCall: Int; var problems: [LineProblem] }

    static let maxTargets = 50_000

    /// `姓名,电话,备注` (or name, phone, note), one customer a line, the header first.
    static func csvRows(_ text: String) -> (rows: [TargetRow], problems: [LineProblem]) {
        let records = CSVRecords.parse(text)
        guard let header = records.first else { return ([], [LineProblem(line: 1, message: "文件为空：第一行须为表头（姓名,电话,备注）")]) }
        let columns = CSVColumns(header: header, columns: [("name", ["name", "姓名", "客户", "客户姓名"]), ("phone", ["phone", "电话", "手机", "联系电话"]),
                                                           ("note", ["note", "备注", "说明"])])
        guard columns.has("phone") else { return ([], [LineProblem(line: header.line, message: "表头须含“电话”列（或 phone）")]) }
        return (records.dropFirst().map { r in
            TargetRow(line: r.line, name: columns.value("name", in: r) ?? "", phone: columns.value("phone", in: r) ?? "", note: columns.value("note", in: r) ?? "")
        }, [])
    }

    struct OrdersQuery: Content {
        /// complaint, fault …; nil: every type.
        var type: String?
        var closedFrom: String?
        var closedTo: String?
    }

    /// A saved query of orders as targets, e.g. complaints closed last week: one target per
    /// customer, about their latest order.
    func orderRows(_ q: OrdersQuery) async throws -> [TargetRow] {
        guard let from = LocalDay(q.closedFrom ?? ""), let to = LocalDay(q.closedTo ?? ""), from <= to, to < from.adding(days: 366) else {
            throw KefuError.invalid([.init(field: "orders.closedFrom", message: "请写明关闭日期范围（closedFrom、closedTo：YYYY-MM-DD，一年以内）")])
        }
        let query = tenant.query(WorkOrder.self).filter(\.$status == WorkOrderStatus.closed.rawValue)
            .filter(\.$closedAt >= from.start(in: timeZone)).filter(\.$closedAt < to.adding(days: 1).start(in: timeZone))
        if let t = q.type {
            guard WorkOrderType(rawValue: t) != nil else { throw KefuError.invalid([.init(field: "orders.type", message: "未知的工单类型：\(t)")]) }
            query.filter(\.$type == t)
        }
        let orders = try await query.sort(\.$closedAt, .descending).limit(Self.maxTargets).all()
        let customers = try await tenant.query(Customer.self, ids: Array(Set(orders.map { $0.$customer.id }))).all()
        let byID = Dictionary(customers.compactMap { c in c.id.map { ($0, c) } }, uniquingKeysWith: { a, _ in a })
        var seen = Set<UUID>()
        return orders.enumerated().compactMap { i, o in
            guard seen.insert(o.$customer.id).inserted, let c = byID[o.$customer.id] else { return nil }
            return TargetRow(line: i + 1, name: c.name, phone: c.phone, note: "\(o.number) \(o.subject)", customerID: c.id, orderID: o.id)
        }
    }

    /// Adds targets to a campaign: bad numbers named by line, numbers already in the campaign
    /// and numbers on the do-not-call list skipped (and counted). One transaction.
    func addTargets(_ c: OutboundCampaign, _ rows: [TargetRow]) async throws -> AddResult {
        guard !c.closed else { throw KefuError.conflict("campaign_closed", "活动「\(c.name)」已结束，不能再添加客户。") }
        let campaignID = try c.requireID()
        var problems: [LineProblem] = []
        var clean: [TargetRow] = []
        for var r in rows {
            if !Validation.isValidPhone(r.phone) { problems.append(LineProblem(line: r.line, message: "电话「\(r.phone.prefix(30))」不是有效号码")); continue }
            if let p = Validation.checkLine(r.name.isEmpty ? "客户" : r.name, field: "name", label: "姓名", max: 60) { problems.append(LineProblem(line: r.line, message: p.message)); continue }
            if let p = Validation.checkText(r.note, field: "note", label: "备注", max: 200, required: false) { problems.append(LineProblem(line: r.line, message: p.message)); continue }
            r.phone = Validation.normalizePhone(r.phone)
            clean.append(r)
        }
        if problems.count > 0 && clean.isEmpty && !rows.isEmpty { throw KefuError.invalid(problems.prefix(10).map { .init(field: "line \($0.line)", message: $0.message) }) }
        let existing = try await tenant.query(OutboundTargetRecord.self).filter(\.$campaignID == campaignID).count()
        guard existing + clean.count <= Self.maxTargets else {
            throw KefuError.invalid([.init(field: "targets", message: "一个活动至多 \(Self.maxTargets) 位客户（已有 \(existing)）")])
        }
        let (company, actor, now) = (c.companyID, actor, now)
        return try await tenant.db.writeTransaction { [tenant, clean, problems] tx in
            let data = tenant.on(tx)
            let have = Set(try await data.query(OutboundTargetRecord.self).filter(\.$campaignID == campaignID).all(\.$phone))
            let blocked = Set(try await data.query(DoNotCallNumber.self).filter(\.$companyID == company).all(\.$phone))
            let customers = try await data.query(Customer.self).filter(\.$companyID == company).filter(\.$phone ~~ clean.map(\.phone)).all()
            var seen = have
            var result = AddResult(added: 0, duplicates: 0, doNotCall: 0, problems: problems)
            var position = try await data.query(OutboundTargetRecord.self).filter(\.$campaignID == campaignID).max(\.$position) ?? 0
            for r in clean {
                if blocked.contains(r.phone) { result.doNotCall += 1; continue }
                guard seen.insert(r.phone).inserted else { result.duplicates += 1; continue }
                position += 1
                let t = OutboundTargetRecord()
                t.companyID = company; t.campaignID = campaignID; t.position = position
                let customer = customers.first { $0.phone == r.phone }
                t.name = r.name.isEmpty ? (customer?.name ?? "客户") : r.name; t.phone = r.phone; t.note = r.note
                t.customerID = r.customerID ?? customer?.id; t.workOrderID = r.orderID
                t.status = .pending; t.attempts = 0; t.addedAt = now
                try await t.create(on: tx)
                result.added += 1
            }
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now).audit(
                action: "outbound.targets_added", objectType: "outbound_campaign", objectId: campaignID.uuidString,
                after: "添加 \(result.added)，重复 \(result.duplicates)，免打扰 \(result.doNotCall)，有误 \(problems.count)")
            return result
        }
    }

    // MARK: calling

    /// The holidays the calling hours keep free (the admin's holiday calendar).
    func holidays() async throws -> Set<LocalDay> {
        Set(try await HolidayRecord.query(on: tenant.db).filter(\.$makeupWorkday == false).all().compactMap { LocalDay($0.day) })
    }

    /// Why this person may not call the campaign now, or nil.
    func callProblem(_ c: OutboundCampaign) async throws -> KefuError? {
        guard OutboundRules.mayCall(role: user.roleValue, workId: actor, assigned: c.agentSet) else {
            return KefuError.forbidden("您不是活动「\(c.name)」指定的外呼话务员。")
        }
        if c.closed { return KefuError.conflict("campaign_closed", "活动「\(c.name)」已结束。") }
        let today = LocalDay(now, in: timeZone).description
        if today < c.startsOn || today > c.endsOn {
            return KefuError.conflict("campaign_not_running", "活动「\(c.name)」的外呼日期是 \(c.startsOn) 至 \(c.endsOn)。")
        }
        let hours = try c.hours()
        if !OutboundRules.mayCall(at: now, hours: hours, timeZone: timeZone, holidays: try await holidays()) {
            let quiet = c.quietHours.map { "，\($0) 免打扰" } ?? ""
            return KefuError.conflict("outside_calling_hours", "现在不在外呼时段（\(c.callingHours)\(quiet)，节假日不外呼）。")
        }
        return nil
    }

    struct Claim { var attempt: OutboundAttempt; var target: OutboundTargetRecord; var campaign: OutboundCampaign }

    /// The next target for the calling agent, claimed for them; the call they already have
    /// open in this campaign when there is one (a second click does not take a second
    /// customer). Nil when nobody is due.
    func next(_ c: OutboundCampaign) async throws -> Claim? {
        if let problem = try await callProblem(c) { throw problem }
        let campaignID = try c.requireID()
        if let open = try await tenant.query(OutboundAttempt.self).filter(\.$campaignID == campaignID)
            .filter(\.$agentWorkId == actor).filter(\.$finishedAt == nil).first(),
           let target = try await tenant.find(OutboundTargetRecord.self, open.targetID), target.status == .calling, target.claimedBy == actor {
            return Claim(attempt: open, target: target, campaign: c)
        }
        // Calls never recorded (the page was closed) go back to the list; their empty attempt
        // rows go, so the target's next call keeps its number (one row per try).
        let stale = now.addingTimeInterval(-Double(OutboundRules.claimMinutes) * 60)
        try await tenant.db.writeTransaction { tx in
            try await tx.sql().update(OutboundTargetRecord.schema).set("status", to: TargetStatus.pending.rawValue)
                .set("claimed_by", to: SQLLiteral.null).where("campaign_id", .equal, campaignID)
                .where("status", .equal, TargetStatus.calling.rawValue).where("claimed_at", .lessThan, stale).run()
            try await tx.sql().delete(from: OutboundAttempt.schema)
                .where("campaign_id", .equal, campaignID).where("finished_at", .is, SQLLiteral.null).where("started_at", .lessThan, stale).run()
        }
        for _ in 0..<5 {
            // The due callbacks and the first of the rest, read apart (databases order NULLs
            // differently); KefuCore picks among them.
            func due() -> QueryBuilder<OutboundTargetRecord> {
                tenant.query(OutboundTargetRecord.self).filter(\.$campaignID == campaignID).filter(\.$status == .pending)
                    .group(.or) { $0.filter(\.$nextDueAt == nil).filter(\.$nextDueAt <= now) }
            }
            let due = try await due().filter(\.$callbackAt != nil).sort(\.$callbackAt).limit(50).all()
                + due().filter(\.$callbackAt == nil).sort(\.$attempts).sort(\.$position).limit(50).all()
            guard let pick = OutboundRules.next(due.compactMap(\.rule), now: now), let target = due.first(where: { $0.id == pick.id }) else { return nil }
            let attempt = OutboundAttempt()
            attempt.id = UUID(); attempt.companyID = c.companyID; attempt.campaignID = campaignID; attempt.targetID = pick.id
            attempt.number = target.attempts + 1; attempt.agentWorkId = actor; attempt.startedAt = now
            let claimed: Bool = try await tenant.db.writeTransaction { [actor, now] tx in
                // Two agents asking at once: the conditional update gives the target to one.
                let rows = try await tx.sql().update(OutboundTargetRecord.schema)
                    .set("status", to: TargetStatus.calling.rawValue).set("claimed_by", to: actor).set("claimed_at", to: now)
                    .where("id", .equal, pick.id).where("status", .equal, TargetStatus.pending.rawValue).returning("id").all()
                guard !rows.isEmpty else { return false }
                try await attempt.create(on: tx)
                return true
            }
            if claimed, let fresh = try await tenant.find(OutboundTargetRecord.self, pick.id) {
                return Claim(attempt: attempt, target: fresh, campaign: c)
            }
        }
        return nil
    }

    /// One answer as JSON sends it: a choice, several, a number or text.
    enum AnswerValue: Codable, Sendable, Equatable {
        case number(Int), text(String), list([String])

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { self = .number(n) }
            else if let l = try? c.decode([String].self) { self = .list(l) }
            else { self = .text(try c.decode(String.self)) }
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .number(let n): try c.encode(n)
            case .text(let t): try c.encode(t)
            case .list(let l): try c.encode(l)
            }
        }

        /// As the question's kind reads it; nil when the kind cannot take it.
        func answer(for kind: QuestionKind) -> Answer? {
            switch (kind, self) {
            case (.single, .text(let t)): .choices([t])
            case (.single, .list(let l)), (.multiple, .list(let l)): .choices(l)
            case (.multiple, .text(let t)): .choices(t.isEmpty ? [] : [t])
            case (.rating, .number(let n)), (.nps, .number(let n)): .number(n)
            case (.rating, .text(let t)), (.nps, .text(let t)): Int(t).map { .number($0) }
            case (.text, .text(let t)): .text(t.trimmingCharacters(in: .whitespacesAndNewlines))
            default: nil
            }
        }
    }

    struct AttemptInput: Content {
        var outcome: String?
        var answers: [String: AnswerValue]?
        var callbackAt: String?
        var offer: String?
        var offerAccepted: Bool?
        var note: String?
    }

    /// Records what came of a call: the outcome, the answers (complete on the customer's
    /// path through the questionnaire when the call was answered), an offer from the list
    /// within its limit; the target then waits its spacing, is called back when asked, or is done.
    func record(_ attemptID: UUID?, _ input: AttemptInput) async throws -> (attempt: OutboundAttempt, target: OutboundTargetRecord) {
        let attempt = try await tenant.require(OutboundAttempt.self, attemptID, "外呼记录")
        let c = try await campaign(attempt.campaignID)
        guard attempt.agentWorkId == actor || [.teamLead, .shiftLead, .admin].contains(user.roleValue) else {
            throw KefuError.notFound("外呼记录")
        }
        guard attempt.finishedAt == nil else { throw KefuError.conflict("attempt_recorded", "这通外呼的结果已登记。") }
        var problems: [FieldProblemDTO] = []
        guard let outcome = CallOutcome(rawValue: input.outcome ?? "") else {
            throw KefuError.invalid([.init(field: "outcome", message: "结果须为 answered、no_answer、busy、wrong_number、refused、call_back_later 或 do_not_call")])
        }
        let callbackAt = PageFormat.parseInput(input.callbackAt, timeZone)
        if input.callbackAt != nil && callbackAt == nil && !(input.callbackAt ?? "").isEmpty {
            problems.append(.init(field: "callbackAt", message: "约定时间格式不对（如 2026-12-08T15:00）"))
        } else if let p = OutboundRules.outcomeProblem(outcome, callbackAt: callbackAt, now: now) { problems.append(.init(p)) }
        let questionnaire = try c.questionnaire()
        var answers: [String: Answer] = [:]
        for (id, value) in input.answers ?? [:] {
            guard let q = questionnaire.questions.first(where: { $0.id == id }) else { answers[id] = .text(""); continue }
            if let a = value.answer(for: q.kind) { answers[id] = a } else {
                problems.append(.init(field: "answers.\(id)", message: "「\(q.text)」的回答类型不对（\(q.kind.label)）"))
            }
        }
        if outcome == .answered {
            problems += questionnaire.answerProblems(answers).filter { p in !problems.contains { $0.field == p.field } }.map(FieldProblemDTO.init)
        } else if !(input.answers ?? [:]).isEmpty {
            problems.append(.init(field: "answers", message: "只有接通完成的外呼才登记问卷回答"))
        }
        let offers = try c.offers()
        if let offer = input.offer, !offer.isEmpty {
            if outcome != .answered { problems.append(.init(field: "offer", message: "只有接通的外呼才能登记挽留方案")) }
            let given = try await offersGiven(c)
            if let p = RetentionOffer.problem(offer, offers: offers, given: given) { problems.append(.init(p)) }
        }
        if let p = Validation.checkText(input.note, field: "note", label: "备注", max: 500, required: false) { problems.append(.init(p)) }
        guard problems.isEmpty else { throw KefuError.invalid(Array(problems.prefix(10))) }

        let target = try await tenant.require(OutboundTargetRecord.self, attempt.targetID, "外呼客户")
        var (status, due) = OutboundRules.after(outcome, attempt: attempt.number, now: now, callbackAt: callbackAt, policy: c.policy)
        // A retry that falls outside the calling hours waits for the next time calling is allowed.
        if status == .pending, let d = due, !OutboundRules.mayCall(at: d, hours: try c.hours(), timeZone: timeZone, holidays: try await holidays()) {
            due = OutboundRules.nextCallable(from: d, hours: try c.hours(), timeZone: timeZone, holidays: try await holidays()) ?? d
        }
        let stored = input.answers.map { a in String(decoding: (try? JSONEncoder().encode(a)) ?? Data("{}".utf8), as: UTF8.self) }
        attempt.finishedAt = now; attempt.outcome = outcome; attempt.answersJSON = outcome == .answered ? stored : nil
        attempt.offer = input.offer.flatMap { $0.isEmpty ? nil : $0 }; attempt.offerAccepted = attempt.offer == nil ? nil : (input.offerAccepted ?? false)
        attempt.callbackAt = outcome == .callBackLater ? callbackAt : nil
        attempt.note = input.note.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        target.status = status; target.attempts = attempt.number; target.nextDueAt = due
        target.callbackAt = outcome == .callBackLater ? callbackAt : nil
        target.claimedBy = nil; target.claimedAt = nil; target.finishedAt = status.isOpen ? nil : now
        try await tenant.db.writeTransaction { [actor, now] tx in
            // The attempt is closed once: a second submission finds it finished.
            let rows = try await tx.sql().update(OutboundAttempt.schema).set("finished_at", to: now)
                .where("id", .equal, try attempt.requireID()).where("finished_at", .is, SQLLiteral.null).returning("id").all()
            guard !rows.isEmpty else { throw KefuError.conflict("attempt_recorded", "这通外呼的结果已登记。") }
            try await attempt.save(on: tx)
            try await target.save(on: tx)
            if outcome == .doNotCall {
                let dnc = DoNotCallNumber()
                dnc.companyID = c.companyID; dnc.phone = target.phone; dnc.addedAt = now; dnc.addedBy = actor
                if try await TenantData.system(tx).query(DoNotCallNumber.self).filter(\.$companyID == c.companyID).filter(\.$phone == target.phone).count() == 0 {
                    try await dnc.create(on: tx)
                }
                // Every other open campaign of the company drops the number too.
                try await tx.sql().update(OutboundTargetRecord.schema).set("status", to: TargetStatus.doNotCall.rawValue).set("finished_at", to: now)
                    .where("company_id", .equal, c.companyID).where("phone", .equal, target.phone)
                    .where("status", .equal, TargetStatus.pending.rawValue).run()
            }
            if let order = target.workOrderID {
                try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                    .workOrder(order, kind: "outbound_call", summary: "外呼「\(c.name)」：\(outcome.label)")
            }
        }
        return (attempt, target)
    }

    /// Offers accepted so far, by code (what the limits count).
    func offersGiven(_ c: OutboundCampaign) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for a in try await tenant.query(OutboundAttempt.self).filter(\.$campaignID == c.requireID()).filter(\.$offerAccepted == true).all() {
            if let o = a.offer { out[o, default: 0] += 1 }
        }
        return out
    }

    // MARK: results

    struct Results {
        var targets = 0
        var byStatus: [TargetStatus: Int] = [:]
        var called = 0
        var reached = 0
        var completed = 0
        var attempts = 0
        var outcomes: [CallOutcome: Int] = [:]
        var questions: [QuestionResult] = []
        var offers: [(offer: RetentionOffer, made: Int, accepted: Int)] = []
        var rows: [(attempt: OutboundAttempt, target: OutboundTargetRecord?)] = []

        var reachRate: Double? { called == 0 ? nil : Double(reached) / Double(called) }
        var completionRate: Double? { targets == 0 ? nil : Double(completed) / Double(targets) }
    }

    func results(_ c: OutboundCampaign) async throws -> Results {
        let id = try c.requireID()
        var r = Results()
        let targets = try await tenant.query(OutboundTargetRecord.self).filter(\.$campaignID == id).all()
        r.targets = targets.count
        for t in targets { r.byStatus[t.status, default: 0] += 1 }
        r.completed = r.byStatus[.completed] ?? 0
        let attempts = try await tenant.query(OutboundAttempt.self).filter(\.$campaignID == id).filter(\.$finishedAt != nil)
            .sort(\.$finishedAt).all()
        let questionnaire = try c.questionnaire()
        r.questions = questionnaire.questions.map { QuestionResult(question: $0) }
        var calledTargets = Set<UUID>(), reachedTargets = Set<UUID>()
        var offerCounts: [String: (Int, Int)] = [:]
        let byTarget = Dictionary(targets.compactMap { t in t.id.map { ($0, t) } }, uniquingKeysWith: { a, _ in a })
        for a in attempts {
            guard let outcome = a.outcome else { continue }
            r.attempts += 1
            r.outcomes[outcome, default: 0] += 1
            calledTargets.insert(a.targetID)
            if outcome.reached { reachedTargets.insert(a.targetID) }
            if let json = a.answersJSON, let answers = try? JSONDecoder().decode([String: AnswerValue].self, from: Data(json.utf8)) {
                for i in r.questions.indices {
                    if let v = answers[r.questions[i].question.id], let ans = v.answer(for: r.questions[i].question.kind) { r.questions[i].add(ans) }
                }
            }
            if let o = a.offer {
                var c = offerCounts[o] ?? (0, 0)
                c.0 += 1; if a.offerAccepted == true { c.1 += 1 }
                offerCounts[o] = c
            }
            r.rows.append((a, byTarget[a.targetID]))
        }
        r.called = calledTargets.count; r.reached = reachedTargets.count
        r.offers = try c.offers().map { o in (o, offerCounts[o.code]?.0 ?? 0, offerCounts[o.code]?.1 ?? 0) }
        return r
    }
}
