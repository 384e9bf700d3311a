import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer
import KefuCore

/// R5.1: one history per customer — orders, callbacks, calls, chats, QC contacts — in time
/// order, on the API, the customer page and the screen pop, each reader seeing what their
/// role may (QC scores of other agents only for reviewers; a liaison only their orders).
@Suite("Customer history (R5.1)")
struct CustomerHistoryTests {
    @Test func everyKindInTimeOrderAsEachRoleMaySee() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let order = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "consultation", phone: "13800138000"))
            let orderID = try #require(order.string("id"))
            let customerID = try #require(order.string("customerId"))
            clock.advance(by: 60)
            #expect(try await api(app, .POST, "/work-orders/\(orderID)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 5]).status == .created)
            clock.advance(by: 60)
            // A call from the same number as the switch spells it, answered by 1002.
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            let t = clock.now()
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "h1", "type": "enqueued", "at": iso(t), "callId": "call-h1", "queue": "inbound", "caller": "+8613800138000"],
                ["id": "h2", "type": "answered", "at": iso(t.addingTimeInterval(5)), "callId": "call-h1", "agentWorkId": "1002"],
                ["id": "h3", "type": "completed", "at": iso(t.addingTimeInterval(90)), "callId": "call-h1", "agentWorkId": "1002"],
            ])
            // Its transcript, scored, by agent 1002.
            var transcript = sampleTranscript(id: "call-h1", agent: "1002")
            transcript["startedAt"] = iso(t)
            #expect(try await api(app, .POST, "/qa/contacts", token: u.qc, body: transcript).status == .created)
            clock.advance(by: 120)
            let chat = Chat()
            chat.id = UUID(); chat.companyID = try await TenantFixture.defaultCompanyID(app); chat.tokenHash = "x"
            chat.customerName = "王建国"; chat.customerPhone = "13800138000"; chat.agentWorkId = "1001"; chat.status = "closed"; chat.startedAt = clock.now()
            try await chat.create(on: app.db)

            let agent = try await api(app, .GET, "/customers/\(customerID)/history?reason=test", token: u.agent)
            #expect(agent.status == .ok, "\(agent.json)")
            let kinds = ((agent["items"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds == ["chat", "call", "callback", "order"])   // newest first; no other agent's QC score
            let call = try #require((agent["items"] as? [[String: Any]])?.first { $0["kind"] as? String == "call" })
            #expect((call["detail"] as? String)?.contains("1002 号接听") == true)

            let reviewer = try await api(app, .GET, "/customers/\(customerID)/history", token: u.qc)
            #expect(reviewer.status == .forbidden)   // QC inspectors do not read customers
            let admin = try await api(app, .GET, "/customers/\(customerID)/history", token: u.admin)
            let adminKinds = ((admin["items"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
            #expect(adminKinds.contains("qc_contact"))
            // A liaison without a supervision order to their department: not their customer.
            #expect(try await api(app, .GET, "/customers/\(customerID)/history", token: u.liaison).status == .notFound)
            // Each history read is registered like the record's.
            #expect(try await CustomerAccessLog.query(on: app.db).filter(\.$reason == "test").count() == 1)

            // The customer page shows the same lines.
            let page = try await PageSession.signIn(app, "1001").get("/customers/\(customerID)")
            #expect(page.1.contains("往来记录") && page.1.contains("call-h1") && page.1.contains("h-chat"))
        }
    }
}
