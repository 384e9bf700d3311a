import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer
import KefuCore

/// R5.5: expired customer records lose their personal fields — never those with open
/// business or on the special list — the statistics stay, and each run leaves a report.
@Suite("Customer retention (R5.5)")
struct RetentionTests {
    @Test func expiredRecordsAreErasedAndTheRestKept() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            func customer(_ name: String, _ phone: String) async throws -> String {
                let r = try await api(app, .POST, "/customers", token: u.agent, body: ["name": name, "phone": phone, "idNumber": "11010519491231002X",
                                                                                 "address": ["city": "杭州市", "district": "西湖区", "street": "文三路", "building": "1", "door": "101"]])
                return try #require(r.string("id"))
            }
            let idle = try await customer("久未往来", "13800000001")
            let open = try await customer("工单未结", "13800000002")
            let listed = try await customer("大客户", "13800000003")
            var body = newOrderBody(type: "fault", phone: "13800000002")
            body["address"] = ["city": "杭州市", "district": "西湖区", "street": "文三路", "building": "2", "door": "202"]
            body["needsVisit"] = true
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: body).status == .created)
            let today = LocalDay(clock.now(), in: app.kefu.settings.timeZone)
            #expect(try await api(app, .PUT, "/customers/\(listed)/special", token: u.shiftLead,
                                  body: ["category": "key_account", "ownerWorkId": "1001", "reviewOn": today.adding(days: 300).description]).status == .ok)

            #expect(try await api(app, .GET, "/retention", token: u.agent).status == .forbidden)
            #expect(try await api(app, .PUT, "/retention", token: u.admin, body: ["months": 6]).status == .unprocessableEntity)
            #expect(try await api(app, .PUT, "/retention", token: u.admin, body: ["months": 24]).status == .ok)
            // Nothing is due yet.
            #expect(try await api(app, .POST, "/retention/run", token: u.admin)["destroyed"] as? Int == 0)

            clock.advance(by: 25 * 31 * 86_400)
            let run = try await api(app, .POST, "/retention/run", token: u.admin)
            #expect(run.status == .ok, "\(run.json)")
            #expect(run["destroyed"] as? Int == 1)
            #expect((run["customerIds"] as? [String])?.map { $0.uppercased() } == [idle.uppercased()])
            let erased = try #require(try await Customer.find(UUID(uuidString: idle), on: app.db))
            #expect(erased.name == RetentionRule.erasedName && erased.phone.isEmpty && erased.idNumberSealed == nil && erased.address == nil && erased.destroyedAt != nil)
            // The number no longer finds anyone; the kept records are untouched.
            let search = try await api(app, .GET, "/customers?phone=13800000001", token: u.agent)
            #expect((search["items"] as? [Any])?.isEmpty == true)
            #expect(try await Customer.find(UUID(uuidString: open), on: app.db)?.name == "工单未结")
            #expect(try await Customer.find(UUID(uuidString: listed), on: app.db)?.name == "大客户")
            let state = try await api(app, .GET, "/retention", token: u.admin)
            #expect((state["reports"] as? [[String: Any]])?.count == 2)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "customer.retention_run").count() == 2)
            // The daily job runs once a day: not again today (run by hand), once tomorrow.
            let zone = app.kefu.settings.timeZone
            try await CustomerRetention.runDailyIfDue(db: app.db, now: clock.now(), timeZone: zone, logger: app.logger)
            #expect((try await api(app, .GET, "/retention", token: u.admin)["reports"] as? [[String: Any]])?.count == 2)
            clock.advance(by: 86_400)
            try await CustomerRetention.runDailyIfDue(db: app.db, now: clock.now(), timeZone: zone, logger: app.logger)
            try await CustomerRetention.runDailyIfDue(db: app.db, now: clock.now(), timeZone: zone, logger: app.logger)
            #expect((try await api(app, .GET, "/retention", token: u.admin)["reports"] as? [[String: Any]])?.count == 3)
        }
    }

    @Test func theAdminPageSetsThePeriodAndRuns() async throws {
        try await withKefu { app, _ in
            #expect(try await PageSession.signIn(app, "1001").get("/admin/retention").0 == .forbidden)
            let admin = try await PageSession.signIn(app, "9001")
            #expect(try await admin.get("/admin/retention").0 == .ok)
            let bad = try await admin.post("/admin/retention", ["months": "3"])
            #expect(bad.0 == .unprocessableEntity && bad.1.contains("保存期限须在"))
            #expect(try await admin.post("/admin/retention", ["months": "48"]).0 == .seeOther)
            #expect(try await admin.post("/admin/retention/run", [:]).0 == .seeOther)
            #expect(try await admin.get("/admin/retention").1.contains("retention-reports"))
        }
    }
}
