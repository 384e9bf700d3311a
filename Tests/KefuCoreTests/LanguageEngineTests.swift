import Foundation
import Testing
@testable import KefuCore

/// Shared fixtures: one engine for all tests (building it is the slow part).
enum LanguageFixtures {
    static let engine = LanguageEngine(lexicon: .shippedDefault, company: "星河通信")

    static let sampleLine = """
    {"id": "c-20261001-0001", "startedAt": "2026-10-01T09:00:05+08:00", "channel": "phone", "agentId": "1024", "segments": [
     {"speaker": "agent", "start": 0.0, "end": 3.1, "text": "节日好，星河通信，很高兴为您服务！"},
     {"speaker": "customer", "start": 3.4, "end": 8.0, "text": "我的订单号是 A20261001778，想问下什么时候发货"},
     {"speaker": "agent", "start": 8.2, "end": 11.0, "text": "您的订单号是A20261001778，对吗？请您稍等，正在为您查询。"},
     {"speaker": "system", "start": 11.0, "end": 11.0, "event": "hold_start"},
     {"speaker": "system", "start": 25.0, "end": 25.0, "event": "hold_end"},
     {"speaker": "agent", "start": 25.2, "end": 30.0, "text": "感谢您的耐心等待，您的订单今天下午发出。"},
     {"speaker": "customer", "start": 30.2, "end": 31.0, "text": "好的谢谢"},
     {"speaker": "agent", "start": 31.2, "end": 36.0, "text": "不客气。请问还有什么可以帮您？"},
     {"speaker": "customer", "start": 36.2, "end": 37.0, "text": "没有了"},
     {"speaker": "agent", "start": 37.2, "end": 42.0, "text": "请不要挂机，稍后对我的服务进行评价，祝您节日愉快，再见！"},
     {"speaker": "system", "start": 44.0, "end": 44.0, "event": "hangup", "by": "customer"}
    ]}
    """

    static var sample: Transcript { try! Transcript.parse(jsonLine: Substring(sampleLine.replacingOccurrences(of: "\n", with: ""))) }

    static func agent(_ text: String, _ start: Double = 0, _ end: Double? = nil) -> TranscriptSegment {
        TranscriptSegment(speaker: "agent", start: start, end: end ?? start + 1, text: text)
    }
    static func customer(_ text: String, _ start: Double = 0, _ end: Double? = nil) -> TranscriptSegment {
        TranscriptSegment(speaker: "customer", start: start, end: end ?? start + 1, text: text)
    }
    static func event(_ name: String, _ at: Double, by: String? = nil) -> TranscriptSegment {
        TranscriptSegment(speaker: "system", start: at, end: at, event: name, by: by)
    }

    /// A clean daily call on 2026-03-10 (an ordinary Tuesday) with `middle` in between.
    static func call(_ middle: [TranscriptSegment], day: String = "2026-03-10", channel: String = "phone",
                     opening: String = "您好，星河通信，很高兴为您服务！",
                     closing: String = "请不要挂机，稍后对我的服务进行评价，谢谢，再见！",
                     hangupBy: String = "customer") -> Transcript {
        var segments = [agent(opening, 0, 2)]
        segments += middle
        segments.append(agent(closing, 500, 505))
        segments.append(event("hangup", 506, by: hangupBy))
        return Transcript(id: "t", startedAt: "\(day)T10:00:00+08:00", channel: channel, agentId: "1024", segments: segments)
    }

    static func rules(_ transcript: Transcript) -> [String] {
        engine.scan(transcript).findings.map(\.rule)
    }
}

@Suite struct LanguageEngineTests {
    typealias F = LanguageFixtures

    @Test func sampleTranscriptScoresHundred() {
        let score = F.engine.scan(F.sample)
        #expect(score.findings == [])
        #expect(score.score == 100)
        #expect(score.id == "c-20261001-0001")
    }

    @Test func cleanDailyCallHasNoFindings() {
        #expect(F.rules(F.call([F.customer("你好", 3), F.agent("请问还有什么可以帮您？", 4)])) == [])
    }

    // MARK: forbidden

