import Foundation
import Testing
@testable import KefuCore

/// R7.1–R7.4: calling hours and the quiet midday, retry spacing and the last try, the order
/// targets are called in, the opening that gives the work ID, questionnaires with skip logic,
/// retention offers with limits, and the five satisfaction measures with their formulas.
@Suite("Outbound campaigns (R7)")
struct OutboundRulesTests {
    let tz = TimeZone(identifier: "Asia/Shanghai") ?? .current
    var monday: LocalDay { LocalDay(year: 2026, month: 12, day: 7) }
    func at(_ day: LocalDay, _ h: Int, _ m: Int = 0) -> Date { day.start(in: tz).addingTimeInterval(Double(h * 3600 + m * 60)) }

    @Test func callingHoursQuietMiddayAndHolidays() throws {
        let hours = try #require(CallingHours.parse("09:00-20:00", quiet: "12:00-14:00", weekdays: [1, 2, 3, 4, 5, 6]))
        #expect(OutboundRules.mayCall(at: at(monday, 9), hours: hours, timeZone: tz, holidays: []))
        #expect(!OutboundRules.mayCall(at: at(monday, 8, 59), hours: hours, timeZone: tz, holidays: []))
        #expect(!OutboundRules.mayCall(at: at(monday, 12, 30), hours: hours, timeZone: tz, holidays: []))
        #expect(!OutboundRules.mayCall(at: at(monday, 20), hours: hours, timeZone: tz, holidays: []))
        #expect(!OutboundRules.mayCall(at: at(monday.adding(days: 6), 10), hours: hours, timeZone: tz, holidays: []))  // Sunday
        #expect(!OutboundRules.mayCall(at: at(monday, 10), hours: hours, timeZone: tz, holidays: [monday]))
        // The next moment calling is allowed: after the quiet midday, the next morning, past a holiday and Sunday.
        #expect(OutboundRules.nextCallable(from: at(monday, 12, 30), hours: hours, timeZone: tz, holidays: []) == at(monday, 14))
        #expect(OutboundRules.nextCallable(from: at(monday, 21), hours: hours, timeZone: tz, holidays: []) == at(monday.adding(days: 1), 9))
        #expect(OutboundRules.nextCallable(from: at(monday, 10, 15), hours: hours, timeZone: tz, holidays: []) == at(monday, 10, 15))
        #expect(OutboundRules.nextCallable(from: at(monday.adding(days: 5), 21), hours: hours, timeZone: tz, holidays: [monday.adding(days: 7)]) == at(monday.adding(days: 8), 9))
        #expect(CallingHours.parse("09:00-20:00", quiet: "07:00-08:00", weekdays: [1]) == nil)
        #expect(CallingHours.parse("20:00-09:00", quiet: nil, weekdays: [1]) == nil)
    }

    @Test func retrySpacingAndTheLastTry() {
        let now = at(monday, 10)
        let policy = AttemptPolicy(maxAttempts: 3, retrySpacingMinutes: 120)
        #expect(OutboundRules.after(.noAnswer, attempt: 1, now: now, callbackAt: nil, policy: policy) == (.pending, now.addingTimeInterval(7200)))
        #expect(OutboundRules.after(.busy, attempt: 2, now: now, callbackAt: nil, policy: policy) == (.pending, now.addingTimeInterval(7200)))
        #expect(OutboundRules.after(.noAnswer, attempt: 3, now: now, callbackAt: nil, policy: policy) == (.exhausted, nil))
        let later = at(monday, 16)
        #expect(OutboundRules.after(.callBackLater, attempt: 3, now: now, callbackAt: later, policy: policy) == (.pending, later))
        #expect(OutboundRules.after(.callBackLater, attempt: 4, now: now, callbackAt: later, policy: policy) == (.exhausted, nil))
        #expect(OutboundRules.after(.answered, attempt: 1, now: now, callbackAt: nil, policy: policy) == (.completed, nil))
        #expect(OutboundRules.after(.doNotCall, attempt: 1, now: now, callbackAt: nil, policy: policy) == (.doNotCall, nil))
        #expect(OutboundRules.outcomeProblem(.callBackLater, callbackAt: nil, now: now)?.field == "callbackAt")
        #expect(OutboundRules.outcomeProblem(.callBackLater, callbackAt: now.addingTimeInterval(-60), now: now)?.field == "callbackAt")
        #expect(OutboundRules.outcomeProblem(.callBackLater, callbackAt: later, now: now) == nil)
        #expect(CallOutcome.refused.reached && !CallOutcome.busy.reached)
    }

    @Test func whoIsCalledNext() {
        let now = at(monday, 10)
        func t(_ n: Int, attempts: Int = 0, due: Date? = nil, callback: Date? = nil, status: TargetStatus = .pending) -> OutboundTarget {
            OutboundTarget(id: UUID(), status: status, attempts: attempts, nextDueAt: due, callbackAt: callback, addedAt: now, position: n)
        }
        let fresh = t(2), tried = t(1, attempts: 1, due: now.addingTimeInterval(-60)), waiting = t(0, attempts: 1, due: now.addingTimeInterval(600))
        let asked = t(5, attempts: 1, due: now.addingTimeInterval(-10), callback: now.addingTimeInterval(-10))
        #expect(OutboundRules.next([fresh, tried, waiting, asked], now: now)?.position == 5)  // the customer's own time first
        #expect(OutboundRules.next([fresh, tried, waiting], now: now)?.position == 2)         // fewest tries, then list order
        #expect(OutboundRules.next([waiting, t(3, status: .calling), t(4, status: .completed)], now: now) == nil)
    }

