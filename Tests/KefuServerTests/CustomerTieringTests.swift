import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer
import KefuCore

/// R5.2: tiers by revenue or profit, not by contacts — the policy, the monthly figures, the
/// run (by hand, by the CLI's service, by the monthly job) and the log of every move.
@Suite("Customer tiers by value (R5.2)")
struct CustomerTieringTests {
    private func customer(_ app: Application, _ token: String, _ name: String, _ phone: String, tier: String = "normal") async throws -> String {
        let res = try await api(app, .POST, "/customers", token: token, body: ["name": name, "phone": phone, "tier": tier])
        #expect(res.status == .created, "\(res.json)")
        return try #require(res.string("id"))
    }

    private func csv(_ app: Application, _ path: String, token: String, _ text: String) async throws -> JSONResponse {
        try await postCSV(app, path, token: token, text)
    }

    @Test func onlyAdminsSetThePolicyAndABadOneIsRefused() async throws {
        try await withKefu { app, u in
            #expect(try await api(app, .GET, "/customer-tiers", token: u.agent).status == .forbidden)
            #expect(try await api(app, .PUT, "/customer-tiers", token: u.shiftLead, body: ["months": 3]).status == .forbidden)
            let shown = try await api(app, .GET, "/customer-tiers", token: u.admin)
            #expect(shown.status == .ok)
            #expect((shown["minimumsFen"] as? [String: Int])?["vip"] == 100_000_00)
            let bad = try await api(app, .PUT, "/customer-tiers", token: u.admin, body: ["minimumsFen": ["vip": 100, "major": 200]])
            #expect(bad.status == .unprocessableEntity)
            #expect(try await api(app, .PUT, "/customer-tiers", token: u.admin, body: ["basis": "calls"]).status == .unprocessableEntity)
            let saved = try await api(app, .PUT, "/customer-tiers", token: u.admin,
                                      body: ["basis": "profit", "months": 3, "scheme": "metals", "minimumsFen": ["vip": 50_000_00, "major": 5_000_00, "normal": 0]])
            #expect(saved.status == .ok, "\(saved.json)")
            #expect((saved["names"] as? [String: String])?["vip"] == "铂金层级")
            #expect(try await api(app, .GET, "/customer-tiers", token: u.admin).string("basis") == "profit")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "customer.tier_policy").count() == 1)
        }
    }

    @Test func figuresMoveCustomersAndEveryMoveIsLoggedWithItsReason() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let big = try await customer(app, u.agent, "大客户", "13800000001")
            let dropping = try await customer(app, u.agent, "降级客户", "13800000002", tier: "vip")
            let silent = try await customer(app, u.agent, "无数据", "13800000003", tier: "major")
            let tiering = CustomerTiering(company: try await WorkforceCompany.named(nil, on: app.db), now: clock.now(), timeZone: app.kefu.settings.timeZone)
            let month = tiering.thisMonth
            let last = month.adding(months: -1).text, before = month.adding(months: -2).text
            let sheet = "电话,账期,收入,利润\n13800000001,\(last),\"60,000\",1\n13800000001,\(before),50000.5,1\n13800000002,\(last),10,1\n13999999999,\(last),5,5\n13800000002,bad,1,1\n"
            #expect(try await csv(app, "/customer-tiers/values", token: u.agent, sheet).status == .forbidden)
            let imported = try await csv(app, "/customer-tiers/values", token: u.admin, sheet)
            #expect(imported.status == .ok, "\(imported.json)")
            #expect(imported["stored"] as? Int == 3)
            #expect((imported["problems"] as? [[String: Any]])?.compactMap { $0["line"] as? Int } == [5, 6])
            // The same month again replaces the figure; nothing is stored twice.
            // Without a 账期 column or ?period= the month is unknown: refused whole.
            #expect(try await csv(app, "/customer-tiers/values", token: u.admin, "电话,收入\n13800000002,20\n").status == .unprocessableEntity)
            #expect(try await csv(app, "/customer-tiers/values?period=\(last)", token: u.admin, "电话,收入\n13800000002,20\n").status == .ok)
            #expect(try await CustomerValue.query(on: app.db).count() == 3)
            // A sheet whose header has no amount is refused whole.
            #expect(try await csv(app, "/customer-tiers/values", token: u.admin, "电话,姓名\n13800000001,x\n").status == .unprocessableEntity)

