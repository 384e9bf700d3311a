import Foundation
import Testing
@testable import KefuCore

@Suite struct LanguageLexiconTests {
    /// Every forbidden phrase of seed 000 (simplified, parenthesised alternatives
    /// expanded), with its category.
    static let seedPhrases: [(String, String)] = [
        ("你有钱你找贵的充啊", "forbidden.sarcasm"),
        ("你富着呢你还在乎这点儿损失", "forbidden.sarcasm"),
        ("声音大点", "forbidden.command"),
        ("大点声，我听不到", "forbidden.command"),
        ("你在讲什么，我听不清楚", "forbidden.command"),
        ("讲呀！我听着呢", "forbidden.command"),
        ("快一点，我还要接其他客户电话", "forbidden.command"),
        ("问你叫什么名字", "forbidden.command"),
        ("什么呀", "forbidden.command"),
        ("你先听我说", "forbidden.command"),
        ("你到底听不听我说", "forbidden.command"),
        ("怎么搞的，半天才讲话", "forbidden.blame"),
        ("你不能讲普通话吗", "forbidden.blame"),
        ("你不能慢点讲吗", "forbidden.blame"),
        ("你懂不懂，你能不能理解", "forbidden.blame"),
        ("你怎么还不明白", "forbidden.blame"),
        ("你凭什么这么说", "forbidden.blame"),
        ("真讨厌", "forbidden.complaint"),
        ("真罗嗦", "forbidden.complaint"),
        ("真烦人", "forbidden.complaint"),
        ("真糟糕", "forbidden.complaint"),
        ("我不是已经说了吗", "forbidden.complaint"),
        ("我不是已经告诉你了吗", "forbidden.complaint"),
        ("刚才不是讲过了吗", "forbidden.complaint"),
        ("刚才不是给你查过了吗", "forbidden.complaint"),
        ("你怎么不早说", "forbidden.complaint"),
        ("什么乱七八糟的，你以后想清楚再问", "forbidden.lecturing"),
        ("你会不会讲话", "forbidden.lecturing"),
        ("急什么", "forbidden.lecturing"),
        ("你能搞清楚么", "forbidden.lecturing"),
        ("我不知道", "forbidden.shirking"),
        ("我忙着呢", "forbidden.shirking"),
        ("那不是我的工作", "forbidden.shirking"),
        ("机器有故障，我能有什么办法", "forbidden.shirking"),
        ("系统有故障，我能有什么办法", "forbidden.shirking"),
        ("这是其它部门的问题，不关我的事", "forbidden.shirking"),
        ("你都不知道，我怎么知道", "forbidden.shirking"),
        ("你问我，我问谁", "forbidden.shirking"),
        ("我也没用过，不知道怎么用", "forbidden.shirking"),
        ("这个问题不是我处理的，我能有什么办法", "forbidden.shirking"),
        ("刚才不是我接的电话，我不知道", "forbidden.shirking"),
        ("你自己去问问吧", "forbidden.shirking"),
        ("您跟我说这么多是没有用的", "forbidden.shirking"),
        ("那不是我的错", "forbidden.shirking"),
        ("我解决不了，愿意找谁找谁去", "forbidden.shirking"),
        ("有意见，找班长去", "forbidden.shirking"),
        ("有意见，找领导去", "forbidden.shirking"),
        ("知道了，知道了，不要再讲了", "forbidden.impatience"),
        ("好了，好了，不是正在给你查吗", "forbidden.impatience"),
        ("你催什么，我都不急，你急什么", "forbidden.impatience"),
        ("你不放心，等会儿再打过来就是了", "forbidden.impatience"),
        ("你不放心，我也没办法", "forbidden.impatience"),
        ("我就这态度", "forbidden.impatience"),
        ("有能耐你告去，随便告哪都不怕", "forbidden.impatience"),
        ("你是对的，这种产品很差劲", "forbidden.casual_agreement"),
        ("没错，我们公司确实很差", "forbidden.casual_agreement"),
        ("你想用好的去营业厅充", "forbidden.competitor"),
    ]

    @Test func everySeedPhraseIsInTheDefaultLexiconInItsCategory() {
        let folder = TextFolder.shared
        var byFolded: [String: String] = [:]
        for entry in Lexicon.shippedDefault.forbidden { byFolded[folder.foldedString(entry.phrase)] = entry.rule }
        for (phrase, rule) in Self.seedPhrases {
            #expect(byFolded[folder.foldedString(phrase)] == rule, "\(phrase)")
        }
    }

    @Test func everySeedPhraseIsDetectedAsSpoken() {
        let engine = LanguageFixtures.engine
        for (phrase, rule) in Self.seedPhrases {
            #expect(engine.checkText(phrase + "。", channel: "phone").map(\.rule) == [rule], "\(phrase)")
        }
    }

    @Test func defaultLexiconIsValidAndComplete() throws {
        let lexicon = Lexicon.shippedDefault
        try lexicon.validate()
        #expect(lexicon.forbidden.allSatisfy { $0.suggestion != nil })
        let forbiddenRules = Set(lexicon.forbidden.map(\.rule))
        // forbidden.local is for companies' and branches' own additions, not the center's lexicon.
        #expect(forbiddenRules == Set(QARule.centerCategories.map(\.rawValue)))
        for kind in [StandardPhraseKind.opening, .openingNewYear, .openingFestival, .inquiry, .closing, .closingNewYear,
                     .closingFestival, .holdNotice, .thanksForWaiting, .waitReminder, .thanksReply, .verify, .workId,
                     .civilityWarning, .retention] {
            #expect(!lexicon.standard(kind).isEmpty, "\(kind)")
        }
        #expect(lexicon.standard(.opening) == ["您好，{company}，很高兴为您服务！"])
    }

