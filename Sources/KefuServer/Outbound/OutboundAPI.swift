import Vapor
import Fluent
import KefuCore

/// Outbound campaigns over the API (R7.1–R7.4): design a campaign, load its targets (a JSON
/// list, CSV, or a saved query of orders), take the next target, record the call, read the
/// results; and the satisfaction measures of a period.
struct OutboundAPI {
    func register(_ api: RoutesBuilder) {
        let plan = api.grouped("outbound", "campaigns").requiring(.outboundPlan)
        plan.idempotent().post(use: create)
        plan.get(use: list)
        plan.get(":id", use: one)
        plan.on(.POST, ":id", "targets", body: .collect(maxSize: "20mb"), use: addTargets)
        plan.post(":id", "close", use: close)
        plan.get(":id", "results", use: results)
        let call = api.grouped("outbound").requiring(.outboundCall)
        call.post("campaigns", ":id", "next", use: next)
        call.post("attempts", ":id", use: record)
        api.grouped("reports").requiring(.reportsRead).get("satisfaction", use: satisfaction)
    }

    struct CampaignDTO: Content {
        var id: UUID; var name: String; var purpose: String; var opening: String; var plan: String
        var questions: [OutboundDesk.QuestionDTO]; var offers: [OutboundDesk.OfferDTO]
        var callingHours: String; var quietHours: String?; var weekdays: [Int]
        var maxAttempts: Int; var retrySpacingMinutes: Int; var agents: [String]
        var startsOn: String; var endsOn: String; var closed: Bool; var createdBy: String; var createdAt: Date

        init(_ c: OutboundCampaign) throws {
            id = try c.requireID(); name = c.name; purpose = c.purpose.rawValue; opening = c.opening; plan = c.plan
            questions = try c.questionnaire().questions.map { q in
                .init(id: q.id, text: q.text, kind: q.kind.rawValue, options: q.options, required: q.required, skip: q.skip)
            }
            offers = try c.offers().map { .init(code: $0.code, name: $0.name, limit: $0.limit) }
            callingHours = c.callingHours; quietHours = c.quietHours; weekdays = c.weekdaySet.sorted()
            maxAttempts = c.maxAttempts; retrySpacingMinutes = c.retrySpacingMinutes; agents = c.agentSet.sorted()
            startsOn = c.startsOn; endsOn = c.endsOn; closed = c.closed; createdBy = c.createdBy; createdAt = c.createdAt
        }
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(OutboundDesk.CampaignInput.self)
        guard input.questionnaireText == nil else {
            throw KefuError.invalid([.init(field: "questionnaireText", message: "API 请用 questions 描述问卷")])
        }
        let c = try await OutboundDesk.of(req).create(input)
        let res = Response(status: .created)
        try res.content.encode(try CampaignDTO(c))
        return res
    }

    func list(req: Request) async throws -> [CampaignDTO] {
        try await OutboundDesk.of(req).campaigns().map(CampaignDTO.init)
    }

    func one(req: Request) async throws -> CampaignDTO {
        try CampaignDTO(try await OutboundDesk.of(req).campaign(req.parameters.get("id", as: UUID.self)))
    }

    func close(req: Request) async throws -> CampaignDTO {
        let desk = try await OutboundDesk.of(req)
        let c = try await desk.campaign(req.parameters.get("id", as: UUID.self))
        try await desk.close(c)
        return try CampaignDTO(c)
    }

    struct TargetInput: Content { var name: String?; var phone: String?; var note: String? }
    struct TargetsBody: Content { var targets: [TargetInput]?; var orders: OutboundDesk.OrdersQuery? }

    /// `text/csv` (姓名,电话,备注), a JSON list of `{name, phone, note}`, `{"targets": [...]}`, or
    /// `{"orders": {"type", "closedFrom", "closedTo"}}` for the customers of closed orders.
    func addTargets(req: Request) async throws -> OutboundDesk.AddResult {
        let desk = try await OutboundDesk.of(req)
        let c = try await desk.campaign(req.parameters.get("id", as: UUID.self))
        let rows: [OutboundDesk.TargetRow]
        if req.headers.contentType?.subType == "csv" {
            guard let body = req.body.data, let text = body.getString(at: body.readerIndex, length: body.readableBytes, encoding: .utf8) else {
                throw KefuError.invalid([.init(field: "body", message: "请求体应为 UTF-8 的 CSV 文本（表头：姓名,电话,备注）")])
            }
            let parsed = OutboundDesk.csvRows(text)
            if let first = parsed.problems.first { throw KefuError.invalid([.init(field: "line \(first.line)", message: first.message)]) }
            rows = parsed.rows
        } else if let list = try? req.content.decode([TargetInput].self) {
            rows = Self.rows(list)
        } else {
            let body = try req.content.decode(TargetsBody.self)
            if let q = body.orders { rows = try await desk.orderRows(q) }
            else if let list = body.targets { rows = Self.rows(list) }
            else { throw KefuError.invalid([.init(field: "targets", message: "请给出 targets（客户列表）或 orders（按工单筛选）")]) }
        }
        guard !rows.isEmpty else { throw KefuError.invalid([.init(field: "targets", message: "没有要添加的客户")]) }
        return try await desk.addTargets(c, rows)
    }

