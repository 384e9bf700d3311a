import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// An agent's day through HTTP (R10.3): calls from the switch's events, orders, QC and
/// attendance; one's own for everyone, anyone's for the leads, nobody else's.
@Suite("Agent daily figures (R10.3)")
struct AgentDayTests {
    @Test func callsOrdersAndWhoMayRead() async throws {
        let tz = AttendanceTests.tz
        let clock = ManualClock(AttendanceTests.day(5).start(in: tz).addingTimeInterval(17 * 3600))
        try await withKefu(clock: clock) { app, u in
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            func at(_ h: Int, _ m: Int, _ s: Int = 0) -> String { AttendanceTests.at(5, h, m, s) }
            // Two calls offered to 1001 and answered (3 and 5 minutes of talk); one to 1002.
            let r = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "c1-e", "type": "enqueued", "at": at(10, 0), "callId": "c1", "queue": "hotline"],
                ["id": "c1-o", "type": "offered", "at": at(10, 0, 5), "callId": "c1", "agentWorkId": "1001"],
                ["id": "c1-a", "type": "answered", "at": at(10, 0, 10), "callId": "c1"],
                ["id": "c1-c", "type": "completed", "at": at(10, 3, 10), "callId": "c1"],
                ["id": "c2-e", "type": "enqueued", "at": at(11, 0), "callId": "c2", "queue": "hotline"],
                ["id": "c2-o", "type": "offered", "at": at(11, 0, 2), "callId": "c2", "agentWorkId": "1001"],
                ["id": "c2-a", "type": "answered", "at": at(11, 0, 4), "callId": "c2", "agentWorkId": "1001"],
                ["id": "c2-c", "type": "completed", "at": at(11, 5, 4), "callId": "c2"],
                ["id": "c3-e", "type": "enqueued", "at": at(12, 0), "callId": "c3", "queue": "hotline"],
                ["id": "c3-o", "type": "offered", "at": at(12, 0, 2), "callId": "c3", "agentWorkId": "1002"],
                ["id": "c3-a", "type": "answered", "at": at(12, 0, 4), "callId": "c3"],
            ])
            #expect(r.status == .ok || r.status == .created || r.status == .accepted, "\(r.json)")
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).status == .created)
            let mine = try await api(app, .GET, "/reports/agents/1001/daily?date=2026-12-05", token: u.agent)
            #expect(mine.status == .ok, "\(mine.json)")
            #expect(mine["callsAnswered"] as? Int == 2 && mine["averageHandlingSeconds"] as? Int == 240 && mine["ordersCreated"] as? Int == 1)
            #expect(mine.string("date") == "2026-12-05" && mine.string("attendance") == "off")
            // Another agent's day: refused; the lead's: any; a bad date: 422.
            #expect(try await api(app, .GET, "/reports/agents/1002/daily?date=2026-12-05", token: u.agent).status == .forbidden)
            let theirs = try await api(app, .GET, "/reports/agents/1002/daily?date=2026-12-05", token: u.shiftLead)
            #expect(theirs["callsAnswered"] as? Int == 1 && theirs["callsCompleted"] as? Int == 0)
            #expect(try await api(app, .GET, "/reports/agents/1001/daily?date=2026-02-30", token: u.agent).status == .unprocessableEntity)
            #expect(try await api(app, .GET, "/reports/agents/7777/daily", token: u.shiftLead).status == .notFound)
            // QC reads the calls, not the attendance sheet.
            let qc = try await api(app, .GET, "/reports/agents/1001/daily?date=2026-12-05", token: u.qc)
            #expect(qc.status == .ok && qc["attendance"] == nil)
            // The pages: one's own card; the lead's table of everyone.
            let agentPage = try await PageSession.signIn(app, "1001").get("/reports/agents?date=2026-12-05")
            #expect(agentPage.0 == .ok && agentPage.1.contains("id=\"my-day\"") && !agentPage.1.contains("id=\"team-table\""))
            let leadPage = try await PageSession.signIn(app, "3001").get("/reports/agents?date=2026-12-05")
            #expect(leadPage.1.contains("data-work-id=\"1001\"") && leadPage.1.contains("4:00"))
        }
    }
}