    @Test(arguments: [
        ("你有錢你找貴的充啊！", "forbidden.sarcasm"),
        ("声音大点。", "forbidden.command"),
        ("你在講什麼，我聽不清楚", "forbidden.command"),
        ("你不能講普通話嗎？", "forbidden.blame"),
        ("我不是已經告訴你了嗎", "forbidden.complaint"),
        ("真煩人！", "forbidden.complaint"),
        ("什麼亂七八糟的，你以後想清楚再問", "forbidden.lecturing"),
        ("急什么？", "forbidden.lecturing"),
        ("嗯，我不知道啊。", "forbidden.shirking"),
        ("系統有故障，我能有什麼辦法", "forbidden.shirking"),
        ("有意見，找領導去", "forbidden.shirking"),
        ("知道了 ， 知道了 ，不要再講了", "forbidden.impatience"),
        ("沒錯，我們公司確實很差", "forbidden.casual_agreement"),
        ("是啊我们公司是不好，你想用好的去营业厅充啊！", "forbidden.casual_agreement"),
        ("你去用别家的吧", "forbidden.competitor"),
    ])
    func forbiddenPhraseFires(text: String, rule: String) {
        let findings = F.engine.checkText(text, channel: "chat")
        #expect(findings.first?.rule == rule, "\(text)")
        for finding in findings {
            let scalars = Array(text.unicodeScalars)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[finding.start..<finding.end])
            #expect(String(view) == finding.text)
            #expect(finding.suggestion != nil)
        }
    }

    @Test func competitorAfterAgreementIsAlsoFound() {
        let rules = F.engine.checkText("是啊我们公司是不好，你想用好的去营业厅充啊！", channel: "chat").map(\.rule)
        #expect(rules == ["forbidden.casual_agreement", "forbidden.competitor"])
    }

    @Test(arguments: [
        "我知道了",
        "好的，我知道了，马上处理",
        "我不知道的话会帮您查",
        "这个问题我不知道怎么回事，我帮您转技术",
        "您的声音大点了，谢谢",
        "为什么呀",
        "不急，您慢慢说",
        "请您稍等，正在为您查询。",
    ])
    func nearMissDoesNotFire(text: String) {
        #expect(F.engine.checkText(text, channel: "chat") == [], "\(text)")
    }

    @Test func offsetsAndSuggestionsInChecks() {
        let text = "嗯 我不知道。"
        let finding = F.engine.checkText(text, channel: "chat").first
        #expect(finding?.text == "我不知道")
        #expect(finding?.start == 2)
        #expect(finding?.end == 6)
        #expect(finding?.suggestion == "请您稍等，我帮您核实一下。")
        #expect(F.engine.checkText("声音大点", channel: "chat").first?.suggestion == "很抱歉，请您重复一遍，好吗？")
    }

    @Test func longPhraseWinsOverShortInside() {
        let findings = F.engine.checkText("剛才不是我接的電話，我不知道。", channel: "chat")
        #expect(findings.count == 1)
        #expect(findings.first?.text == "剛才不是我接的電話，我不知道")
    }

    @Test func forbiddenOnlyInAgentSegments() {
        let t = F.call([F.customer("我不知道。你怎么还不明白", 3), F.agent("请问还有什么可以帮您？", 4)])
        #expect(F.rules(t) == [])
        let bad = F.call([F.customer("在吗", 3), F.agent("你怎么还不明白。", 4)])
        let score = F.engine.scan(bad)
        #expect(score.findings.map(\.rule) == ["forbidden.blame"])
        #expect(score.findings.first?.segment == 2)
        #expect(score.score == 85)
    }

    @Test func chatIsJudgedOnForbiddenOnly() {
        let t = Transcript(id: "chat", startedAt: "2026-10-01T10:00:00+08:00", channel: "chat", segments: [
            F.customer("订单号123456789", 0), F.agent("急什么？", 1), F.event("hangup", 2, by: "agent"),
        ])
        #expect(F.rules(t) == ["forbidden.lecturing"])
    }

    // MARK: opening / closing

    @Test func openingMissing() {
        #expect(F.rules(F.call([], opening: "喂，请讲")) == ["opening.missing"])
        #expect(F.rules(F.call([], opening: "您好")) == ["opening.missing"])
        let noAgent = Transcript(id: "x", startedAt: "2026-03-10T10:00:00+08:00", channel: "phone", segments: [F.customer("喂", 0)])
        #expect(F.rules(noAgent) == ["closing.missing", "opening.missing"].sorted())
    }

    @Test func openingToleratesCompanyTraditionalAndFullWidth() {
        #expect(F.rules(F.call([], opening: "您好，欧飞，很高兴为您服务！")) == [])
        #expect(F.rules(F.call([], opening: "您好 ， 很高興為您服務")) == [])
        #expect(F.rules(F.call([], opening: "您好，星河通信")) == [])
        #expect(F.rules(F.call([], day: "2026-10-01", opening: "節日好！星河通信，很高興為您服務！",
                               closing: "請不要掛機，稍後對我的服務進行評價，祝您節日愉快，再見！")) == [])
    }

    @Test func openingInterruptedByCustomerIsAccepted() {
        var t = F.call([F.customer("我要查话费", 1), F.agent("好的请稍等", 3)], opening: "您好，星河")
        t.segments[0].end = 2
        #expect(F.rules(t) == [])
    }

    @Test func openingHolidayVariant() {
        let findings = F.engine.scan(F.call([], day: "2026-10-01", closing: "请不要挂机，稍后对我的服务进行评价，祝您节日愉快，再见！")).findings
        #expect(findings.map(\.rule) == ["opening.holiday"])
        #expect(findings.first?.suggestion == "节日好，星河通信，很高兴为您服务！")
        #expect(F.rules(F.call([], opening: "新年好，星河通信，很高兴为您服务！")) == ["opening.holiday"])
        #expect(F.rules(F.call([], day: "2026-02-17", opening: "新年好，星河通信，很高兴为您服务！",
                               closing: "请不要挂机，稍后对我的服务进行评价，祝您春节愉快，再见！")) == [])
    }

    @Test func closingMissingAndHoliday() {
        #expect(F.rules(F.call([], closing: "好的，再见")) == ["closing.missing"])
        #expect(F.rules(F.call([], closing: "请不要挂机，稍后对我的服务进行评价")) == ["closing.missing"])
        #expect(F.rules(F.call([], closing: "请不要挂机，稍后对我的服务进行评价，祝您节日愉快，再见！")) == ["closing.holiday"])
        #expect(F.rules(F.call([], day: "2027-02-06", opening: "新年好，很高兴为您服务",
                               closing: "请不要挂机，稍后对我的服务进行评价，谢谢，再见！")) == ["closing.holiday"])
        // Split over the last two utterances is fine.
        var t = F.call([], closing: "再见！")
        t.segments.insert(F.agent("请不要挂机，稍后对我的服务进行评价，谢谢", 499), at: 1)
        #expect(F.rules(t) == [])
    }

    // MARK: holds

    @Test func holdRules() {
        let announced = F.agent("请您稍等，不要挂机。", 10)
        let thanks = F.agent("感谢您的耐心等待，已经查到了。", 95)
        // Fine: 12 s hold, announced and thanked.
        #expect(F.rules(F.call([announced, F.event("hold_start", 11), F.event("hold_end", 23), thanks])) == [])
        // No notice, no thanks.
        #expect(F.rules(F.call([F.agent("好的", 10), F.event("hold_start", 11), F.event("hold_end", 23), F.agent("查到了", 24)]))
                == ["hold.no_notice", "hold.no_thanks"])
        // Under 5 s: nothing needed.
        #expect(F.rules(F.call([F.agent("好的", 10), F.event("hold_start", 11), F.event("hold_end", 14), F.agent("查到了", 24)])) == [])
        // Too long (45 s).
        #expect(F.rules(F.call([announced, F.event("hold_start", 11), F.event("hold_end", 56), thanks])) == ["hold.too_long"])
        // Over 60 s without reminder.
        #expect(F.rules(F.call([announced, F.event("hold_start", 11), F.event("hold_end", 90), thanks]))
                == ["hold.too_long", "wait.no_reminder"])
        // Over 60 s, agent reminds during the hold.
        #expect(F.rules(F.call([announced, F.event("hold_start", 11), F.agent("还在为您查询，请您再稍等一下", 50),
                                F.event("hold_end", 90), thanks])) == ["hold.too_long"])
        // Split into two holds by hold_end/hold_start with a reminder: neither over 30 s.
        #expect(F.rules(F.call([announced, F.event("hold_start", 11), F.event("hold_end", 35),
                                F.agent("很抱歉让您久等了，请您再稍等一下", 36), F.event("hold_start", 40),
                                F.event("hold_end", 65), thanks])) == [])
    }

    // MARK: courtesy, verify, hangup

    @Test func thanksUnanswered() {
        #expect(F.rules(F.call([F.customer("太感謝了", 5), F.agent("好的", 6)])) == ["courtesy.thanks_unanswered"])
        #expect(F.rules(F.call([F.customer("你们服务真好", 5), F.agent("谢谢您的夸奖，这是我应该做的", 6)])) == [])
        #expect(F.rules(F.call([F.customer("谢谢", 5), F.agent("不用謝", 6)])) == [])
        #expect(F.rules(F.call([F.customer("好的", 5), F.agent("嗯", 6)])) == [])
    }

    @Test func verifyReadBack() {
        #expect(F.rules(F.call([F.customer("会员号是 ８８６ ７２３１", 5), F.agent("您的会员号是8867231，对吗？", 6)])) == [])
        #expect(F.rules(F.call([F.customer("订单号 a2026 1001 778", 5), F.agent("订单号A20261001778对吗", 6)])) == [])
        #expect(F.rules(F.call([F.customer("卡号是6222020200112233", 5), F.agent("好的，请稍等", 6)])) == ["verify.missing"])
        #expect(F.rules(F.call([F.customer("卡号是6222020200112233", 5), F.agent("卡号是6222020200112234对吗", 6)])) == ["verify.missing"])
        // Too short, or no digit: not a number.
        #expect(F.rules(F.call([F.customer("是12345", 5), F.agent("好的", 6)])) == [])
        #expect(F.rules(F.call([F.customer("iphone pro", 5), F.agent("好的", 6)])) == [])
    }

    @Test func agentHungUpFirst() {
        #expect(F.rules(F.call([], hangupBy: "agent")) == ["call.agent_hung_up_first"])
        let excused = F.call([F.agent("如您再次使用不文明语言，将结束本次通话！", 10)], hangupBy: "agent")
        #expect(F.rules(excused) == [])
    }

    @Test func scoreFromScorecard() {
        let t = F.call([F.agent("你怎么还不明白", 5), F.agent("急什么？", 6)], opening: "喂", hangupBy: "agent")
        let score = F.engine.scan(t)
        #expect(score.score == 100 - 15 - 15 - 5 - 10)
        let custom = LanguageEngine(lexicon: .shippedDefault, scorecard: Scorecard(points: ["forbidden.blame": 100], defaultPoints: 1), company: "")
        #expect(custom.scan(t).score == 0)
    }

    @Test func openingPhraseForScreenPop() {
        let engine = F.engine
        #expect(engine.openingPhrase(on: LocalDay("2026-10-01")!) == "节日好，星河通信，很高兴为您服务！")
        #expect(engine.openingPhrase(on: LocalDay("2026-02-17")!) == "新年好，星河通信，很高兴为您服务！")
        #expect(engine.openingPhrase(on: LocalDay("2026-03-10")!) == "您好，星河通信，很高兴为您服务！")
        let anonymous = LanguageEngine(lexicon: .shippedDefault, company: "")
        #expect(anonymous.openingPhrase(on: LocalDay("2026-03-10")!) == "您好，很高兴为您服务！")
        #expect(engine.standardPhrase(.workId, workId: "1024") == "我是1024号，如服务不周请您谅解。")
    }
}

