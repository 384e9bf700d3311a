import Vapor
import Fluent
import KefuCore

/// A campaign's live results: reach, completion, outcomes, answers per question, offers.
extension OutboundDesk {
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
