import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

@Suite("SLA deadlines and escalation")
struct SLATests {
    func sweep(_ app: Application) async throws -> DeadlineSweeper.Outcome {
        try await DeadlineSweeper(db: app.db, now: app.kefu.clock.now(), timeZone: app.kefu.settings.timeZone, logger: app.logger).sweep()
    }

    func escalations(_ app: Application) async throws -> Int {
        try await TimelineEvent.query(on: app.db).filter(\.$kind == "escalated").count()
    }

    @Test func escalationLevelsFireOnceEach() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            clock.advance(by: 38 * 3600)                  // 79 % of 48 h
            #expect(try await sweep(app).escalations == 0)
            clock.advance(by: 2 * 3600)                   // 83 %
            #expect(try await sweep(app).escalations == 1)
            #expect(try await sweep(app).escalations == 0)
            let afterFirst = try await api(app, .GET, "/work-orders/\(id)", token: u.agent)
            #expect(afterFirst["escalationLevel"] as? Int == 1, "\(afterFirst.status) \(afterFirst.json)")
            clock.advance(by: 60 * 3600)                  // 208 %: levels 2 and 3 at once
            async let a = sweep(app)
            async let b = sweep(app)
            let (ra, rb) = try await (a, b)
            #expect(ra.escalations + rb.escalations == 2)
            #expect(try await escalations(app) == 3)
            #expect(try await api(app, .GET, "/work-orders/\(id)", token: u.agent)["escalationLevel"] as? Int == 3)
            #expect(try await KefuNotification.query(on: app.db).filter(\.$recipientRole == "shift_lead").count() == 1)
            #expect(try await KefuNotification.query(on: app.db).filter(\.$recipientRole == "team_lead").count() == 1)
        }
    }

    @Test func pendingCustomerPausesTheClock() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            clock.advance(by: 3600)
            let paused = try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["status": "pending_customer"])
            #expect(paused["resolutionDueAt"] is NSNull)
            clock.advance(by: 100 * 3600)
            #expect(try await sweep(app).escalations == 0)
            let resumed = try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["status": "open"])
            #expect(resumed.status == .ok, "\(resumed.json)")
            // 48 h target, 100 h paused → due 2026-11-25 09:00 + 100 h.
            #expect(resumed.string("resolutionDueAt") == iso(testStart.addingTimeInterval(148 * 3600)))
        }
    }

    @Test func overdueSupervisionEscalatesToShiftLeadOnce() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "query")).string("id"))
            _ = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent,
                              body: ["departmentId": u.departmentID.uuidString, "deadline": iso(testStart.addingTimeInterval(3600)), "note": "请查"])
            clock.advance(by: 3601)
            #expect(try await sweep(app).overdueSupervision == 1)
            #expect(try await sweep(app).overdueSupervision == 0)
            let so = try await api(app, .GET, "/supervision-orders?status=open", token: u.shiftLead)
            #expect((so["items"] as? [[String: Any]])?.first?["escalated"] as? Bool == true)
        }
    }

    @Test func workingDayCalendarSkipsHolidays() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            try await HolidayRecord(day: "2026-11-24", name: "测试假日", makeupWorkday: false).create(on: app.db)
            // Suggestions: 45 working hours = 5 days of 9 h; Tuesday is a holiday → Mon, Wed, Thu, Fri, next Mon 18:00.
            let o = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "suggestion"))
            #expect(o.string("resolutionDueAt") == "2026-11-30T18:00:00+08:00")
        }
    }

    @Test func simulatedClockRouteOnlyWithFlag() async throws {
        try await withKefu { app, u in
            let r = try await api(app, .POST, "/clock/advance", token: u.admin, body: ["seconds": 60])
            #expect(r.status == .notFound)
        }
        try await withKefu(simulated: true) { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            #expect(try await api(app, .POST, "/clock/advance", token: u.agent, body: ["seconds": 60]).status == .forbidden)
            #expect(try await api(app, .POST, "/clock/advance", token: u.admin, body: ["seconds": -5]).status == .unprocessableEntity)
            let moved = try await api(app, .POST, "/clock/advance", token: u.admin, body: ["seconds": 49 * 3600])
            #expect(moved.status == .ok)
            #expect(moved["offsetSeconds"] as? Int == 49 * 3600)
            // The advance sweeps at once: 102 % of 48 h → levels 1 and 2.
            #expect(try await api(app, .GET, "/work-orders/\(id)", token: u.agent)["escalationLevel"] as? Int == 2)
        }
    }
}