    static func rows(_ list: [TargetInput]) -> [OutboundDesk.TargetRow] {
        list.enumerated().map { i, t in .init(line: i + 1, name: t.name ?? "", phone: t.phone ?? "", note: t.note ?? "") }
    }

    struct TargetDTO: Content {
        var id: UUID; var name: String; var phone: String; var note: String; var status: String; var attempts: Int
        var callbackAt: Date?; var workOrderId: UUID?
        init(_ t: OutboundTargetRecord) throws {
            id = try t.requireID(); name = t.name; phone = t.phone; note = t.note; status = t.status.rawValue; attempts = t.attempts
            callbackAt = t.callbackAt; workOrderId = t.workOrderID
        }
    }

    struct CallDTO: Content {
        var attemptId: UUID; var attempt: Int; var campaignId: UUID; var target: TargetDTO
        /// The opening with the agent's work ID in it.
        var opening: String
        var questions: [OutboundDesk.QuestionDTO]
        var offers: [OutboundDesk.OfferDTO]
    }

    static func call(_ claim: OutboundDesk.Claim, workId: String) throws -> CallDTO {
        let c = try CampaignDTO(claim.campaign)
        return CallDTO(attemptId: try claim.attempt.requireID(), attempt: claim.attempt.number, campaignId: c.id, target: try TargetDTO(claim.target),
                       opening: OutboundRules.opening(claim.campaign.opening, workId: workId), questions: c.questions, offers: c.offers)
    }

    func next(req: Request) async throws -> Response {
        let desk = try await OutboundDesk.of(req)
        let c = try await desk.campaign(req.parameters.get("id", as: UUID.self))
        guard let claim = try await desk.next(c) else { return Response(status: .noContent) }
        let res = Response(status: .ok)
        try res.content.encode(try Self.call(claim, workId: desk.actor))
        return res
    }

    struct AttemptDTO: Content {
        var id: UUID; var number: Int; var outcome: String?; var finishedAt: Date?; var offer: String?; var offerAccepted: Bool?
        var target: TargetDTO; var nextDueAt: Date?
    }

    func record(req: Request) async throws -> AttemptDTO {
        let desk = try await OutboundDesk.of(req)
        let (a, t) = try await desk.record(req.parameters.get("id", as: UUID.self), try req.content.decode(OutboundDesk.AttemptInput.self))
        return AttemptDTO(id: try a.requireID(), number: a.number, outcome: a.outcome?.rawValue, finishedAt: a.finishedAt, offer: a.offer,
                          offerAccepted: a.offerAccepted, target: try TargetDTO(t), nextDueAt: t.nextDueAt)
    }

    struct QuestionResultDTO: Content {
        var id: String; var text: String; var kind: String; var answered: Int; var counts: [String: Int]
        var average: Double?; var nps: Int?; var verbatims: [String]
    }
    struct OfferResultDTO: Content { var code: String; var name: String; var limit: Int?; var made: Int; var accepted: Int }
    struct ResultsDTO: Content {
        var campaignId: UUID; var targets: Int; var called: Int; var reached: Int; var completed: Int; var attempts: Int
        var reachRate: Double?; var completionRate: Double?
        var statuses: [String: Int]; var outcomes: [String: Int]
        var questions: [QuestionResultDTO]; var offers: [OfferResultDTO]
    }

    static func results(_ c: OutboundCampaign, _ r: OutboundDesk.Results) throws -> ResultsDTO {
        ResultsDTO(campaignId: try c.requireID(), targets: r.targets, called: r.called, reached: r.reached, completed: r.completed, attempts: r.attempts,
                   reachRate: r.reachRate, completionRate: r.completionRate,
                   statuses: Dictionary(uniqueKeysWithValues: r.byStatus.map { ($0.key.rawValue, $0.value) }),
                   outcomes: Dictionary(uniqueKeysWithValues: r.outcomes.map { ($0.key.rawValue, $0.value) }),
                   questions: r.questions.map { q in
                       QuestionResultDTO(id: q.question.id, text: q.question.text, kind: q.question.kind.rawValue, answered: q.answered,
                                         counts: q.counts, average: q.average, nps: q.nps, verbatims: Array(q.verbatims.suffix(100)))
                   },
                   offers: r.offers.map { OfferResultDTO(code: $0.offer.code, name: $0.offer.name, limit: $0.offer.limit, made: $0.made, accepted: $0.accepted) })
    }

    func results(req: Request) async throws -> ResultsDTO {
        let desk = try await OutboundDesk.of(req)
        let c = try await desk.campaign(req.parameters.get("id", as: UUID.self))
        return try Self.results(c, try await desk.results(c))
    }

    func satisfaction(req: Request) async throws -> SatisfactionReport.DTO {
        try req.refuseEmptyQuery("from", "to")
        struct Query: Content { var from: String?; var to: String? }
        let q = try req.query.decode(Query.self)
        let range = try PeriodQuery.range(from: q.from, to: q.to)
        return try await SatisfactionReport(tenant: try await req.tenant(), timeZone: req.kefu.settings.timeZone).dto(range)
    }
}
