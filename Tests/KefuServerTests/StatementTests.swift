import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Rewards and penalties through HTTP (R9.3): offences and rewards recorded by a lead, the
/// month's statement published on the 1st as a snapshot, one appeal, the lead's decision.
@Suite("Monthly statements (R9.3)")
struct StatementTests {
    @Test func publishedOnTheFirstAppealedOnceAndDecided() async throws {
        let clock = ManualClock(LocalDay(year: 2027, month: 1, day: 2).start(in: AttendanceTests.tz).addingTimeInterval(10 * 3600))
        try await withKefu(clock: clock) { app, u in
            try await AttendanceTests.publishRoster(app)
            // 1001 forgot the out-punch on the 1st.
            _ = try await api(app, .POST, "/attendance/punches", token: u.shiftLead,
                              body: ["workId": "1001", "kind": "in", "at": AttendanceTests.at(1, 8, 55), "source": "import"])
            let lead = try await PageSession.signIn(app, "3001")
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.post("/attendance/entries", ["workId": "1001", "kind": "reward", "rule": "bonus", "day": "2026-12-10", "amount": "200", "facts": "自评"]).0 == .forbidden)
            #expect(try await lead.post("/attendance/entries", ["workId": "1001", "kind": "fine", "rule": "form_careless", "day": "2026-12-09", "amount": "30", "facts": "工单漏填"]).0 == .unprocessableEntity)
            #expect(try await lead.post("/attendance/entries", ["workId": "1001", "kind": "fine", "rule": "form_careless", "day": "2026-12-09", "amount": "10", "facts": "工单漏填地址", "month": "2026-12"]).0 == .seeOther)
            #expect(try await lead.post("/attendance/entries", ["workId": "1001", "kind": "reward", "rule": "bonus", "day": "2026-12-10", "amount": "200", "facts": "客户表扬信", "month": "2026-12"]).0 == .seeOther)
            // The sweeper's monthly step publishes December once.
            try await AttendanceService.publishMonthlyIfDue(db: app.db, now: clock.now(), timeZone: AttendanceTests.tz, logger: app.logger)
            try await AttendanceService.publishMonthlyIfDue(db: app.db, now: clock.now(), timeZone: AttendanceTests.tz, logger: app.logger)
            let statement = try #require(try await MonthlyStatementRecord.query(on: app.db).filter(\.$workId == "1001").first())
            #expect(try await MonthlyStatementRecord.query(on: app.db).filter(\.$workId == "1001").count() == 1)
            #expect(statement.month == "2026-12" && statement.rewardTotal == 200)
            let lines = try AttendanceService.decodeLines(statement)
            #expect(lines.map(\.rule) == ["forgotten_punch", "absence", "absence", "absence", "form_careless", "bonus"])
            #expect(statement.fineTotal == 12)
            // A later correction does not change the published statement.
            _ = try await api(app, .POST, "/attendance/punches", token: u.shiftLead,
                              body: ["workId": "1001", "kind": "out", "at": AttendanceTests.at(1, 18, 1), "source": "correction", "note": "补录"])
            #expect(try await MonthlyStatementRecord.find(statement.id, on: app.db)?.fineTotal == 12)
            let page = try await agent.get("/attendance?month=2026-12")
            #expect(page.1.contains("id=\"appeal-form\"") && page.1.contains("客户表扬信"))
            // One appeal, by the person; the lead strikes the careless-form fine.
            let id = try statement.requireID().uuidString
            #expect(try await PageSession.signIn(app, "1002").post("/attendance/statements/\(id)/appeal", ["text": "x"]).0 == .notFound)
            #expect(try await agent.post("/attendance/statements/\(id)/appeal", ["text": " "]).0 == .unprocessableEntity)
            #expect(try await agent.post("/attendance/statements/\(id)/appeal", ["text": "9日的地址客户未提供", "month": "2026-12"]).0 == .seeOther)
            #expect(try await agent.post("/attendance/statements/\(id)/appeal", ["text": "再次申诉"]).0 == .conflict)
            #expect(try await agent.post("/attendance/statements/\(id)/decide", ["decision": "自己批"]).0 == .forbidden)
            let strike = try #require(lines.firstIndex { $0.rule == "form_careless" })
            #expect(try await lead.post("/attendance/statements/\(id)/decide", ["strike[]": "\(strike)", "decision": "核实客户未提供地址，撤销", "person": "1001"]).0 == .seeOther)
            let decided = try #require(try await MonthlyStatementRecord.find(statement.id, on: app.db))
            #expect(decided.appealStatus == .amended && decided.fineTotal == 2 && decided.decidedBy == "3001")
            #expect(try await lead.post("/attendance/statements/\(id)/decide", ["decision": "再处理"]).0 == .conflict)
            #expect(try await agent.get("/attendance?month=2026-12").1.contains("申诉已处理：已更正"))
        }
    }
}
