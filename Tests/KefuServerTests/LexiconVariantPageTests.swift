import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Lexicon entries with variants, through HTTP: the live check, a stored contact and its
/// QC page, the admin's "test this sentence" box, and a refused bad pattern.
@Suite("Lexicon variants")
struct LexiconVariantPageTests {
    static let shirkingEntry = "(这个|这)不归[我们|我]管(的)"

    @Test func findingsNameTheEntryThatMatched() async throws {
        try await withKefu { app, u in
            let check = try await api(app, .POST, "/qa/check", token: u.agent, body: ["text": "这个不归我们管", "channel": "chat"])
            #expect(check.status == .ok)
            #expect(check["blocked"] as? Bool == true)
            let found = try #require((check["findings"] as? [[String: Any]])?.first)
            #expect(found["rule"] as? String == "forbidden.shirking")
            #expect(found["entry"] as? String == Self.shirkingEntry)

            let body: [String: Any] = ["id": "c-variant-1", "startedAt": "2026-11-20T10:00:00+08:00", "channel": "chat", "agentId": "1001",
                                       "segments": [["speaker": "agent", "start": 0.0, "end": 2.0, "text": "不关我的事，你找别人去吧。"]]]
            let stored = try await api(app, .POST, "/qa/contacts", token: u.qc, body: body)
            #expect(stored.status == .ok || stored.status == .created)
            let contactId = try #require(stored.string("contactId"))
            let findings = try #require(stored["findings"] as? [[String: Any]])
            #expect(Set(findings.compactMap { $0["entry"] as? String }) == ["不关我(们)的事", "(你)[找|问]别人去(吧)"])

            let qc = try await PageSession.signIn(app, "4001")
            let page = try await qc.get("/qa/contacts/\(contactId)")
            #expect(page.0 == .ok)
            #expect(page.1.contains("命中词条"))
            #expect(page.1.contains("不关我(们)的事"))

            let test = try await qc.get("/qa/lexicon?test=" + "这不归我管".urlQueryEncoded)
            #expect(test.0 == .ok)
            #expect(test.1.contains("命中词条"))
            #expect(test.1.contains(Self.shirkingEntry))
        }
    }

    @Test func aBadPatternIsRefusedWithTheReasonAndNothingLost() async throws {
        try await withKefu { app, u in
            let qc = try await PageSession.signIn(app, "4001")
            let page = try await qc.get("/qa/lexicon")
            #expect(page.1.contains("pattern-help"))
            let before = try await LexiconVersion.query(on: app.db).count()
            let typed = "(这个不归我们管 | 我帮您转给相关部门处理"
            let refused = try await qc.post("/qa/lexicon", ["forbidden_shirking": typed, "note": "加变体"])
            #expect(refused.0 == .unprocessableEntity)
            #expect(refused.1.contains("没有对应的右括号"))
            #expect(refused.1.contains("(这个不归我们管"))
            #expect(refused.1.contains("value=\"加变体\""))
            #expect(try await LexiconVersion.query(on: app.db).count() == before)

            let tooMany = try await qc.post("/qa/lexicon", ["forbidden_shirking": "(一)(二)(三)(四)(五)(六)(七)不管"])
            #expect(tooMany.0 == .unprocessableEntity)
            #expect(tooMany.1.contains("超过 64 种说法"))

            // A good pattern with bars inside brackets next to the line's own bars is saved and used.
            let saved = try await qc.post("/qa/lexicon", ["forbidden_shirking": "这事[我们|我]不管 | 我帮您转给相关部门处理"])
            #expect(saved.0 == .seeOther)
            #expect(try await LexiconVersion.query(on: app.db).count() == before + 1)
            let lex = try await api(app, .GET, "/qa/lexicon", token: u.qc)
            #expect((lex["forbidden"] as? [[String: Any]])?.first?["phrase"] as? String == "这事[我们|我]不管")
            let check = try await api(app, .POST, "/qa/check", token: u.agent, body: ["text": "这事我不管", "channel": "chat"])
            let found = try #require((check["findings"] as? [[String: Any]])?.first)
            #expect(found["entry"] as? String == "这事[我们|我]不管")
            #expect(found["suggestion"] as? String == "我帮您转给相关部门处理")
        }
    }
}
