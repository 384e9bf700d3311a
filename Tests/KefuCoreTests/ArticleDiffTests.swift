import Foundation
import Testing
@testable import KefuCore

@Suite struct ArticleDiffTests {
    @Test func changedLinesShowAsRemovedThenAdded() {
        let lines = ArticleDiff.lines(from: "标题\n资费 50 元\n结尾", to: "标题\n资费 60 元\n新增说明\n结尾")
        #expect(lines == [.init(.same, "标题"), .init(.removed, "资费 50 元"), .init(.added, "资费 60 元"),
                          .init(.added, "新增说明"), .init(.same, "结尾")])
    }

    @Test func sameTextHasNoChange() {
        #expect(ArticleDiff.lines(from: "a\nb", to: "a\nb").allSatisfy { $0.kind == .same })
        #expect(ArticleDiff.lines(from: "", to: "x") == [.init(.removed, ""), .init(.added, "x")])
    }
}

@Suite struct KnowledgeArticleRuleTests {
    @Test func anArticleIsInForceBetweenItsDays() {
        let d = { LocalDay(year: 2026, month: 12, day: $0) }
        #expect(KnowledgeArticle.isInForce(on: d(7), from: d(1), until: d(31)))
        #expect(!KnowledgeArticle.isInForce(on: d(31), from: d(1), until: d(31)))
        #expect(!KnowledgeArticle.isInForce(on: d(1), from: d(2), until: nil))
        #expect(KnowledgeArticle.isInForce(on: d(1), from: nil, until: nil))
    }

    @Test func theEditorPublishesAndLiaisonsSubmit() {
        #expect(KnowledgeArticle.mayPublish(.knowledgeEditor) && !KnowledgeArticle.mayPublish(.liaison))
        #expect(KnowledgeArticle.maySubmit(.liaison) && !KnowledgeArticle.maySubmit(.planner))
        #expect(KnowledgeArticle.mayFollowReading(.teamLead) && !KnowledgeArticle.mayFollowReading(.agent))
    }

    @Test func aVersionNeedsATitleAndSomeText() {
        let d = { LocalDay(year: 2026, month: 12, day: $0) }
        #expect(KnowledgeArticle.problems(title: "宽带资费", officialWording: "统一口径", body: "", from: d(1), until: d(2)).isEmpty)
        let fields = KnowledgeArticle.problems(title: " ", officialWording: "", body: " ", from: d(2), until: d(2)).map(\.field)
        #expect(fields == ["title", "body", "expiresOn"])
    }
}
