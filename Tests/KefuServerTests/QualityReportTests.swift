import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Quality statistics (R10.2): QC findings by rule, scores, incidents and workload, this
/// period beside the last.
@Suite("Quality statistics (R10.2)")
struct QualityReportTests {
    @Test func findingsIncidentsAndWorkloadBesideTheLastPeriod() async throws {
        let tz = AttendanceTests.tz
        let clock = ManualClock(AttendanceTests.day(10).start(in: tz).addingTimeInterval(10 * 3600))
        try await withKefu(clock: clock) { app, u in
            let company = try #require(try await User.query(on: app.db).filter(\.$workId == "1001").first()).companyID
            // This month: two reviewed calls of 1001, one forbidden phrase kept and one rejected; last month: one kept.
            for (n, day, rule, state) in [(0, "2026-12-05", QARule.forbiddenImpatience.rawValue, "confirmed"), (1, "2026-12-06", QARule.forbiddenBlame.rawValue, "rejected"),
                                          (2, "2026-11-20", QARule.forbiddenImpatience.rawValue, "open")] {
                let c = Contact()
                c.id = UUID(); c.companyID = company; c.externalId = "q\(n)"; c.channel = "phone"; c.agentWorkId = "1001"
                c.startedAt = clock.now(); c.localDay = day; c.shift = "day"; c.transcript = "坐席：您好"; c.source = "api"
                c.autoScore = 90; c.finalScore = 80 + n; c.status = "reviewed"; c.lexiconVersion = 1; c.createdAt = clock.now()
                try await c.create(on: app.db)
                let f = QAFindingRecord()
                f.$contact.id = try c.requireID(); f.rule = rule; f.segment = 0; f.text = "你烦不烦"; f.start = 0; f.end = 4; f.points = 10
                f.source = "auto"; f.state = state; f.createdAt = clock.now()
                try await f.create(on: app.db)
            }
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "complaint")).status == .created)
            _ = try await UserAdmin(db: app.db, now: app.kefu.clock.now()).add(
                .init(workId: "2001", name: "班长", role: "team_lead", password: "secret123", department: nil), hasher: app.password.sync, history: nil)
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.post("/reports-up", ["kind": "major_error", "title": "工单派错部门", "text": "把投诉派给了财务部"]).0 == .seeOther)
            #expect(try await agent.get("/reports/quality").0 == .forbidden)
            let lead = try await PageSession.signIn(app, "3001")
            let page = try await lead.get("/reports/quality?period=month&date=2026-12-10")
            #expect(page.0 == .ok, "\(page.1)")
            let findings = try #require(page.1.range(of: "id=\"findings-table\"")).upperBound
            let table = String(page.1[findings...].prefix(800))
            #expect(table.contains("服务忌语·烦躁语</td><td class=\"num\">1</td><td class=\"num\">1</td>") && !table.contains("责备语"))
            #expect(page.1.contains("重大差错</td><td class=\"num\">1</td><td class=\"num\">0</td>"))
            #expect(page.1.contains("data-work-id=\"1001\"") && page.1.contains("投诉</td><td class=\"num\">1</td>"))
            let bad = try await lead.get("/reports/quality?period=custom&from=2026-12-31&to=2026-12-01")
            #expect(bad.0 == .unprocessableEntity && bad.1.contains("结束日期不能早于开始日期"))
        }
    }
}
