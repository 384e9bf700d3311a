import Vapor
import Fluent
import KefuCore

/// The outbound pages (R7.1–R7.4): the campaigns (/outbound), a new campaign, one campaign's
/// targets and live results with its export, the agent's outbound desk (/outbound/campaigns/:id/call)
/// and the satisfaction measures (/reports/satisfaction).
struct OutboundPages {
    func register(_ routes: RoutesBuilder) {
        let call = routes.grouped("outbound").requiring(.outboundCall)
        call.get(use: list)
        call.get("campaigns", ":id", "call", use: desk)
        call.post("campaigns", ":id", "next", use: next)
        call.post("attempts", ":id", use: record)
        let plan = routes.grouped("outbound", "campaigns").requiring(.outboundPlan)
        plan.get("new", use: newPage)
        plan.post("new", use: create)
        plan.get(":id", use: show)
        plan.on(.POST, ":id", "targets", body: .collect(maxSize: "20mb"), use: addTargets)
        plan.post(":id", "close", use: close)
        plan.get(":id", "results.csv", use: csv)
        routes.grouped("reports").requiring(.reportsRead).get("satisfaction", use: satisfaction)
    }

    static func page(_ req: Request, _ name: String, _ ctx: some Encodable, error: KefuError?) async throws -> Response {
        let res = try await req.view.render(name, ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    // MARK: the list

    struct CampaignRow: Encodable {
        var id: String; var name: String; var purpose: String; var dates: String; var closed: Bool; var mine: Bool; var agents: String
    }
    struct ListContext: Encodable {
        var page: PageContext
        @NilIfEmpty var campaigns: [CampaignRow]
        var mayPlan: Bool
        var mayReport: Bool
    }

    func list(req: Request) async throws -> Response {
        let desk = try await OutboundDesk.of(req)
        let mayPlan = desk.user.can(.outboundPlan)
        let rows = try await desk.campaigns().compactMap { c -> CampaignRow? in
            let mine = OutboundRules.mayCall(role: desk.user.roleValue, workId: desk.actor, assigned: c.agentSet)
            guard mine || mayPlan else { return nil }
            return CampaignRow(id: c.id?.uuidString ?? "", name: c.name, purpose: c.purpose.label, dates: "\(c.startsOn) 至 \(c.endsOn)",
                               closed: c.closed, mine: mine && !c.closed, agents: c.agentSet.sorted().joined(separator: "、"))
        }
        return try await Self.page(req, "outbound", ListContext(page: PageContext(req, user: desk.user, title: "外呼活动"), campaigns: rows,
                                                                  mayPlan: mayPlan, mayReport: desk.user.can(.reportsRead)), error: nil)
    }

    // MARK: a new campaign

    struct NewContext: Encodable {
        var page: PageContext
        var purposes: [Choice]
        var form: [String: String]
        var error: String?
    }

    struct NewForm: Content {
        var name: String?; var purpose: String?; var opening: String?; var plan: String?; var questionnaireText: String?
        var offers: String?; var callingHours: String?; var quietHours: String?; var weekdays: [String]?
        var maxAttempts: String?; var retrySpacingMinutes: String?; var agents: String?; var startsOn: String?; var endsOn: String?
    }

    static let example = """
        q1 | 单选 | 您对我们上次的处理结果满意吗？ | 满意>q3; 不满意
        q2 | 文字 | 请问哪里让您不满意？
        q3 | 评分 | 请为话务员的服务打分（1–5 分）
        q4 | 推荐 | 您有多大可能向朋友推荐我们（0–10）？ | | 选填
        """

    func newPage(req: Request) async throws -> Response {
        let tz = req.kefu.settings.timeZone
        let today = LocalDay(req.now, in: tz)
        return try await renderNew(req, form: [
            "opening": "您好，我是客服中心 {工号} 号话务员，耽误您两分钟，想了解一下您对我们服务的意见。", "questionnaireText": Self.example,
            "callingHours": "09:00-20:00", "quietHours": "12:00-14:00", "maxAttempts": "3", "retrySpacingMinutes": "120",
            "startsOn": today.description, "endsOn": today.adding(days: 13).description, "purpose": CampaignPurpose.satisfaction.rawValue,
        ], error: nil)
    }

    func renderNew(_ req: Request, form: [String: String], error: KefuError?) async throws -> Response {
        let ctx = NewContext(page: PageContext(req, user: try req.user(), title: "新建外呼活动"),
                             purposes: CampaignPurpose.allCases.map { Choice(value: $0.rawValue, label: $0.label) }, form: form, error: error?.reason)
        return try await Self.page(req, "outbound_new", ctx, error: error)
    }

    /// Offers, one a line: `代码 | 名称 | 上限` (no limit: leave it out).
    static func offers(_ text: String?) -> [OutboundDesk.OfferDTO] {
        (text ?? "").split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !parts.allSatisfy(\.isEmpty) else { return nil }
            return OutboundDesk.OfferDTO(code: parts[0], name: parts.count > 1 ? parts[1] : "", limit: parts.count > 2 ? Int(parts[2]) : nil)
        }
    }

    func create(req: Request) async throws -> Response {
        let f = try req.content.decode(NewForm.self)
        var form: [String: String] = [:]
        for (k, v) in [("name", f.name), ("purpose", f.purpose), ("opening", f.opening), ("plan", f.plan), ("questionnaireText", f.questionnaireText),
                       ("offers", f.offers), ("callingHours", f.callingHours), ("quietHours", f.quietHours), ("maxAttempts", f.maxAttempts),
                       ("retrySpacingMinutes", f.retrySpacingMinutes), ("agents", f.agents), ("startsOn", f.startsOn), ("endsOn", f.endsOn)] {
            form[k] = v
        }
        return try await req.once(form: "outbound.campaign", fallback: "/outbound") {
            do {
                let input = OutboundDesk.CampaignInput(
                    name: f.name, purpose: f.purpose, opening: f.opening, plan: f.plan, questions: nil, questionnaireText: f.questionnaireText ?? "",
                    offers: Self.offers(f.offers), callingHours: f.callingHours, quietHours: f.quietHours,
                    weekdays: f.weekdays.map { $0.compactMap { Int($0) } } ?? [1, 2, 3, 4, 5, 6, 7],
                    maxAttempts: Int(f.maxAttempts ?? "") ?? (f.maxAttempts == nil ? nil : 0),
                    retrySpacingMinutes: Int(f.retrySpacingMinutes ?? "") ?? (f.retrySpacingMinutes == nil ? nil : 0),
                    agents: VisitRules.words(f.agents), startsOn: f.startsOn, endsOn: f.endsOn)
                let c = try await OutboundDesk.of(req).create(input)
                let href = "/outbound/campaigns/\(try c.requireID().uuidString)"
                return .created(href, req.redirect(to: href, notice: "活动「\(c.name)」已建立，请导入要拨打的客户。"))
            } catch let e as KefuError {
                return .refused(try await renderNew(req, form: form, error: e))
            }
        }
    }

    // MARK: one campaign

    struct Bar: Encodable { var label: String; var count: Int }
    struct QuestionBlock: Encodable {
        var id: String; var text: String; var kind: String; var answered: Int; var chart: String?
        var average: String?; var nps: String?; @NilIfEmpty var verbatims: [String]
    }
    struct OfferRow: Encodable { var code: String; var name: String; var limit: String; var made: Int; var accepted: Int }
    struct AttemptRow: Encodable { var at: String; var agent: String; var target: String; var outcome: String; var note: String }
    struct CampaignContext: Encodable {
        var page: PageContext
        var id: String; var name: String; var purpose: String; var opening: String; var plan: String?
        var hours: String; var tries: String; var agents: String; var dates: String; var closed: Bool
        var questionnaire: String?
        var targets: Int; var called: Int; var reached: Int; var completed: Int; var attempts: Int
        var reachRate: String; var completionRate: String
        @NilIfEmpty var statuses: [Bar]
        @NilIfEmpty var outcomes: [Bar]
        var outcomeChart: String?
        @NilIfEmpty var questions: [QuestionBlock]
        @NilIfEmpty var offers: [OfferRow]
        @NilIfEmpty var recent: [AttemptRow]
        var orderTypes: [Choice]
        var mayCall: Bool
        var error: String?
        var imported: String?
    }

    func show(req: Request) async throws -> Response {
        try await renderCampaign(req, error: nil, imported: nil)
    }

    func renderCampaign(_ req: Request, error: KefuError?, imported: String?) async throws -> Response {
        let desk = try await OutboundDesk.of(req)
        let c = try await desk.campaign(req.parameters.get("id", as: UUID.self))
        let r = try await desk.results(c)
        let tz = desk.timeZone
        let outcomes = CallOutcome.allCases.map { Bar(label: $0.label, count: r.outcomes[$0] ?? 0) }.filter { $0.count > 0 }
        let questions = r.questions.map { q -> QuestionBlock in
            var chart: String?
            if q.answered > 0 && q.question.kind != .text {
                let labels = q.question.kind == .rating ? (1...5).map(String.init) : q.question.kind == .nps ? (0...10).map(String.init) : q.question.options
                chart = SVGChart.stackedBars(labels: labels, series: [SVGChart.Series(name: "回答数", color: "#2b6cb0", values: labels.map { Double(q.counts[$0] ?? 0) })],
                                             title: "\(q.question.id) \(q.question.text)")
            }
            return QuestionBlock(id: q.question.id, text: q.question.text, kind: q.question.kind.label, answered: q.answered, chart: chart,
                                 average: q.average.map { String(format: "%.2f", $0) }, nps: q.nps.map(String.init), verbatims: Array(q.verbatims.suffix(30)))
        }
        let ctx = CampaignContext(
            page: PageContext(req, user: desk.user, title: "外呼活动 · \(c.name)"),
            id: try c.requireID().uuidString, name: c.name, purpose: c.purpose.label, opening: c.opening, plan: c.plan.isEmpty ? nil : c.plan,
            hours: "\(c.callingHours)\(c.quietHours.map { "（\($0) 免打扰）" } ?? "")，周" + c.weekdaySet.sorted().map { ForecastView.weekdays[$0] }.joined(separator: "、") + "，节假日不外呼",
            tries: "最多 \(c.maxAttempts) 次，间隔 \(c.retrySpacingMinutes) 分钟", agents: c.agentSet.sorted().joined(separator: "、"),
            dates: "\(c.startsOn) 至 \(c.endsOn)", closed: c.closed, questionnaire: try c.questionnaire().questions.isEmpty ? nil : QuestionnaireText.format(try c.questionnaire()),
            targets: r.targets, called: r.called, reached: r.reached, completed: r.completed, attempts: r.attempts,
            reachRate: Self.percent(r.reachRate), completionRate: Self.percent(r.completionRate),
            statuses: TargetStatus.allCases.map { Bar(label: $0.label, count: r.byStatus[$0] ?? 0) }.filter { $0.count > 0 },
            outcomes: outcomes,
            outcomeChart: outcomes.isEmpty ? nil : SVGChart.stackedBars(labels: outcomes.map(\.label), series: [SVGChart.Series(name: "次数", color: "#2f855a", values: outcomes.map { Double($0.count) })], title: "外呼结果"),
            questions: questions,
            offers: r.offers.map { OfferRow(code: $0.offer.code, name: $0.offer.name, limit: $0.offer.limit.map(String.init) ?? "不限", made: $0.made, accepted: $0.accepted) },
            recent: r.rows.suffix(20).reversed().map { row in
                AttemptRow(at: PageFormat.dateTime(row.attempt.finishedAt, tz), agent: row.attempt.agentWorkId, target: row.target?.name ?? "",
                           outcome: row.attempt.outcome?.label ?? "", note: row.attempt.note ?? "")
            },
            orderTypes: WorkOrderType.allCases.map { Choice(value: $0.rawValue, label: $0.label) },
            mayCall: !c.closed && OutboundRules.mayCall(role: desk.user.roleValue, workId: desk.actor, assigned: c.agentSet),
            error: error?.reason, imported: imported)
        return try await Self.page(req, "outbound_campaign", ctx, error: error)
    }

    struct TargetsForm: Content { var mode: String?; var csv: String?; var type: String?; var closedFrom: String?; var closedTo: String? }

    func addTargets(req: Request) async throws -> Response {
        let f = try req.content.decode(TargetsForm.self)
        let desk = try await OutboundDesk.of(req)
        let c = try await desk.campaign(req.parameters.get("id", as: UUID.self))
        let back = "/outbound/campaigns/\(try c.requireID().uuidString)"
        return try await req.once(form: "outbound.targets", fallback: back) {
            do {
                let rows: [OutboundDesk.TargetRow]
                if f.mode == "orders" {
                    rows = try await desk.orderRows(.init(type: f.type.flatMap { $0.isEmpty ? nil : $0 }, closedFrom: f.closedFrom, closedTo: f.closedTo))
                } else {
                    let parsed = OutboundDesk.csvRows(f.csv ?? "")
                    if let first = parsed.problems.first { throw KefuError.invalid([.init(field: "csv", message: "第 \(first.line) 行：\(first.message)")]) }
                    rows = parsed.rows
                }
                guard !rows.isEmpty else { throw KefuError.invalid([.init(field: "csv", message: "没有要添加的客户")]) }
                let r = try await desk.addTargets(c, rows)
                let lines = r.problems.prefix(5).map { "第 \($0.line) 行 \($0.message)" }.joined(separator: "；")
                return .created(back, req.redirect(to: back, notice: "已添加 \(r.added) 位客户；重复 \(r.duplicates)，免打扰 \(r.doNotCall)，有误 \(r.problems.count)\(lines.isEmpty ? "" : "（\(lines)）")。"))
            } catch let e as KefuError {
                return .refused(try await renderCampaign(req, error: e, imported: nil))
            }
        }
    }

    func close(req: Request) async throws -> Response {
        let desk = try await OutboundDesk.of(req)
        let c = try await desk.campaign(req.parameters.get("id", as: UUID.self))
        try await desk.close(c)
        return req.redirect(to: "/outbound/campaigns/\(try c.requireID().uuidString)", notice: "活动已结束，不再拨打。")
    }

    /// Every recorded call with its answers, for Excel (numbers masked: the export is for
    /// reading the results, not for calling).
    func csv(req: Request) async throws -> Response {
        let desk = try await OutboundDesk.of(req)
        let c = try await desk.campaign(req.parameters.get("id", as: UUID.self))
        let r = try await desk.results(c)
        let questions = try c.questionnaire().questions
        let tz = desk.timeZone
        let rows: [[String]] = r.rows.map { row in
            let answers = row.attempt.answersJSON.flatMap { try? JSONDecoder().decode([String: OutboundDesk.AnswerValue].self, from: Data($0.utf8)) } ?? [:]
            return [PageFormat.dateTime(row.attempt.finishedAt, tz), row.attempt.agentWorkId, row.target?.name ?? "",
                    row.target.map { Masking.phone($0.phone) } ?? "", String(row.attempt.number), row.attempt.outcome?.label ?? "",
                    row.attempt.offer ?? "", row.attempt.offerAccepted.map { $0 ? "接受" : "未接受" } ?? "", row.attempt.note ?? ""]
                + questions.map { q in
                    switch answers[q.id] {
                    case .number(let n)?: String(n)
                    case .text(let t)?: t
                    case .list(let l)?: l.joined(separator: "、")
                    case nil: ""
                    }
                }
        }
        let headers = ["时间", "话务员", "客户", "电话", "第几次", "结果", "挽留方案", "是否接受", "备注"] + questions.map { "\($0.id) \($0.text)" }
        return CSVDownload.response(CSVDownload.document(headers: headers, rows: rows), filename: "outbound-\(c.startsOn).csv")
    }

    // MARK: the agent's desk

    struct QuestionField: Encodable {
        var id: String; var text: String; var kind: String; var required: Bool
        var isSingle: Bool; var isMultiple: Bool; var isRating: Bool; var isNPS: Bool; var isText: Bool
        var options: [Choice]; var skip: String?
    }
    struct HistoryLine: Encodable { var at: String; var title: String; var detail: String }
    struct DeskContext: Encodable {
        var page: PageContext
        var campaignId: String; var campaignName: String; var purpose: String
        var attemptId: String?; var attempt: Int; var targetName: String; var targetPhone: String; var targetNote: String?
        var opening: String
        @NilIfEmpty var questions: [QuestionField]
        @NilIfEmpty var offers: [Choice]
        @NilIfEmpty var history: [HistoryLine]
        var outcomes: [Choice]
        var callbackDefault: String
        var plan: String?
        var blocked: String?
        var error: String?
    }

    func desk(req: Request) async throws -> Response {
        try await renderDesk(req, campaign: req.parameters.get("id", as: UUID.self), error: nil)
    }

    /// The desk of `campaign` (named apart: a refused record comes from /outbound/attempts/:id).
    func renderDesk(_ req: Request, campaign id: UUID?, error: KefuError?) async throws -> Response {
        let desk = try await OutboundDesk.of(req)
        let c = try await desk.campaign(id)
        guard OutboundRules.mayCall(role: desk.user.roleValue, workId: desk.actor, assigned: c.agentSet) else {
            throw KefuError.forbidden("您不是活动「\(c.name)」指定的外呼话务员。")
        }
        let campaignID = try c.requireID()
        let open = try await desk.tenant.query(OutboundAttempt.self).filter(\.$campaignID == campaignID)
            .filter(\.$agentWorkId == desk.actor).filter(\.$finishedAt == nil).first()
        var target: OutboundTargetRecord?
        if let open { target = try await desk.tenant.find(OutboundTargetRecord.self, open.targetID) }
        var history: [HistoryLine] = []
        if let customerID = target?.customerID, let customer = try await desk.tenant.find(Customer.self, customerID) {
            let entries = try await CustomerHistoryReader(scope: try await req.orderScope(), user: desk.user, timeZone: desk.timeZone).entries(of: customer, limit: 6)
            history = CustomerPages.historyRows(entries, timeZone: desk.timeZone).map { HistoryLine(at: $0.at, title: $0.title, detail: $0.detail) }
        }
        let questions = try c.questionnaire().questions.map { q in
            QuestionField(id: q.id, text: q.text, kind: q.kind.label, required: q.required, isSingle: q.kind == .single, isMultiple: q.kind == .multiple,
                          isRating: q.kind == .rating, isNPS: q.kind == .nps, isText: q.kind == .text,
                          options: q.options.map { Choice(value: $0, label: $0) },
                          skip: q.skip.isEmpty ? nil : q.skip.sorted { $0.key < $1.key }.map { "选「\($0.key)」\($0.value == Question.end ? "结束问卷" : "跳到 \($0.value)")" }.joined(separator: "；"))
        }
        let blocked = open == nil ? try await desk.callProblem(c)?.reason : nil
        let ctx = DeskContext(
            page: PageContext(req, user: desk.user, title: "外呼 · \(c.name)"),
            campaignId: campaignID.uuidString, campaignName: c.name, purpose: c.purpose.label,
            attemptId: open?.id?.uuidString, attempt: open?.number ?? 0, targetName: target?.name ?? "", targetPhone: target?.phone ?? "",
            targetNote: target.flatMap { $0.note.isEmpty ? nil : $0.note }, opening: OutboundRules.opening(c.opening, workId: desk.actor),
            questions: questions, offers: try c.offers().map { Choice(value: $0.code, label: "\($0.name)\($0.limit.map { "（限 \($0) 份）" } ?? "")") },
            history: history, outcomes: CallOutcome.allCases.map { Choice(value: $0.rawValue, label: $0.label) },
            callbackDefault: PageFormat.inputValue(desk.now.addingTimeInterval(3 * 3600), desk.timeZone), plan: c.plan.isEmpty ? nil : c.plan,
            blocked: blocked, error: error?.reason)
        return try await Self.page(req, "outbound_call", ctx, error: error)
    }

    func next(req: Request) async throws -> Response {
        let desk = try await OutboundDesk.of(req)
        let c = try await desk.campaign(req.parameters.get("id", as: UUID.self))
        let back = "/outbound/campaigns/\(try c.requireID().uuidString)/call"
        do {
            guard try await desk.next(c) != nil else { return req.redirect(to: back, notice: "目前没有到期要拨打的客户。") }
        } catch let e as KefuError where e.status == .conflict {
            return try await renderDesk(req, campaign: c.id, error: e)
        }
        return req.redirect(to: back)
    }

    func record(req: Request) async throws -> Response {
        let id = req.parameters.get("id", as: UUID.self)
        let desk = try await OutboundDesk.of(req)
        let attempt = try await desk.tenant.require(OutboundAttempt.self, id, "外呼记录")
        let c = try await desk.campaign(attempt.campaignID)
        let back = "/outbound/campaigns/\(try c.requireID().uuidString)/call"
        var answers: [String: OutboundDesk.AnswerValue] = [:]
        let outcome = try? req.content.get(String.self, at: "outcome")
        if outcome == CallOutcome.answered.rawValue {
            for q in try c.questionnaire().questions {
                let key = "a_\(q.id)"
                if q.kind == .multiple {
                    if let l = try? req.content.get([String].self, at: key), !l.isEmpty { answers[q.id] = .list(l) }
                } else if let v = try? req.content.get(String.self, at: key), !v.trimmingCharacters(in: .whitespaces).isEmpty {
                    answers[q.id] = .text(v)
                }
            }
        }
        let input = OutboundDesk.AttemptInput(
            outcome: outcome, answers: answers, callbackAt: try? req.content.get(String.self, at: "callbackAt"),
            offer: (try? req.content.get(String.self, at: "offer")).flatMap { $0.isEmpty ? nil : $0 },
            offerAccepted: (try? req.content.get(String.self, at: "offerAccepted")) == "on", note: try? req.content.get(String.self, at: "note"))
        return try await req.once(form: "outbound.attempt", fallback: back) {
            do {
                let (a, t) = try await desk.record(id, input)
                let next = t.status == .pending ? (t.nextDueAt.map { "，下次 \(PageFormat.dateTime($0, desk.timeZone))" } ?? "") : ""
                return .created(back, req.redirect(to: back, notice: "\(t.name)：\(a.outcome?.label ?? "")已登记（\(t.status.label)\(next)）。"))
            } catch let e as KefuError {
                return .refused(try await renderDesk(req, campaign: c.id, error: e))
            }
        }
    }

    // MARK: satisfaction measures

    struct MeasureRow: Encodable { var name: String; var formula: String; var numerator: Int; var denominator: Int; var percent: String }
    struct SatisfactionContext: Encodable {
        var page: PageContext
        var from: String; var to: String; var surveyed: Int
        @NilIfEmpty var measures: [MeasureRow]
        var error: String?
    }

    func satisfaction(req: Request) async throws -> Response {
        let tz = req.kefu.settings.timeZone
        let (from, to) = PeriodQuery.page(req)
        var error: KefuError?
        var dto = SatisfactionReport.DTO(from: from, to: to, surveyed: 0, measures: [])
        do {
            dto = try await SatisfactionReport(tenant: try await req.tenant(), timeZone: tz).dto(try PeriodQuery.range(from: from, to: to))
        } catch let e as KefuError { error = e }
        let ctx = SatisfactionContext(page: PageContext(req, user: try req.user(), title: "客户满意度指标"), from: from, to: to, surveyed: dto.surveyed,
                                      measures: dto.measures.map { MeasureRow(name: $0.name, formula: $0.formula, numerator: $0.numerator, denominator: $0.denominator,
                                                                               percent: $0.percent.map { String(format: "%.1f%%", $0) } ?? "—") },
                                      error: error?.reason)
        return try await Self.page(req, "satisfaction", ctx, error: error)
    }
}
