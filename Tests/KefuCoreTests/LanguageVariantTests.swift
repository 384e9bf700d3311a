import Foundation
import Testing
@testable import KefuCore

/// Lexicon entries that cover their variants: optional parts, alternatives,
/// variant characters, the expansion limit, and the shipped colloquial forms.
@Suite struct LanguageVariantTests {
    func reason(_ phrase: String) -> String? {
        do { _ = try LexiconPattern.expand(phrase); return nil } catch { return (error as? LexiconError)?.reason }
    }

    @Test func optionalPartsAndAlternatives() throws {
        #expect(try LexiconPattern.expand("不关我的事") == ["不关我的事"])
        #expect(try LexiconPattern.expand("(这个)不归我们管") == ["不归我们管", "这个不归我们管"])
        #expect(try LexiconPattern.expand("不归[我们|我]管") == ["不归我们管", "不归我管"])
        #expect(try LexiconPattern.expand("(这个|这)不归我管") == ["不归我管", "这个不归我管", "这不归我管"])
        #expect(try Set(LexiconPattern.expand("（这个）不归【我们｜我】管")) == ["不归我们管", "不归我管", "这个不归我们管", "这个不归我管"])
        #expect(try LexiconPattern.expand("再[问|打(电话)]") == ["再问", "再打", "再打电话"])
        #expect(try LexiconPattern.expand("[我|我]的") == ["我的"])
    }

    @Test func badPatternsAreRefusedWithAReason() {
        #expect(reason("(这个不归我们管")?.contains("没有对应的右括号") == true)
        #expect(reason("这个)不归我们管")?.contains("多余") == true)
        #expect(reason("[我们|我)管")?.contains("不配对") == true)
        #expect(reason("不归我们管|不关我的事")?.contains("竖线") == true)
        #expect(reason("不归[我们|]管")?.contains("空的选项") == true)
        #expect(reason("不归()管")?.contains("空的选项") == true)
        #expect(reason("((((((深))))))")?.contains("嵌套") == true)
    }

    @Test func expansionIsBounded() {
        // 2^6 = 64 is allowed, 2^7 = 128 is not.
        #expect(reason("(一)(二)(三)(四)(五)(六)好") == nil)
        #expect(reason("(一)(二)(三)(四)(五)(六)(七)好")?.contains("超过 64 种说法") == true)
        #expect(reason("[a|b|c|d|e|f|g|h][a|b|c|d|e|f|g|h][a|b]")?.contains("超过 64") == true)
        let huge = "[" + (1...65).map(String.init).joined(separator: "|") + "]"
        #expect(reason(huge)?.contains("超过 64") == true)
        let lexicon = Lexicon(version: 2, forbidden: [ForbiddenPhrase(phrase: "(一)(二)(三)(四)(五)(六)(七)好", rule: "forbidden.command")], standard: [])
        #expect(throws: LexiconError.self) { try lexicon.validate() }
        do { try lexicon.validate() } catch {
            #expect((error as? LexiconError)?.reason.contains("第 1 条服务忌语") == true)
        }
    }

