import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Fixed-time counts (R10.3): recorded as each time passes, bounded by that time, once.
@Suite("Fixed-time counts (R10.3)")
struct FixedCountsTests {
    @Test func countsAtEachTimeKeptOnce() async throws {
        let tz = AttendanceTests.tz
        let day = AttendanceTests.day(5)
        let clock = ManualClock(day.start(in: tz).addingTimeInterval(10 * 3600 + 20 * 60))
        try await withKefu(clock: clock) { app, u in
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "q1", "type": "enqueued", "at": AttendanceTests.at(5, 9, 0), "callId": "c1", "queue": "hotline"],
                ["id": "q2", "type": "enqueued", "at": AttendanceTests.at(5, 9, 30), "callId": "c2", "queue": "hotline"],
                ["id": "q3", "type": "enqueued", "at": AttendanceTests.at(5, 11, 0), "callId": "c3", "queue": "hotline"],
            ])
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).status == .created)
            try await FixedCounts.recordDue(db: app.db, now: day.start(in: tz).addingTimeInterval(10.5 * 3600), timeZone: tz)
            let evening = day.start(in: tz).addingTimeInterval(17.5 * 3600)
            try await FixedCounts.recordDue(db: app.db, now: evening, timeZone: tz)
            try await FixedCounts.recordDue(db: app.db, now: evening, timeZone: tz)
            let kept = try await FixedTimeCount.query(on: app.db).sort(\.$minute).all()
            #expect(kept.map { "\(FixedTimeCounts.label($0.minute)) \($0.inboundCalls)/\($0.newOrders)" } == ["10:00 2/0", "14:00 3/1", "17:00 3/1"])
            let lead = try await PageSession.signIn(app, "3001")
            let page = try await lead.get("/reports/fixed")
            #expect(page.0 == .ok && page.1.contains("2 / 0") && !page.1.contains("fixed-times-form"))
            #expect(try await lead.post("/reports/fixed/times", ["times": "09:00"]).0 == .forbidden)
            #expect(try await PageSession.signIn(app, "1001").get("/reports/fixed").0 == .forbidden)
            let admin = try await PageSession.signIn(app, "9001")
            let bad = try await admin.post("/reports/fixed/times", ["times": "25:00"])
            #expect(bad.0 == .unprocessableEntity && bad.1.contains("HH:MM"))
            #expect(try await admin.post("/reports/fixed/times", ["times": "12:30，09:00"]).0 == .seeOther)
            let company = try #require(try await User.query(on: app.db).filter(\.$workId == "1001").first()).companyID
            #expect(try await FixedCounts.times(company: company, on: app.db) == [540, 750])
        }
    }
}