    @Test func encodeDecodeRoundTripIsReadable() throws {
        let data = Lexicon.shippedDefault.encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("我不知道"))
        #expect(!text.contains("\\u"))
        #expect(try Lexicon.decode(data) == Lexicon.shippedDefault)
    }

    @Test func validationErrors() {
        func reason(_ forbidden: [ForbiddenPhrase], standard: [StandardPhrase] = [], version: Int = 2) -> String? {
            do { try Lexicon(version: version, forbidden: forbidden, standard: standard).validate(); return nil } catch {
                return (error as? LexiconError)?.reason
            }
        }
        #expect(reason([ForbiddenPhrase(phrase: "  ", rule: "forbidden.blame")])?.contains("为空") == true)
        #expect(reason([ForbiddenPhrase(phrase: "走开", rule: "forbidden.rude")])?.contains("不存在") == true)
        #expect(reason([ForbiddenPhrase(phrase: "走开", rule: "opening.missing")])?.contains("不存在") == true)
        #expect(reason([ForbiddenPhrase(phrase: "，。！", rule: "forbidden.blame")])?.contains("无法匹配") == true)
        #expect(reason([ForbiddenPhrase(phrase: "真煩人", rule: "forbidden.blame"),
                        ForbiddenPhrase(phrase: "真烦人！", rule: "forbidden.complaint")])?.contains("重复") == true)
        #expect(reason([], standard: [StandardPhrase(kind: .opening, text: " ")])?.contains("为空") == true)
        #expect(reason([], version: 0) != nil)
        #expect(reason([ForbiddenPhrase(phrase: "走开", rule: "forbidden.command", suggestion: "请稍等", whole: true)]) == nil)
        #expect(throws: LexiconError.self) { try Lexicon.decode(Data("{\"version\":1}".utf8)) }
        #expect(throws: LexiconError.self) {
            try Lexicon.decode(Data(#"{"version":1,"forbidden":[{"phrase":"","rule":"forbidden.blame"}],"standard":[]}"#.utf8))
        }
    }

    @Test func rulesAndScorecard() throws {
        #expect(QARule.allCases.count == 23)
        #expect(QARule.forbiddenSarcasm.label == "服务忌语·讽刺语")
        #expect(QARule.openingMissing.label == "缺少开始语")
        #expect(QARule.forbiddenCompetitor.isForbidden && !QARule.verifyMissing.isForbidden)
        let card = Scorecard.standard
        for rule in QARule.allCases { #expect(card.points[rule.rawValue] != nil, "\(rule)") }
        #expect(card.points(for: "custom.thing") == card.defaultPoints)
        let finding = Finding(rule: "forbidden.sarcasm", segment: 0, text: "", start: 0, end: 0)
        #expect(card.score([finding, finding, finding, finding, finding, finding]) == 0)
        #expect(card.score([]) == 100)
        let data = try JSONEncoder().encode(card)
        #expect(try JSONDecoder().decode(Scorecard.self, from: data) == card)
        for kind in StandardPhraseKind.allCases { #expect(!kind.label.isEmpty) }
    }
}

@Suite struct LanguageCalendarTests {
    let calendar = FestivalCalendar()

    @Test(arguments: [
        ("2026-02-17", GreetingKind.newYear), ("2026-06-19", .festival), ("2026-09-25", .festival),
        ("2027-02-06", .newYear), ("2025-10-06", .festival), ("2026-01-01", .newYear), ("2026-05-01", .festival),
        ("2026-10-01", .festival), ("2026-10-02", .daily), ("2026-02-16", .daily), ("2026-03-10", .daily),
    ])
    func greetingForDay(day: String, kind: GreetingKind) {
        #expect(calendar.greeting(on: LocalDay(day)!) == kind)
    }

    @Test func festivalsOfAYear() {
        let list = calendar.festivals(in: 2026).map { "\($0.day) \($0.name)" }
        #expect(list == ["2026-01-01 元旦", "2026-02-17 春节", "2026-05-01 劳动节", "2026-06-19 端午节",
                         "2026-09-25 中秋节", "2026-10-01 国庆节"])
        #expect(calendar.festivals(in: 2027).first(where: { $0.name == "春节" })?.day == LocalDay("2027-02-06"))
        // 2023 had a leap second month (闰二月); the festivals must not be doubled.
        #expect(calendar.festivals(in: 2023).count == 6)
        // 2020: 中秋 fell on 国庆 (10-01), listed once.
        #expect(calendar.festivals(in: 2020).count == 5)
        // 2028 has a leap fifth month (闰五月): its 5/5 is not 端午.
        #expect(calendar.festivals(in: 2028).filter { $0.name == "端午节" }.count == 1)
    }

    @Test func adminHolidayPeriods() {
        var extra: [LocalDay: GreetingKind] = [:]
        var day = LocalDay("2026-10-01")!
        while day <= LocalDay("2026-10-08")! { extra[day] = .festival; day = day.adding(days: 1) }
        day = LocalDay("2026-02-15")!
        while day <= LocalDay("2026-02-23")! { extra[day] = .newYear; day = day.adding(days: 1) }
        let calendar = FestivalCalendar(extraDays: extra)
        #expect(calendar.greeting(on: LocalDay("2026-10-05")!) == .festival)
        #expect(calendar.greeting(on: LocalDay("2026-02-20")!) == .newYear)
        #expect(calendar.greeting(on: LocalDay("2026-10-09")!) == .daily)
        #expect(calendar.festivals(in: 2026).count == 6 - 2 + 8 + 9)
    }
}