            let run = try await api(app, .POST, "/customer-tiers/retier", token: u.admin)
            #expect(run.status == .ok, "\(run.json)")
            #expect(run["examined"] as? Int == 2 && run["changed"] as? Int == 2)
            #expect(try await api(app, .GET, "/customers/\(big)?reason=t", token: u.admin).string("tier") == "vip")
            #expect(try await api(app, .GET, "/customers/\(dropping)?reason=t", token: u.admin).string("tier") == "small")
            #expect(try await api(app, .GET, "/customers/\(silent)?reason=t", token: u.admin).string("tier") == "major")
            let log = try await api(app, .GET, "/customer-tiers/changes?customerId=\(big)", token: u.admin)
            let item = try #require((log["items"] as? [[String: Any]])?.first)
            #expect(item["from"] as? String == "normal" && item["to"] as? String == "vip")
            #expect((item["reason"] as? String)?.contains("¥110,000.50") == true)
            // A second run moves nobody.
            #expect(try await api(app, .POST, "/customer-tiers/retier", token: u.admin)["changed"] as? Int == 0)
            #expect(try await CustomerTierChange.query(on: app.db).count() == 2)
            // The customer page names the move.
            let admin = try await PageSession.signIn(app, "9001")
            let page = try await admin.get("/customers/\(big)")
            #expect(page.1.contains("tier-history") && page.1.contains("达到「VIP客户」门槛"))
        }
    }

    @Test func theMonthlyJobRunsOncePerMonthAndAgainTheNext() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let id = try await customer(app, u.agent, "月度客户", "13800000009")
            let zone = app.kefu.settings.timeZone
            let company = try await WorkforceCompany.named(nil, on: app.db)
            let tiering = CustomerTiering(company: company, now: clock.now(), timeZone: zone)
            let last = tiering.thisMonth.adding(months: -1)
            _ = try await tiering.importValues([CustomerValueRow(line: 2, phone: "13800000009", period: last, revenueFen: 200_000_00, profitFen: nil)], by: "test")
            try await CustomerTiering.runMonthlyIfDue(db: app.db, now: clock.now(), timeZone: zone, logger: app.logger)
            #expect(try await api(app, .GET, "/customers/\(id)?reason=t", token: u.admin).string("tier") == "vip")
            #expect(try await tiering.lastRun() == tiering.thisMonth.text)
            // Moved by hand back to normal… the job does not run again this month.
            let c = try #require(try await Customer.find(UUID(uuidString: id), on: app.db))
            c.tier = .normal; try await c.save(on: app.db)
            try await CustomerTiering.runMonthlyIfDue(db: app.db, now: clock.now(), timeZone: zone, logger: app.logger)
            #expect(try await api(app, .GET, "/customers/\(id)?reason=t", token: u.admin).string("tier") == "normal")
            // …but next month it does (the figure is still in the 12-month window).
            clock.advance(by: 40 * 86_400)
            try await CustomerTiering.runMonthlyIfDue(db: app.db, now: clock.now(), timeZone: zone, logger: app.logger)
            #expect(try await api(app, .GET, "/customers/\(id)?reason=t", token: u.admin).string("tier") == "vip")
            #expect(try await CustomerTierChange.query(on: app.db).filter(\.$actorWorkId == "system").count() == 2)
        }
    }

    @Test func theAdminPageSavesUploadsAndRuns() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            _ = try await customer(app, u.agent, "页面客户", "13800000007")
            #expect(try await PageSession.signIn(app, "1001").get("/customers/tiers").0 == .forbidden)
            let admin = try await PageSession.signIn(app, "9001")
            let page = try await admin.get("/customers/tiers")
            #expect(page.0 == .ok)
            #expect(page.1.contains("tier-policy-form"))
            // Thresholds that do not fall are refused with the reason, and the typed values stay.
            let bad = try await admin.post("/customers/tiers/policy", ["basis": "revenue", "months": "12", "minimum0": "10", "minimum1": "20",
                                                                      "minimum2": "1", "name0": "钻石", "name1": "重要", "name2": "普通", "name3": "小"])
            #expect(bad.0 == .unprocessableEntity)
            #expect(bad.1.contains("门槛须逐级降低") && bad.1.contains("钻石"))
            let good = try await admin.post("/customers/tiers/policy", ["basis": "revenue", "months": "6", "minimum0": "1000", "minimum1": "100",
                                                                       "minimum2": "10", "name0": "钻石", "name1": "重要", "name2": "普通", "name3": "小"])
            #expect(good.0 == .seeOther)
            // Upload the month's sheet as the browser does (multipart).
            struct Upload: Content { var _csrf: String; var period: String; var file: File }
            let month = CustomerTiering(company: try await WorkforceCompany.named(nil, on: app.db), now: clock.now(), timeZone: app.kefu.settings.timeZone).thisMonth
            var body = ""
            try await app.testing().test(.POST, "/customers/tiers/values", beforeRequest: { req in
                req.headers.cookie = ["kefu_session": .init(string: admin.cookie)]
                try req.content.encode(Upload(_csrf: admin.csrf, period: month.adding(months: -1).text,
                                              file: File(data: "电话,收入\n13800000007,2000\n12,1\n", filename: "m.csv")), as: .formData)
            }, afterResponse: { res in #expect(res.status == .ok); body = res.body.string })
            #expect(body.contains("已导入 1 行") && body.contains("第 3 行"))
            #expect(try await admin.post("/customers/tiers/retier", [:]).0 == .seeOther)
            let after = try await admin.get("/customers/tiers")
            #expect(after.1.contains("钻石") && after.1.contains("页面客户"))
        }
    }
}
