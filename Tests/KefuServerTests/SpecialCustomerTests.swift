import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer
import KefuCore

/// R5.3: the special-customers list — an owner, a periodic review, follow-up visits,
/// reminders before reviews, visits and service expiry, a change procedure with a lead's
/// approval, and VIP routing for a listed key account.
@Suite("Special customers (R5.3)")
struct SpecialCustomerTests {
    private func customer(_ app: Application, _ token: String, phone: String = "13800138000") async throws -> String {
        let res = try await api(app, .POST, "/customers", token: token, body: ["name": "星河集团", "phone": phone, "idNumber": "11010519491231002X"])
        #expect(res.status == .created)
        return try #require(res.string("id"))
    }

    @Test func leadsKeepTheListAndEveryoneElseIsRefused() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let id = try await customer(app, u.agent)
            let today = LocalDay(clock.now(), in: app.kefu.settings.timeZone)
            let entry: [String: Any] = ["category": "key_account", "ownerWorkId": "1002", "reviewOn": today.adding(days: 90).description, "dedicatedChannel": "大客户专线"]
            #expect(try await api(app, .PUT, "/customers/\(id)/special", token: u.agent, body: entry).status == .forbidden)
            #expect(try await api(app, .PUT, "/customers/\(id)/special", token: u.shiftLead, body: entry.merging(["ownerWorkId": "8888"]) { $1 }).status == .unprocessableEntity)
            #expect(try await api(app, .PUT, "/customers/\(id)/special", token: u.shiftLead, body: entry.merging(["reviewOn": today.adding(days: -1).description]) { $1 }).status == .unprocessableEntity)
            #expect(try await api(app, .PUT, "/customers/\(id)/special", token: u.shiftLead, body: entry.merging(["category": "gold"]) { $1 }).status == .unprocessableEntity)
            let saved = try await api(app, .PUT, "/customers/\(id)/special", token: u.shiftLead, body: entry)
            #expect(saved.status == .ok, "\(saved.json)")
            // Saved twice: still one entry.
            #expect(try await api(app, .PUT, "/customers/\(id)/special", token: u.shiftLead, body: entry).status == .ok)
            #expect(try await SpecialCustomer.query(on: app.db).count() == 1)
            let list = try await api(app, .GET, "/special-customers", token: u.agent)
            #expect((list["items"] as? [[String: Any]])?.first?["categoryLabel"] as? String == "大客户")
            #expect(try await api(app, .GET, "/special-customers", token: u.liaison).status == .forbidden)
            #expect(try await api(app, .GET, "/special-customers?category=gold", token: u.agent).status == .unprocessableEntity)

            // A verified change of a listed key account waits for a lead (not tier VIP).
            let change = try await api(app, .POST, "/customers/\(id)/change-requests", token: u.agent,
                                       body: ["changes": ["name": "星河控股"], "verification": ["method": "phone", "value": "13800138000"]])
            #expect(change.string("status") == "pending", "\(change.json)")

