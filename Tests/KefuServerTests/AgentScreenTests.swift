import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer
import KefuCore

/// The agent's screens from the walkthrough: the new-order form's lookup and keys, the
/// screen pop, the callback's satisfaction, the reminders and the order table.
@Suite("Agent screens")
struct AgentScreenTests {
    @Test func lookupWithoutMatchSaysSoAndCarriesTheNumber() async throws {
        try await withKefu { app, _ in
            let s = try await PageSession.signIn(app, "1001")
            let (status, html) = try await s.post("/work-orders/new", ["lookupPhone": "139 1234 0000", "lookup": "1"])
            #expect(status == .ok)
            #expect(html.contains("未找到该号码的客户，将按新客户建档"))
            #expect(html.contains(#"name="customerPhone" value="139 1234 0000""#))
            // No "new customer" radio without found ones to choose from.
            #expect(!html.contains("新客户（填写下方信息）"))
            // The screen pop's link does the same.
            #expect(try await s.get("/work-orders/new?phone=13912340000").1.contains("lookup-missed"))
            // Enter in the lookup field looks up, elsewhere saves (Public/js/forms.js reads these).
            let form = try await s.get("/work-orders/new").1
            #expect(form.contains(#"data-enter-submits="save-order""#))
            #expect(form.contains(#"data-enter-clicks="lookup-button""#))
            #expect(form.contains("/js/forms.js"))
            #expect(!form.contains("onclick="))
        }
    }

    @Test func reachedCallbackNeedsAChosenSatisfaction() async throws {
        try await withKefu { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            let s = try await PageSession.signIn(app, "1001")
            let page = try await s.get("/work-orders/\(id)").1
            // Nothing is preselected: the agent must choose.
            #expect(page.contains(#"<option value="">请选择</option>"#))
            #expect(!page.contains(#"<option value="5" selected"#))
            let (status, html) = try await s.post("/work-orders/\(id)/callback", ["reached": "yes", "satisfaction": "", "note": "已回访"])
            #expect(status == .unprocessableEntity)
            #expect(html.contains("联系上客户时须记录满意度"))
            #expect(try await CallbackRecord.query(on: app.db).count() == 0)
            #expect(try await s.post("/work-orders/\(id)/callback", ["reached": "yes", "satisfaction": "4"]).0 == .seeOther)
            #expect(try await CallbackRecord.query(on: app.db).count() == 1)
        }
    }

    @Test func screenPopSaysNoneWhenTheCallerHasNoOpenOrder() async throws {
        try await withKefu { app, u in
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.post("/workspace/seat", ["action": "login"]).0 == .seeOther)
            #expect(try await api(app, .POST, "/customers", token: u.agent, body: ["name": "钱七", "phone": "13300133000"]).status == .created)
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: app.kefu.clock.now())
            let t = app.kefu.clock.now()
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "p1", "type": "enqueued", "at": iso(t), "callId": "c1", "queue": "inbound", "caller": "13300133000"],
                ["id": "p2", "type": "answered", "at": iso(t.addingTimeInterval(2)), "callId": "c1", "agentWorkId": "1001"],
            ])
            let html = try await agent.get("/workspace").1
            #expect(html.contains("screen-pop"))
            #expect(html.contains("在办工单：无"))
            // Nothing happened with this caller before: no history, and the call on the line is not listed.
            #expect(!html.contains("pop-history"))
        }
    }

    @Test func screenPopShowsTheCallersLastContacts() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.post("/workspace/seat", ["action": "login"]).0 == .seeOther)
            let order = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(phone: "13300133000"))
            let number = try #require(order.string("number"))
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            var t = clock.now()
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "q1", "type": "enqueued", "at": iso(t), "callId": "earlier", "queue": "inbound", "caller": "13300133000"],
                ["id": "q2", "type": "abandoned", "at": iso(t.addingTimeInterval(30)), "callId": "earlier"],
            ])
            clock.advance(by: 600); t = clock.now()
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "q3", "type": "enqueued", "at": iso(t), "callId": "now", "queue": "inbound", "caller": "13300133000"],
                ["id": "q4", "type": "answered", "at": iso(t.addingTimeInterval(2)), "callId": "now", "agentWorkId": "1001"],
            ])
            let html = try await agent.get("/workspace").1
            #expect(html.contains("pop-history"))
            #expect(html.contains("来电 earlier") && html.contains("未接通（放弃）"))
            #expect(html.contains(number))
            #expect(!html.contains("来电 now"))
        }
    }

    @Test func remindersCanBeMarkedReadByTheirOwnerOnly() async throws {
        try await withKefu { app, _ in
            let now = app.kefu.clock.now()
            let mine = KefuNotification(recipientWorkId: "1001", recipientRole: nil, workOrderID: nil, message: "我的提醒甲", createdAt: now)
            let older = KefuNotification(recipientWorkId: "1001", recipientRole: nil, workOrderID: nil, message: "我的提醒乙", createdAt: now.addingTimeInterval(-60))
            let theirs = KefuNotification(recipientWorkId: "1002", recipientRole: nil, workOrderID: nil, message: "别人的提醒", createdAt: now)
            for n in [mine, older, theirs] { try await n.create(on: app.db) }
            let s = try await PageSession.signIn(app, "1001")
            var html = try await s.get("/workspace").1
            #expect(html.contains("2 条未读") && html.contains("全部已读") && html.contains("标为已读"))
            #expect(!html.contains("别人的提醒"))
            // Someone else's reminder is not found for me; a form without the CSRF token is refused.
            #expect(try await s.post("/workspace/reminders/\(try #require(theirs.id))/read", [:]).0 == .notFound)
            var noToken = s; noToken.csrf = ""
            #expect(try await noToken.post("/workspace/reminders/\(try #require(mine.id))/read", [:]).0 == .forbidden)
            #expect(try await s.post("/workspace/reminders/\(try #require(mine.id))/read", [:]).0 == .seeOther)
            html = try await s.get("/workspace").1
            #expect(html.contains("1 条未读"))
            // Unread first: the older, unread one now comes before the newer, read one.
            let unreadAt = try #require(html.range(of: "我的提醒乙")).lowerBound
            let readAt = try #require(html.range(of: "我的提醒甲")).lowerBound
            #expect(unreadAt < readAt)
            #expect(try await s.post("/workspace/reminders/read-all", [:]).0 == .seeOther)
            html = try await s.get("/workspace").1
            #expect(!html.contains("条未读") && !html.contains("mark-read"))
            #expect(try await NotificationRead.query(on: app.db).count() == 2)
            // The other agent's reminder is still unread for them.
            #expect(try await PageSession.signIn(app, "1002").get("/workspace").1.contains("1 条未读"))
        }
    }

    @Test func longSubjectsAreClippedInTheOrderTable() async throws {
        try await withKefu { app, u in
            var body = newOrderBody()
            body["subject"] = String(repeating: "很长的标题", count: 40)
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: body).status == .created)
            let html = try await PageSession.signIn(app, "1001").get("/workspace").1
            #expect(html.contains(#"<td class="subject"><div class="clip" title=""#))
            #expect(html.contains(#"<td class="nowrap"><a href="/work-orders/"#))
        }
    }
}
