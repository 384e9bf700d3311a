import Vapor
import Fluent
import KefuCore

/// A satisfaction survey run by the outbound agent 1201 this morning: a questionnaire with a
/// skip, twelve customers, five of them called (three surveys completed, one no answer, one
/// asking to be called back this afternoon), so the desk, the results and the measures have
/// something to show.
struct DemoOutbound {
    let app: Application

    func load(companyID: UUID) async throws {
        let db = app.db
        let tz = app.kefu.settings.timeZone
        let now = app.kefu.clock.now()
        let tenant = TenantData(scope: .companies([companyID]), db: db)
        guard let agent = try await tenant.query(User.self).filter(\.$workId == "1201").first() else { return }
        let today = LocalDay(now, in: tz)
        let morning = today.start(in: tz).addingTimeInterval(10 * 3600)
        func desk(at t: Date) -> OutboundDesk { OutboundDesk(tenant: tenant, user: agent, now: t, timeZone: tz) }
        let (questions, _) = QuestionnaireText.parse(OutboundPages.example)
        let c = try await desk(at: morning).create(.init(
            name: "宽带服务满意度回访", purpose: CampaignPurpose.satisfaction.rawValue,
            opening: "您好，我是星河通信客服中心 {工号} 号话务员，耽误您两分钟，想了解一下您对我们宽带服务的意见。",
            plan: "一、核实客户身份；二、询问上次处理结果；三、服务评分与推荐意愿；四、记录意见，致谢。",
            questions: questions.questions.map { .init(id: $0.id, text: $0.text, kind: $0.kind.rawValue, options: $0.options, required: $0.required, skip: $0.skip) },
            offers: nil, callingHours: "09:00-20:00", quietHours: "12:00-14:00", weekdays: Array(1...7), maxAttempts: 3,
            retrySpacingMinutes: 120, agents: ["1201"], startsOn: today.adding(days: -1).description, endsOn: today.adding(days: 13).description))
        let customers = try await tenant.query(Customer.self).filter(\.$companyID == companyID).sort(\.$createdAt).limit(12).all()
        _ = try await desk(at: morning).addTargets(c, customers.enumerated().map { i, k in
            .init(line: i + 1, name: k.name, phone: k.phone, note: "", customerID: k.id, orderID: nil)
        })
        let plan: [(CallOutcome, [String: OutboundDesk.AnswerValue])] = [
            (.answered, ["q1": .text("满意"), "q3": .number(5), "q4": .number(9)]),
            (.answered, ["q1": .text("不满意"), "q2": .text("装机师傅迟到了半小时"), "q3": .number(3), "q4": .number(6)]),
            (.noAnswer, [:]),
            (.answered, ["q1": .text("满意"), "q3": .number(4)]),
            (.callBackLater, [:]),
        ]
        for (i, (outcome, answers)) in plan.enumerated() {
            let t = morning.addingTimeInterval(Double(i) * 420)
            guard let claim = try await desk(at: t).next(c), let id = claim.attempt.id else { continue }
            _ = try await desk(at: t.addingTimeInterval(300)).record(id, .init(
                outcome: outcome.rawValue, answers: answers.isEmpty ? nil : answers,
                callbackAt: outcome == .callBackLater ? JSONCoding.formatISO(today.start(in: tz).addingTimeInterval(16 * 3600), timeZone: tz) : nil,
                offer: nil, offerAccepted: nil, note: nil))
        }
    }
}
