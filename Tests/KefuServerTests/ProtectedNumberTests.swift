import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer

/// R5.6: the protected-numbers directory — kept and read by admins only — and the language
/// QA that flags an agent who gives one out, in a scored contact and in a chat line.
@Suite("Protected numbers (R5.6)")
struct ProtectedNumberTests {
    @Test func onlyAdminsKeepTheDirectoryAndANumberIsStoredOnce() async throws {
        try await withKefu { app, u in
            #expect(try await api(app, .GET, "/protected-numbers", token: u.agent).status == .forbidden)
            #expect(try await api(app, .GET, "/protected-numbers", token: u.qc).status == .forbidden)
            #expect(try await api(app, .POST, "/protected-numbers", token: u.shiftLead, body: ["number": "13800138000", "holder": "王总"]).status == .forbidden)
            let added = try await api(app, .POST, "/protected-numbers", token: u.admin, body: ["number": "138 0013 8000", "holder": "王总经理", "note": "私人手机"])
            #expect(added.status == .created, "\(added.json)")
            #expect(added.string("number") == "13800138000")
            #expect(try await api(app, .POST, "/protected-numbers", token: u.admin, body: ["number": "+86 13800138000", "holder": "又一次"]).status == .conflict)
            #expect(try await api(app, .POST, "/protected-numbers", token: u.admin, body: ["number": "12345", "holder": "坏号"]).status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/protected-numbers", token: u.admin, body: ["number": "13900139000", "holder": " "]).status == .unprocessableEntity)
            let list = try await api(app, .GET, "/protected-numbers", token: u.admin)
            #expect((list["items"] as? [[String: Any]])?.count == 1)
            // The audit trail names whose number, never the number.
            let audit = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "protected_number.added").first())
            #expect(audit.after?.contains("138****8000") == true)
            let id = try #require(added.string("id"))
            #expect(try await api(app, .DELETE, "/protected-numbers/\(id)", token: u.admin).status == .noContent)
            #expect(try await api(app, .DELETE, "/protected-numbers/\(id)", token: u.admin).status == .notFound)
        }
    }

    @Test func anAgentWhoGivesOneOutIsFlaggedAndTheChatLineStopped() async throws {
        try await withKefu { app, u in
            #expect(try await api(app, .POST, "/protected-numbers", token: u.admin, body: ["number": "0571-8888 6666", "holder": "总经理办公室"]).status == .created)
            var t = sampleTranscript(id: "leak-1")
            var segments = t["segments"] as? [[String: Any]] ?? []
            segments.insert(["speaker": "agent", "start": 30.5, "end": 31.0, "text": "您直接打总经理办公室 八八八八 六六六六 就行"], at: 7)
            t["segments"] = segments
            let scored = try await api(app, .POST, "/qa/contacts", token: u.qc, body: t)
            #expect(scored.status == .created, "\(scored.json)")
            let rules = ((scored["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }
            #expect(rules.contains("confidential.protected_number"))
            // The same words typed into a chat: held back like a forbidden phrase.
            let check = try await api(app, .POST, "/qa/check", token: u.agent, body: ["text": "总经理电话 0571-88886666", "channel": "chat"])
            #expect(check["blocked"] as? Bool == true)
            #expect(((check["findings"] as? [[String: Any]])?.first?["rule"] as? String) == "confidential.protected_number")
            #expect(try await api(app, .POST, "/qa/check", token: u.agent, body: ["text": "请拨打 95555", "channel": "chat"])["blocked"] as? Bool == false)
        }
    }

    @Test func theAdminPageAddsAndRemoves() async throws {
        try await withKefu { app, _ in
            #expect(try await PageSession.signIn(app, "1001").get("/admin/protected-numbers").0 == .forbidden)
            let admin = try await PageSession.signIn(app, "9001")
            #expect(try await admin.get("/admin/protected-numbers").0 == .ok)
            let bad = try await admin.post("/admin/protected-numbers", ["number": "abc", "holder": "王总"])
            #expect(bad.0 == .unprocessableEntity && bad.1.contains("号码无效") && bad.1.contains("王总"))
            #expect(try await admin.post("/admin/protected-numbers", ["number": "13800138000", "holder": "王总"]).0 == .seeOther)
            let page = try await admin.get("/admin/protected-numbers")
            #expect(page.1.contains("13800138000"))
            let row = try #require(try await ProtectedNumber.query(on: app.db).first())
            #expect(try await admin.post("/admin/protected-numbers/\(row.id!.uuidString)/delete", [:]).0 == .seeOther)
            #expect(try await ProtectedNumber.query(on: app.db).count() == 0)
        }
    }
}
