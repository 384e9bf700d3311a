import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Issue 10 "nothing closed too early": the callback that closes an order comes after the
/// last receipt and the resolution (R1.5); a finished QC review is locked; lists mask phones.
@Suite("Nothing closed too early")
struct NothingClosedTooEarlyTests {
    @Test func aCallbackDuringSupervisionDoesNotCloseTheOrder() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            let so = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent,
                                   body: ["departmentId": u.departmentID.uuidString, "deadline": iso(testStart.addingTimeInterval(86400)), "note": "请核查"])
            let soID = try #require(so.string("id"))
            clock.advance(by: 60)
            #expect(try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 5]).status == .created)
            clock.advance(by: 60)
            #expect(try await api(app, .POST, "/supervision-orders/\(soID)/receipt", token: u.liaison, body: ["text": "已更换线路"]).status == .ok)
            clock.advance(by: 60)
            let early = try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:])
            #expect(early.status == .conflict)
            #expect(early.string("error") == "callback_required")
            #expect(early.string("reason") == CloseBlocker.callbackBeforeReceipt.reason)
            // The page says the same and offers no 关闭 button.
            let page = try await PageSession.signIn(app, "1001")
            let (status, html) = try await page.get("/work-orders/\(id)")
            #expect(status == .ok)
            #expect(html.contains(CloseBlocker.callbackBeforeReceipt.reason))
            #expect(try await page.post("/work-orders/\(id)/close", [:]).0 == .conflict)

            #expect(try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 4]).status == .created)
            #expect(try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:]).status == .ok)
        }
    }

    @Test func aCallbackBeforeTheResolutionDoesNotCloseTheOrder() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "query")).string("id"))
            #expect(try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 5]).status == .created)
            clock.advance(by: 60)
            #expect(try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["status": "resolved"]).status == .ok)
            let early = try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:])
            #expect(early.status == .conflict)
            #expect(early.string("reason") == CloseBlocker.callbackBeforeResolution.reason)
            clock.advance(by: 60)
            _ = try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 5])
            #expect(try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:]).status == .ok)
        }
    }

    @Test func aFinishedReviewIsLockedAndOnlyTheAppealChangesIt() async throws {
        try await withKefu { app, u in
            let rude = try await api(app, .POST, "/qa/contacts", token: u.qc, body: rudeTranscript())
            let contactId = try #require(rude.string("contactId"))
            let findings = try #require(rude["findings"] as? [[String: Any]])
            let first = try #require(findings.first?["id"] as? String)
            let qc = try await PageSession.signIn(app, "4001")
            #expect(try await qc.post("/qa/contacts/\(contactId)/finish", [:]).0 == .seeOther)
            let score = try #require(try await api(app, .GET, "/qa/contacts/\(contactId)", token: u.qc)["finalScore"] as? Int)

            // Every review change after 完成复核 is refused with the reason, and the score stays.
            for (path, form) in [("/qa/findings/\(first)/decide", ["decision": "reject", "note": "改判"]),
                                 ("/qa/contacts/\(contactId)/findings", ["rule": "manual.other", "note": "补一条", "points": "10"]),
                                 ("/qa/contacts/\(contactId)/finish", [:])] {
                let (status, html) = try await qc.post(path, form)
                #expect(status == .conflict, "\(path)")
                #expect(html.contains("结果已锁定"), "\(path)")
            }
            #expect(try await api(app, .GET, "/qa/contacts/\(contactId)", token: u.qc)["finalScore"] as? Int == score)
            let (_, page) = try await qc.get("/qa/contacts/\(contactId)")
            #expect(page.contains("id=\"review-locked\"") && !page.contains("id=\"finish-review\""))

            // The appeal is the way: the agent objects, an inspector withdraws a finding.
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.post("/qa/contacts/\(contactId)/appeal", ["reason": "客户先挂机"]).0 == .seeOther)
            #expect(try await qc.post("/qa/findings/\(first)/decide", ["decision": "reject"]).0 == .conflict)
            #expect(try await qc.post("/qa/contacts/\(contactId)/appeal/decide", ["withdraw[]": first]).0 == .seeOther)
            let settled = try await api(app, .GET, "/qa/contacts/\(contactId)", token: u.qc)
            #expect(settled.string("status") == "settled")
            #expect(settled["finalScore"] as? Int ?? 0 >= score)
            #expect(try await qc.post("/qa/findings/\(first)/decide", ["decision": "confirm"]).0 == .conflict)
        }
    }

    @Test func aTypoDoesNotBecomeADepartmentOnTheAdminPage() async throws {
        try await withKefu { app, _ in
            let admin = try await PageSession.signIn(app, "9001")
            let (_, html) = try await admin.get("/admin")
            let once = try #require(html.range(of: #"name="_once" value="([^"]+)""#, options: .regularExpression)
                .map { String(html[$0].split(separator: "\"")[3]) })
            let (status, refused) = try await admin.post("/admin/users", ["workId": "5003", "name": "王芳", "role": "liaison",
                                                                          "password": "secret123", "department": "技木部", "_once": once])
            #expect(status == .unprocessableEntity)
            #expect(refused.contains("部门「技木部」不存在") && refused.contains("技术部"))
            #expect(try await Department.query(on: app.db).filter(\.$name == "技木部").count() == 0)
            #expect(try await User.query(on: app.db).filter(\.$workId == "5003").count() == 0)
            // Moving an existing user to a misspelt department is refused the same way.
            #expect(try await admin.post("/admin/users/5001", ["department": "技木部"]).0 == .unprocessableEntity)
            #expect(try await Department.query(on: app.db).filter(\.$name == "技木部").count() == 0)
        }
    }

    @Test func customerListsMaskAndOneReadIsRegistered() async throws {
        try await withKefu { app, u in
            let order = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(phone: "13912345678"))
            let customerId = try #require(order.string("customerId"))
            let list = try await api(app, .GET, "/customers?phone=13912345678", token: u.agent)
            let item = try #require((list["items"] as? [[String: Any]])?.first)
            #expect(item["phone"] as? String == "139****5678")
            #expect(try await CustomerAccessLog.query(on: app.db).count() == 0)
            let one = try await api(app, .GET, "/customers/\(customerId)", token: u.agent)
            #expect(one.string("phone") == "13912345678")
            let log = try #require(try await CustomerAccessLog.query(on: app.db).first())
            #expect(log.actorWorkId == "1001" && log.channel == "api")
            let page = try await PageSession.signIn(app, "1001")
            #expect(!(try await page.get("/customers").1.contains("13912345678")))
            #expect(try await page.get("/customers/\(customerId)").1.contains("13912345678"))
            #expect(try await CustomerAccessLog.query(on: app.db).count() == 2)
        }
    }
}
