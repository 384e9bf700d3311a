import Foundation
import Testing
@testable import KefuCore

/// Pictures, cases, submissions, audiences and suggestions of the knowledge base (R6.1, R6.2).
@Suite struct KnowledgeLibraryTests {
    @Test func picturesAreKnownByTheirBytesNotTheirName() {
        #expect(KnowledgeImage.kind(of: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]) == .png)
        #expect(KnowledgeImage.kind(of: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(KnowledgeImage.kind(of: Array("GIF89a....".utf8)) == .gif)
        #expect(KnowledgeImage.kind(of: Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(KnowledgeImage.kind(of: Array("<svg xmlns='http://www.w3.org/2000/svg'>".utf8)) == nil)
        #expect(KnowledgeImage.kind(of: Array("<html><script>".utf8)) == nil)
        #expect(KnowledgeImage.kind(of: [UInt8]()) == nil)
        #expect(KnowledgeImage.problem(byteCount: 0, kind: nil) != nil)
        #expect(KnowledgeImage.problem(byteCount: KnowledgeImage.maxBytes + 1, kind: .png) == "图片不能超过 5 MB")
        #expect(KnowledgeImage.problem(byteCount: 10, kind: nil) == "只接受 PNG、JPEG、GIF 或 WebP 图片")
        #expect(KnowledgeImage.problem(byteCount: 10, kind: .gif) == nil)
    }

    @Test func aStoredPictureBecomesMarkdownTheArticleAccepts() {
        let id = UUID()
        let md = KnowledgeImage.markdown(id: id, alt: "机顶盒](javascript:x)")
        #expect(md == "![机顶盒javascript:x](/kb/images/\(id.uuidString))")
        #expect(KnowledgeMarkdown.html(md).contains("<img src=\"/kb/images/\(id.uuidString)\""))
        #expect(KnowledgeImage.markdown(id: id, alt: "").hasPrefix("![图片]"))
    }

    @Test func aCaseNeedsItsProblemAndItsLesson() {
        #expect(KnowledgeCase.problems(title: "宽带反复掉线", problem: "客户三次报修", cause: "", lesson: "先查光功率").isEmpty)
        let fields = KnowledgeCase.problems(title: " ", problem: "", cause: String(repeating: "因", count: 5_001), lesson: "").map(\.field)
        #expect(fields == ["title", "problem", "cause", "lesson"])
        #expect(KnowledgeCase.mayWrite(.complaintHandler) && KnowledgeCase.mayWrite(.knowledgeEditor))
        #expect(!KnowledgeCase.mayWrite(.agent) && !KnowledgeCase.mayWrite(.liaison))
    }

    @Test func aCorrectionNamesItsArticleAndARefusalSaysWhy() {
        #expect(KnowledgeSubmission.problems(kind: .new, title: "新资费", text: "月租 59 元", hasArticle: false).isEmpty)
        #expect(KnowledgeSubmission.problems(kind: .correction, title: "资费有误", text: "应为 59 元", hasArticle: false).map(\.field) == ["article"])
        #expect(KnowledgeSubmission.replyProblem(accept: false, reply: " ") == "不采纳时请写明原因")
        #expect(KnowledgeSubmission.replyProblem(accept: true, reply: "") == nil)
        #expect(KnowledgeArticle.maySubmit(.liaison) && KnowledgeArticle.maySubmit(.agent) && !KnowledgeArticle.maySubmit(.planner))
    }

    @Test func anAudienceNarrowsWhoMustRead() throws {
        #expect(KnowledgeArticle.mustRead(role: .agent, memberOf: [], audience: []))
        #expect(!KnowledgeArticle.mustRead(role: .qcInspector, memberOf: [.inbound], audience: []))
        #expect(KnowledgeArticle.mustRead(role: .agent, memberOf: [.inbound, .vip], audience: [.vip]))
        #expect(!KnowledgeArticle.mustRead(role: .agent, memberOf: [.inbound], audience: [.vip]))
        #expect(try KnowledgeArticle.audience("") == [])
        #expect(try KnowledgeArticle.audience("vip,inbound") == [.vip, .inbound])
        #expect(KnowledgeArticle.storedAudience([.vip, .inbound]) == "inbound,vip")
        #expect(throws: KnowledgeArticle.UnknownAudience(name: "night")) { try KnowledgeArticle.audience("inbound,night") }
    }

    @Test func suggestionsNeedMoreThanOneCommonWord() throws {
        let s = try #require(KnowledgeSuggestion(subject: "宽带断网", description: "客户家光猫红灯闪烁，无法上网"))
        #expect(s.grams.count <= KnowledgeSuggestion.maxGrams)
        let candidates: [(id: Int, title: String, text: String)] = [
            (1, "光猫红灯处理", "光猫 LOS 红灯闪烁：请客户检查光纤"),
            (2, "资费说明", "客户办理套餐"),
            (3, "宽带断网排查", "先重启光猫"),
        ]
        #expect(s.best(candidates) == [1, 3])
        #expect(s.score(title: "宽带", text: "") == 2)
        #expect(KnowledgeSuggestion(subject: "好", description: "") == nil)
        #expect(s.fts5(companies: nil).hasPrefix("(b"))
        #expect(s.tsquery(companies: [UUID()]).contains(" & ("))
    }

    @Test func aLongDescriptionIsCut() throws {
        let s = try #require(KnowledgeSuggestion(subject: "", description: (0..<500).compactMap { Unicode.Scalar(UInt32(0x4E00 + $0)).map(String.init) }.joined()))
        #expect(s.grams.count == KnowledgeSuggestion.maxGrams)
    }
}
