import Foundation
import Testing
@testable import KefuCore

@Suite struct CannedReplyRuleTests {
    @Test func variablesAreFilledInAndUnknownOnesNamed() {
        #expect(CannedReply.expand("{问候语}，{客户姓名}，{工号}号为您服务", customerName: "王女士", workId: "1001", greeting: .festival)
                == "节日好，王女士，1001号为您服务")
        #expect(CannedReply.expand("{客户姓名}您好", customerName: " ", workId: "1", greeting: .daily) == "先生/女士您好")
        #expect(CannedReply.unknownVariables("{客户姓名}{电话}{工号}{") == ["电话"])
    }

    @Test func badFieldsAreRefused() {
        #expect(CannedReply.problems(shortcut: "kd", title: "宽带", text: "您好\n再见").isEmpty)
        let fields = CannedReply.problems(shortcut: "k d", title: "", text: "a\u{7}b").map(\.field)
        #expect(fields == ["shortcut", "title", "text"])
        #expect(CannedReply.problems(shortcut: "/kd", title: "t", text: "x").map(\.field) == ["shortcut"])
        #expect(CannedReply.mayKeepShared(.knowledgeEditor) && !CannedReply.mayKeepShared(.agent))
    }
}
