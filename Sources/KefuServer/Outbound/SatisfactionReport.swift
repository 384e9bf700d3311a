import Vapor
import Fluent
import KefuCore

/// The five satisfaction measures of a period (R7.4; seed 003 第17条), each with the counts and
/// the formula it was made from: surveys from the outbound calls answered in the period,
/// customers and complaints from the orders created in it.
struct SatisfactionReport {
    let tenant: TenantData
    let timeZone: TimeZone

    /// The question id a survey uses to ask whether the customer knew the service before
    /// (first option = yes); a survey without it counts its respondents as aware.
    static let awarenessQuestion = "aware"

    func counts(_ range: ClosedRange<LocalDay>) async throws -> SatisfactionMeasures.Counts {
        let from = range.lowerBound.start(in: timeZone), to = range.upperBound.adding(days: 1).start(in: timeZone)
        var c = SatisfactionMeasures.Counts()
        let attempts = try await tenant.query(OutboundAttempt.self).filter(\.$finishedAt >= from).filter(\.$finishedAt < to).all()
        // Each campaign's questions, decoded once rather than per call.
        let questionnaires = Dictionary(try await tenant.query(OutboundCampaign.self, ids: Array(Set(attempts.map(\.campaignID)))).all()
            .compactMap { k in k.id.map { ($0, (try? k.questionnaire().questions) ?? []) } }, uniquingKeysWith: { a, _ in a })
        var surveyed = Set<UUID>(), aware = Set<UUID>(), praising = Set<UUID>()
        for a in attempts {
            if a.offer != nil { c.offers += 1; if a.offerAccepted == true { c.accepted += 1 } }
            guard a.outcome == .answered, let questions = questionnaires[a.campaignID], !questions.isEmpty, let json = a.answersJSON,
                  let answers = try? JSONDecoder().decode([String: OutboundDesk.AnswerValue].self, from: Data(json.utf8)) else { continue }
            surveyed.insert(a.targetID)
            var knows = true
            if let q = questions.first(where: { $0.id == Self.awarenessQuestion }), case .choices(let chosen)? = answers[q.id].flatMap({ $0.answer(for: q.kind) }) {
                knows = chosen.first == q.options.first
            }
            guard knows else { continue }
            aware.insert(a.targetID)
            let praises = questions.contains { q in
                switch answers[q.id].flatMap({ $0.answer(for: q.kind) }) {
                case .number(let n)?: (q.kind == .rating && n >= 4) || (q.kind == .nps && n >= 9)
                default: false
                }
            }
            if praises { praising.insert(a.targetID) }
        }
        c.surveyed = surveyed.count; c.aware = aware.count; c.praising = praising.count
        let orders = try await tenant.query(WorkOrder.self).filter(\.$createdAt >= from).filter(\.$createdAt < to)
            .field(\.$customer.$id).field(\.$type).all()
        let customers = Set(orders.map { $0.$customer.id })
        c.customers = customers.count
        c.complaining = Set(orders.filter { $0.type == WorkOrderType.complaint.rawValue }.map { $0.$customer.id }).count
        var returning = Set<UUID>()
        let ids = Array(customers)
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            returning.formUnion(try await tenant.query(WorkOrder.self).filter(\.$customer.$id ~~ chunk).filter(\.$createdAt < from).all(\.$customer.$id))
        }
        c.returning = returning.count
        return c
    }

    struct MeasureDTO: Content { var key: String; var name: String; var formula: String; var numerator: Int; var denominator: Int; var percent: Double? }
    struct DTO: Content { var from: String; var to: String; var surveyed: Int; var measures: [MeasureDTO] }

    func dto(_ range: ClosedRange<LocalDay>) async throws -> DTO {
        let c = try await counts(range)
        return DTO(from: range.lowerBound.description, to: range.upperBound.description, surveyed: c.surveyed,
                   measures: SatisfactionMeasures(c).measures.map {
                       MeasureDTO(key: $0.key, name: $0.name, formula: $0.formula, numerator: $0.numerator, denominator: $0.denominator, percent: $0.percent)
                   })
    }
}