            // Visits and services; a visit in the past and a service ending before it starts are refused.
            #expect(try await api(app, .POST, "/customers/\(id)/visits", token: u.shiftLead,
                                  body: ["dueOn": today.adding(days: -3).description, "purpose": "回访", "ownerWorkId": "1002"]).status == .unprocessableEntity)
            let visit = try await api(app, .POST, "/customers/\(id)/visits", token: u.shiftLead,
                                      body: ["dueOn": today.adding(days: 1).description, "purpose": "季度回访", "ownerWorkId": "1002"])
            #expect(visit.status == .created, "\(visit.json)")
            let history = try await api(app, .GET, "/customers/\(id)/history?reason=t", token: u.agent)
            #expect(((history["items"] as? [[String: Any]]) ?? []).contains { $0["kind"] as? String == "visit" })
            #expect(try await api(app, .POST, "/customers/\(id)/products", token: u.shiftLead,
                                  body: ["name": "专线", "startedOn": "2026-12-01", "expiresOn": "2026-01-01"]).status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/customers/\(id)/products", token: u.shiftLead,
                                  body: ["name": "企业专线 100M", "startedOn": today.adding(days: -300).description, "expiresOn": today.adding(days: 20).description]).status == .created)
            let shown = try await api(app, .GET, "/customers/\(id)/special", token: u.agent)
            #expect(shown["listed"] as? Bool == true)
            #expect((shown["products"] as? [[String: Any]])?.first?["expiringSoon"] as? Bool == true)

            // The sweeper's reminders: the visit (due tomorrow) and the service (20 days left) to 1002, once.
            let sent = try await SpecialCustomerService.sendReminders(db: app.db, now: clock.now(), timeZone: app.kefu.settings.timeZone)
            #expect(sent == 2)
            #expect(try await SpecialCustomerService.sendReminders(db: app.db, now: clock.now(), timeZone: app.kefu.settings.timeZone) == 0)
            #expect(try await KefuNotification.query(on: app.db).filter(\.$recipientWorkId == "1002").count() == 2)
            // The review comes due: one reminder for that date.
            clock.advance(by: 85 * 86_400)
            #expect(try await SpecialCustomerService.sendReminders(db: app.db, now: clock.now(), timeZone: app.kefu.settings.timeZone) == 1)
            let newToday = LocalDay(clock.now(), in: app.kefu.settings.timeZone)
            let reviewed = try await api(app, .POST, "/customers/\(id)/special/review", token: u.shiftLead, body: ["nextReviewOn": newToday.adding(days: 180).description, "note": "合作稳定"])
            #expect(reviewed.string("reviewedBy") == "3001")

            let visitID = try #require(visit.string("id"))
            #expect(try await api(app, .POST, "/customers/\(id)/visits/\(visitID)/done", token: u.shiftLead, body: ["outcome": "客户满意"]).status == .ok)
            #expect(try await api(app, .POST, "/customers/\(id)/visits/\(visitID)/done", token: u.shiftLead, body: ["outcome": "再记一次"]).status == .conflict)
            #expect(try await api(app, .DELETE, "/customers/\(id)/special", token: u.shiftLead).status == .noContent)
            #expect(try await api(app, .DELETE, "/customers/\(id)/special", token: u.shiftLead).status == .noContent)   // again: nothing to do
            #expect(try await api(app, .GET, "/customers/\(id)/special", token: u.agent)["listed"] as? Bool == false)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["customer.special_saved", "customer.special_reviewed", "customer.special_removed"]).count() == 4)
        }
    }

    @Test func aListedKeyAccountReachesTheVIPAgent() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            _ = try await UserAdmin(db: app.db, now: clock.now()).add(
                .init(workId: "1101", name: "VIP", role: "vip_agent", password: "secret123", department: nil), hasher: app.password.sync, history: nil)
            let id = try await customer(app, u.agent, phone: "13900000007")
            let today = LocalDay(clock.now(), in: app.kefu.settings.timeZone)
            #expect(try await api(app, .PUT, "/customers/\(id)/special", token: u.shiftLead,
                                  body: ["category": "group", "ownerWorkId": "1002", "reviewOn": today.adding(days: 30).description]).status == .ok)
            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.post("/wallboard/groups", ["g_inbound": "1001", "g_vip": "1101"]).0 == .seeOther)
            #expect(try await lead.post("/wallboard/acd", ["acd": "on"]).0 == .seeOther)
            for w in ["1001", "1101"] {
                #expect(try await PageSession.signIn(app, w).post("/workspace/seat", ["action": "login"]).0 == .seeOther)
                clock.advance(by: 1)
            }
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "k1", "type": "enqueued", "at": iso(clock.now()), "callId": "group-call", "queue": "inbound", "caller": "13900000007"],
            ])
            let live = try await app.live.state(company: try await TenantFixture.defaultCompanyID(app), on: app.db, now: clock.now())
            #expect(live.agent("1101")?.callId == "group-call")
        }
    }

    @Test func theCustomerPageKeepsTheEntry() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let id = try await customer(app, u.agent)
            let today = LocalDay(clock.now(), in: app.kefu.settings.timeZone)
            let agentPage = try await PageSession.signIn(app, "1001").get("/customers/\(id)")
            #expect(agentPage.0 == .ok && agentPage.1.contains("不在特殊客户名单中") && !agentPage.1.contains("special-form"))
            let lead = try await PageSession.signIn(app, "3001")
            let bad = try await lead.post("/customers/\(id)/special", ["category": "vip", "ownerWorkId": "1002", "reviewOn": "明天"])
            #expect(bad.0 == .seeOther)
            #expect(try await lead.get("/customers/\(id)").1.contains("未保存：复核日期须为日期"))
            #expect(try await lead.post("/customers/\(id)/special", ["category": "vip", "ownerWorkId": "1002", "reviewOn": today.adding(days: 60).description]).0 == .seeOther)
            #expect(try await lead.post("/customers/\(id)/visits", ["dueOn": today.adding(days: 7).description, "purpose": "节前拜访", "ownerWorkId": "1002"]).0 == .seeOther)
            #expect(try await lead.post("/customers/\(id)/products", ["name": "IPTV 套餐", "expiresOn": today.adding(days: 200).description]).0 == .seeOther)
            let page = try await lead.get("/customers/\(id)")
            #expect(page.1.contains("VIP客户") && page.1.contains("节前拜访") && page.1.contains("IPTV 套餐"))
            let list = try await PageSession.signIn(app, "1001").get("/customers/special")
            #expect(list.0 == .ok && list.1.contains("星河集团"))
        }
    }
}