    @Test func validationOfExpandedEntries() {
        func reason(_ forbidden: [ForbiddenPhrase]) -> String? {
            do { try Lexicon(version: 2, forbidden: forbidden, standard: []).validate(); return nil } catch {
                return (error as? LexiconError)?.reason
            }
        }
        #expect(reason([ForbiddenPhrase(phrase: "不关我(们)的事", rule: "forbidden.shirking"),
                        ForbiddenPhrase(phrase: "不关我们的事！", rule: "forbidden.shirking")])?.contains("重复") == true)
        #expect(reason([ForbiddenPhrase(phrase: "(啊)", rule: "forbidden.shirking")])?.contains("无法匹配") == true)
        #expect(reason([ForbiddenPhrase(phrase: "[帐|账]号不对", rule: "forbidden.shirking")]) == nil)
        #expect(reason([ForbiddenPhrase(phrase: "(这个不归我们管", rule: "forbidden.shirking")])?.contains("右括号") == true)
    }

    @Test func variantCharactersFold() {
        let folder = TextFolder.shared
        #expect(folder.foldedString("其它") == folder.foldedString("其他"))
        #expect(folder.foldedString("那裡") == folder.foldedString("那里"))
        #expect(folder.foldedString("那裏") == folder.foldedString("那里"))
        #expect(folder.foldedString("帐号") == folder.foldedString("账号"))
        #expect(folder.foldedString("帳號") == folder.foldedString("账号"))
        #expect(folder.foldedString("啰唆") == folder.foldedString("啰嗦"))
        #expect(folder.foldedString("忙著呢") == folder.foldedString("忙着呢"))
        // Different words stay different.
        #expect(folder.foldedString("的") != folder.foldedString("地"))
        #expect(folder.foldedString("在") != folder.foldedString("再"))

        let engine = LanguageEngine(lexicon: Lexicon(version: 2, forbidden: [
            ForbiddenPhrase(phrase: "你去其他公司吧", rule: "forbidden.competitor"),
        ], standard: []), company: "")
        #expect(engine.checkText("你去其它公司吧", channel: "chat").map(\.rule) == ["forbidden.competitor"])
        // The seed's own "其它" entry matches "其他" too.
        #expect(LanguageFixtures.engine.checkText("这是其他部门的问题，不关我的事。", channel: "chat").map(\.rule) == ["forbidden.shirking"])
    }

    @Test func theTwoReportedSentencesAreCaught() throws {
        let engine = LanguageFixtures.engine
        let first = engine.checkText("这个不归我们管", channel: "chat")
        #expect(first.map(\.rule) == ["forbidden.shirking"])
        #expect(first.first?.entry == "(这个|这)不归[我们|我]管(的)")
        #expect(first.first?.text == "这个不归我们管")
        let second = engine.checkText("不关我的事", channel: "phone")
        #expect(second.map(\.rule) == ["forbidden.shirking"])
        #expect(second.first?.entry == "不关我(们)的事")
        // The longer seed sentence still wins over the short entry inside it.
        let seed = engine.checkText("这是其它部门的问题，不关我的事。", channel: "chat")
        #expect(seed.count == 1)
        #expect(seed.first?.entry == "这是其它部门的问题，不关我的事。")
    }

    @Test(arguments: [
        ("这不归我管", "forbidden.shirking"), ("不关我们的事", "forbidden.shirking"), ("这不是我的事", "forbidden.shirking"),
        ("跟我没关系", "forbidden.shirking"), ("你找别人去吧", "forbidden.shirking"), ("這個不歸我們管", "forbidden.shirking"),
        ("你自己查一下吧", "forbidden.shirking"), ("这个我们管不了", "forbidden.shirking"),
        ("你说话大点声", "forbidden.command"), ("快点说！", "forbidden.command"),
        ("你怎么老是听不懂", "forbidden.blame"), ("是你自己操作错了", "forbidden.blame"),
        ("真麻烦！", "forbidden.complaint"), ("我都跟你说了几遍了", "forbidden.complaint"), ("真啰唆。", "forbidden.complaint"),
        ("你连这个都不懂", "forbidden.lecturing"), ("你想清楚再打电话过来", "forbidden.lecturing"),
        ("别催了！", "forbidden.impatience"), ("你爱投诉就投诉去吧", "forbidden.impatience"),
        ("我们公司确实挺差", "forbidden.casual_agreement"),
        ("您可以换别家的", "forbidden.competitor"), ("这点钱你也计较", "forbidden.sarcasm"),
    ])
    func colloquialVariantsAreCaught(sentence: String, rule: String) {
        let found = LanguageFixtures.engine.checkText(sentence, channel: "chat")
        #expect(found.map(\.rule) == [rule], "\(sentence)")
        #expect(found.allSatisfy { $0.entry != nil })
    }

    @Test(arguments: [
        "我知道了，请您稍等。", "真是麻烦您了，谢谢。", "我帮您转给相关部门处理，并跟进处理结果。",
        "这个产品是差价补偿的", "请您别着急，我马上为您处理。", "您的账号我已经帮您查过了",
        "这个问题我们会尽快处理，请您放心。", "我们公司在这方面确实做得不够好，我会反映。",
    ])
    func politeSpeechIsNotFlagged(sentence: String) {
        #expect(LanguageFixtures.engine.checkText(sentence, channel: "chat").isEmpty, "\(sentence)")
    }

    @Test func shippedVariantsAreValidAndSplitOnBarsOutsideBrackets() throws {
        try Lexicon.shippedDefault.validate()
        #expect(Lexicon.shippedDefault.forbiddenVariants().count > Lexicon.shippedDefault.forbidden.count)
        #expect(LexiconPattern.splitFields("不归[我们|我]管 | 我帮您转给相关部门 | 整句") == ["不归[我们|我]管", "我帮您转给相关部门", "整句"])
        #expect(LexiconPattern.splitFields("声音大点") == ["声音大点"])
    }
}
