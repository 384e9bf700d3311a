import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

@Suite("Work order core loop through the API")
struct WorkOrderLoopTests {
    @Test func createTransferReceiptCallbackClose() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let created = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            #expect(created.status == .created)
            let id = try #require(created.string("id"))
            #expect(created.string("number")?.range(of: #"^GD20261123-\d{4}$"#, options: .regularExpression) != nil)
            #expect(created.string("ownerWorkId") == "1001")
            #expect(created.string("status") == "open")
            #expect(created["escalationLevel"] as? Int == 0)
            #expect(created.string("resolutionDueAt") == "2026-11-25T09:00:00+08:00")   // complaint: 48 h

            let noCallback = try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:])
            #expect(noCallback.status == .conflict)
            #expect(noCallback.string("error") == "callback_required")

            let deadline = iso(testStart.addingTimeInterval(86400))
            let so = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent,
                                   body: ["departmentId": u.departmentID.uuidString, "deadline": deadline, "note": "请核查线路"])
            #expect(so.status == .created)
            #expect(so.string("status") == "open")
            #expect(so.string("deadline") == deadline)
            let soID = try #require(so.string("id"))
            #expect(try await api(app, .GET, "/work-orders/\(id)", token: u.agent).string("status") == "transferred")
            let early = try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["status": "resolved"])
            #expect(early.status == .conflict)

            let cb = try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 4, "note": "已修复"])
            #expect(cb.status == .created)
            let openSO = try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:])
            #expect(openSO.status == .conflict)
            #expect(openSO.string("error") == "open_supervision_order")

            // Only the department the order was sent to may answer it (the other one is not even told it exists).
            clock.advance(by: 600)
            #expect(try await api(app, .POST, "/supervision-orders/\(soID)/receipt", token: u.otherLiaison, body: ["text": "不是我们"]).status == .notFound)
            let receipt = try await api(app, .POST, "/supervision-orders/\(soID)/receipt", token: u.liaison, body: ["text": "线路已更换"])
            #expect(receipt.status == .ok)
            #expect(receipt.string("status") == "answered")
            #expect(try await api(app, .POST, "/supervision-orders/\(soID)/receipt", token: u.liaison, body: ["text": "again"]).status == .conflict)

            // R1.5: the callback made while the department was still working does not count.
            let stale = try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:])
            #expect(stale.status == .conflict)
            #expect(stale.string("error") == "callback_required")
            clock.advance(by: 600)
            #expect(try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 5]).status == .created)
            let closed = try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:])
            #expect(closed.status == .ok)
            #expect(closed.string("status") == "closed")

            let timeline = try await api(app, .GET, "/work-orders/\(id)/timeline", token: u.agent)
            let kinds = (timeline["items"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds == ["created", "transferred", "callback", "receipt", "callback", "closed"])
            let audit = try await AuditEvent.query(on: app.db).filter(\.$objectId == id).count()
            #expect(audit == 6)
        }
    }

    @Test func unhappyCallbackReopens() async throws {
        try await withKefu { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "query")).string("id"))
            _ = try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["status": "resolved"])
            let cb = try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 2])
            #expect(cb["reopened"] as? Bool == true)
            let order = try await api(app, .GET, "/work-orders/\(id)", token: u.agent)
            #expect(order.string("status") == "open")
            #expect(order["callbackDone"] as? Bool == false)
            #expect(try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:]).status == .conflict)
            // An unreached callback does not count either.
            _ = try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": false])
            #expect(try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:]).status == .conflict)
            _ = try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 5])
            let closed = try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:])
            #expect(closed.status == .ok)
            let reopened = try await api(app, .POST, "/work-orders/\(id)/reopen", token: u.agent, body: ["reason": "客户再次来电"])
            #expect(reopened.string("status") == "open")
        }
    }

    @Test func duplicateIsLinkedToTheEarlierOrder() async throws {
        try await withKefu { app, u in
            let first = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            let second = try await api(app, .POST, "/work-orders", token: u.agent2, body: newOrderBody())
            #expect(second.status == .created)
            #expect(second.string("duplicateOf") == first.string("id"))
            let third = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            #expect(third.string("duplicateOf") == first.string("id"))
            let otherType = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "query"))
            #expect(otherType["duplicateOf"] is NSNull)
            // Lookup by readable number (R1.8).
            let byNumber = try await api(app, .GET, "/work-orders/\(first.string("number")!)", token: u.agent)
            #expect(byNumber.string("id") == first.string("id"))
        }
    }

    @Test func handoverNeedsNamedReceiverAndReason() async throws {
        try await withKefu { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            #expect(try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["ownerWorkId": "1002"]).status == .unprocessableEntity)
            #expect(try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["ownerWorkId": "8888", "handoverReason": "x"]).status == .unprocessableEntity)
            // A reason over the limit is refused even without a handover (the fuzzer's case).
            let long = String(repeating: "ó", count: 501)
            #expect(try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["handoverReason": long]).status == .unprocessableEntity)
            #expect(try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["handoverReason": ""]).status == .ok)
            // Another agent may not grab the order (R1.6).
            #expect(try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent2, body: ["subject": "抢单"]).status == .forbidden)
            let moved = try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["ownerWorkId": "1002", "handoverReason": "下班交接"])
            #expect(moved.string("ownerWorkId") == "1002")
            let kinds = (try await api(app, .GET, "/work-orders/\(id)/timeline", token: u.agent)["items"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds.contains("handover"))
        }
    }

    @Test func acceptanceFormGoesToShiftLead() async throws {
        try await withKefu { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            let form = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent, body: ["target": "shift_lead", "note": "客户要求升级处理"])
            #expect(form.status == .created)
            #expect(form.string("kind") == "acceptance_form")
            #expect(try await KefuNotification.query(on: app.db).filter(\.$recipientRole == "shift_lead").count() == 1)
        }
    }
}
