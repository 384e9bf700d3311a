import Vapor
import Fluent
import SQLKit
import KefuCore

/// Calling: the next target claimed for the agent, and what came of the call recorded.
extension OutboundDesk {
    /// The holidays the calling hours keep free (the admin's holiday calendar).
    func holidays() async throws -> Set<LocalDay> {
        try await SLAService(db: tenant.db, timeZone: timeZone).calendar(.workingDays).holidays
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
        if status == .pending, let d = due {
            let (hours, holidays) = (try c.hours(), try await holidays())
            if !OutboundRules.mayCall(at: d, hours: hours, timeZone: timeZone, holidays: holidays) {
                due = OutboundRules.nextCallable(from: d, hours: hours, timeZone: timeZone, holidays: holidays) ?? d
            }
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
}
