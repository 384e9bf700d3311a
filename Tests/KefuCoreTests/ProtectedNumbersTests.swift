import Foundation
import Testing
import KefuCore

@Suite struct ProtectedNumbersTests {
    let directory = ProtectedNumbers(["138-0013-8000", "0571 8888 6666"])

    @Test(arguments: [
        "领导的手机是13800138000，您记一下",
        "号码是 138 0013 8000",
        "一三八零零一三八零零零",
        "幺三八 零零幺三 八零零零",
        "１３８００１３８０００",
        "+86 138 0013 8000",
        "座机 0571-88886666",
        "座机 8888 6666",
    ])
    func aProtectedNumberIsFoundHoweverItIsSaid(_ line: String) {
        let found = directory.findings(in: line, segment: 2)
        #expect(found.count == 1, "\(line)")
        #expect(found.first?.rule == "confidential.protected_number")
        #expect(found.first?.segment == 2)
        if let f = found.first {
            let quoted = String(String.UnicodeScalarView(Array(line.unicodeScalars)[f.start..<f.end]))
            #expect(quoted == f.text)
            #expect(f.text.first.map { !$0.isWhitespace } == true && f.text.last.map { !$0.isWhitespace } == true)
        }
    }

    @Test(arguments: ["您的工单号是 GD20261123-0001", "请拨打 95555", "您的号码 13900139000 已登记", "一定帮您处理", "88 6666"])
    func otherNumbersAreNot(_ line: String) {
        #expect(directory.findings(in: line, segment: 0).isEmpty, "\(line)")
    }

    @Test func onlyTheAgentsLinesCountAndTheRuleBlocksAChatLine() throws {
        let t = Transcript(id: "p1", channel: "chat", segments: [
            .init(speaker: "customer", start: 0, end: 1, text: "我知道他电话13800138000"),
            .init(speaker: "agent", start: 1, end: 2, text: "您可以打13800138000找他"),
        ])
        let found = directory.findings(in: t)
        #expect(found.map(\.segment) == [1])
        #expect(QARule.blocksSending("confidential.protected_number"))
        #expect(QARule.blocksSending("forbidden.command"))
        #expect(!QARule.blocksSending("opening.missing"))
        let engine = LanguageEngine(lexicon: .shippedDefault, company: "星河通信")
        let score = engine.scan(t, protected: directory)
        #expect(score.findings.contains { $0.rule == "confidential.protected_number" })
        #expect(score.score <= 80)
        #expect(engine.scan(t).findings.allSatisfy { $0.rule != "confidential.protected_number" })
    }
}