    @Test func theOpeningGivesTheWorkIDAndWhoMayCall() {
        #expect(OutboundRules.openingProblem("您好，我是客服中心{工号}号话务员，今天来电是做一次满意度回访。", purpose: .satisfaction) == nil)
        #expect(OutboundRules.openingProblem("您好，今天做个回访。", purpose: .followUp)?.field == "opening")
        #expect(OutboundRules.opening("我是{工号}号", workId: "1201") == "我是1201号")
        #expect(OutboundRules.mayCall(role: .outboundAgent, workId: "1201", assigned: ["1201"]))
        #expect(!OutboundRules.mayCall(role: .agent, workId: "1001", assigned: ["1201"]))
        #expect(OutboundRules.mayCall(role: .shiftLead, workId: "3001", assigned: ["1201"]))
        #expect(!OutboundRules.mayCall(role: .liaison, workId: "5001", assigned: ["5001"]))
    }

    @Test func questionnaireWithSkipLogic() {
        let text = """
        q1 | 单选 | 您对上次的处理结果满意吗？ | 满意>q3; 不满意
        q2 | 文字 | 哪里不满意？
        q3 | 评分 | 请为话务员的服务打分
        q4 | 推荐 | 您会向朋友推荐我们吗？ | | 选填
        """
        let (q, lineProblems) = QuestionnaireText.parse(text)
        #expect(lineProblems.isEmpty && q.problems().isEmpty && q.questions.count == 4)
        #expect(q.questions[0].skip == ["满意": "q3"] && !q.questions[3].required)
        #expect(QuestionnaireText.parse(QuestionnaireText.format(q)).questionnaire == q)
        // A satisfied customer skips q2.
        let happy: [String: Answer] = ["q1": .choices(["满意"]), "q3": .number(5)]
        #expect(q.path(happy).map(\.id) == ["q1", "q3", "q4"])
        #expect(q.answerProblems(happy).isEmpty)
        #expect(q.answerProblems(["q1": .choices(["满意"]), "q2": .text("x"), "q3": .number(5)]).map(\.field) == ["answers.q2"])
        #expect(q.answerProblems(["q1": .choices(["不满意"]), "q3": .number(4)]).map(\.field) == ["answers.q2"])
        #expect(q.answerProblems(["q1": .choices(["还行"]), "q3": .number(9)]).map(\.field).sorted() == ["answers.q1", "answers.q2", "answers.q3"])
        #expect(q.answerProblems(["q1": .number(1), "q2": .text("慢"), "q3": .number(3)]).map(\.field) == ["answers.q1"])
        // Bad designs are refused with the question named.
        #expect(!QuestionnaireText.parse("q1 | 单选 | 只有一个选项 | 是").questionnaire.problems().isEmpty)
        #expect(!QuestionnaireText.parse("q1 | 单选 | 跳回 | 是>q1; 否\nq2 | 文字 | 说明").questionnaire.problems().isEmpty)
        #expect(!QuestionnaireText.parse("q1 | 多选 | 多选不能跳 | 甲>q2; 乙\nq2 | 文字 | 说明").questionnaire.problems().isEmpty)
        #expect(!QuestionnaireText.parse("q1 | 问答 | 未知类型").problems.isEmpty)
        #expect(!QuestionnaireText.parse("q1 | 文字 | 甲\nq1 | 文字 | 乙").questionnaire.problems().isEmpty)
    }

    @Test func resultsPerQuestionAndNPS() {
        var nps = QuestionResult(question: Question(id: "q4", text: "推荐", kind: .nps))
        for n in [10, 9, 8, 6, 3] { nps.add(.number(n)) }
        #expect(nps.answered == 5 && nps.nps == 0 && nps.average == 7.2)
        var choice = QuestionResult(question: Question(id: "q1", text: "满意", kind: .single, options: ["满意", "不满意"]))
        choice.add(.choices(["满意"])); choice.add(.choices(["满意"])); choice.add(.choices(["不满意"]))
        #expect(choice.counts == ["满意": 2, "不满意": 1] && choice.average == nil)
    }

    @Test func retentionOffersFromTheListWithinTheLimit() {
        let offers = [RetentionOffer(code: "M50", name: "月费五折三个月", limit: 2), RetentionOffer(code: "GIFT", name: "赠送流量", limit: nil)]
        #expect(RetentionOffer.problem("M50", offers: offers, given: ["M50": 1]) == nil)
        #expect(RetentionOffer.problem("M50", offers: offers, given: ["M50": 2])?.field == "offer")
        #expect(RetentionOffer.problem("FREE", offers: offers, given: [:])?.field == "offer")
        #expect(RetentionOffer.problem("GIFT", offers: offers, given: ["GIFT": 999]) == nil)
        #expect(RetentionOffer.problem(nil, offers: offers, given: [:]) == nil)
    }

    @Test func theFiveMeasuresWithTheirFormulas() {
        var c = SatisfactionMeasures.Counts()
        c.surveyed = 200; c.aware = 160; c.praising = 120; c.customers = 1000; c.returning = 350; c.complaining = 40; c.offers = 50; c.accepted = 11
        let m = SatisfactionMeasures(c).measures
        #expect(m.map(\.name) == ["美誉度", "知名度", "回头率", "抱怨率", "销售力"])
        #expect(m.map(\.percent) == [75.0, 80.0, 35.0, 4.0, 22.0])
        #expect(m.allSatisfy { $0.formula.contains("÷") })
        #expect(SatisfactionMeasures(SatisfactionMeasures.Counts()).measures.allSatisfy { $0.percent == nil })
    }
}