@Suite struct LanguageTranscriptTests {
    @Test func parsesSampleAndLocalDay() throws {
        let t = LanguageFixtures.sample
        #expect(t.segments.count == 11)
        #expect(t.localDay(defaultTimeZone: TimeZone(identifier: "Asia/Shanghai")!) == LocalDay("2026-10-01"))
        var utc = t
        utc.startedAt = "2026-09-30T17:00:00Z"
        #expect(utc.localDay(defaultTimeZone: TimeZone(identifier: "Asia/Shanghai")!) == LocalDay("2026-10-01"))
        utc.startedAt = "2026-10-01T23:30:00-05:00"
        #expect(utc.localDay(defaultTimeZone: TimeZone(identifier: "Asia/Shanghai")!) == LocalDay("2026-10-01"))
    }

    @Test func clearErrorsForMalformedLines() {
        func message(_ line: String) -> String {
            do { _ = try Transcript.parse(jsonLine: Substring(line)); return "" } catch { return "\(error)" }
        }
        #expect(message(#"{"channel":"phone","segments":[]}"#).contains("id"))
        #expect(message(#"{"id":"x","channel":"phone"}"#).contains("segments"))
        #expect(message(#"{"id":"x","segments":[{"start":0,"end":1}]}"#).contains("speaker"))
        #expect(message(#"{"id": "x", "#).contains("JSON"))
        #expect(message("   ").contains("空行"))
        let noChannel = try? Transcript.parse(jsonLine: #"{"id":"x","segments":[]}"#)
        #expect(noChannel?.channel == "phone")
    }
}
