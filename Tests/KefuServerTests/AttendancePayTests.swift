import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// What a month costs and how it is published (R9.2, R9.3): the daily wage behind the absence
/// fine, the sheet published as a snapshot and published again only by a lead with a reason,
/// and QC results on the statement.
@Suite("Attendance pay, published sheets and QC lines")
struct AttendancePayTests {
    static let january2 = LocalDay(year: 2027, month: 1, day: 2).start(in: AttendanceTests.tz).addingTimeInterval(10 * 3600)

    @Test func dailyWageSnapshotAndRepublish() async throws {
        try await withKefu(clock: ManualClock(Self.january2)) { app, u in
            try await AttendanceTests.publishRoster(app)
            _ = try await api(app, .POST, "/attendance/punches", token: u.shiftLead,
                              body: ["workId": "1001", "kind": "in", "at": AttendanceTests.at(1, 8, 55), "source": "import"])
            // The admin sets 1001's daily wage; only the admin, only as money.
            let admin = try await PageSession.signIn(app, "9001")
            let lead = try await PageSession.signIn(app, "3001")
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.post("/attendance/rules/wages", ["workId": "1001", "dailyWage": "999"]).0 == .forbidden)
            #expect(try await lead.post("/attendance/rules/wages", ["workId": "1001", "dailyWage": "999"]).0 == .forbidden)
            for bad in ["abc", "-5", "180.555", "1e3", "0", "200000"] {
                let refused = try await admin.post("/attendance/rules/wages", ["workId": "1001", "dailyWage": bad])
                #expect(refused.0 == .unprocessableEntity && refused.1.contains("日工资须为"), "\(bad)")
            }
            #expect(try await admin.post("/attendance/rules/wages", ["workId": "7777", "dailyWage": "100"]).0 == .unprocessableEntity)
            #expect(try await admin.post("/attendance/rules/wages", ["workId": "1001", "dailyWage": "180.5"]).0 == .seeOther)
            #expect(try await admin.get("/attendance/rules").1.contains("value=\"180.5\""))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "attendance.daily_wage_set").count() == 1)

            // Published on the 1st: three absences at three days' pay each, and the sheet as it was.
            try await AttendanceService.publishMonthlyIfDue(db: app.db, now: Self.january2, timeZone: AttendanceTests.tz, logger: app.logger)
            let statement = try #require(try await MonthlyStatementRecord.query(on: app.db).filter(\.$workId == "1001").first())
            #expect(statement.fineTotal == 2 + 3 * 541.5 && statement.sheet != nil)
            let published = try await api(app, .GET, "/attendance/1001/2026-12", token: u.shiftLead)
            #expect(published.status == .ok && published.string("publishedAt") != nil && published["dailyWage"] as? Double == 180.5)
            let fines = try #require(published["fines"] as? [[String: Any]])
            #expect(fines.filter { $0["rule"] as? String == "absence" }.allSatisfy { $0["amount"] as? Double == 541.5 })

            // A correction afterwards: the published sheet stays, the lead sees what changed.
            _ = try await api(app, .POST, "/attendance/punches", token: u.shiftLead,
                              body: ["workId": "1001", "kind": "out", "at": AttendanceTests.at(1, 18, 1), "source": "correction", "note": "补录"])
            let still = try #require(try await api(app, .GET, "/attendance/1001/2026-12", token: u.agent)["days"] as? [[String: Any]])
            #expect(still.first?["status"] as? String == "forgotten_punch")
            let page = try await lead.get("/attendance?month=2026-12&person=1001")
            #expect(page.1.contains("id=\"sheet-changed\"") && page.1.contains("2026-12-01") && page.1.contains("id=\"republish-form\""))
            #expect(!(try await agent.get("/attendance?month=2026-12").1.contains("id=\"republish-form\"")))

            // Published again only by a lead, with a reason, audited.
            let id = try statement.requireID().uuidString
            #expect(try await agent.post("/attendance/statements/\(id)/republish", ["reason": "我自己改"]).0 == .forbidden)
            #expect(try await lead.post("/attendance/statements/\(id)/republish", ["reason": " "]).0 == .unprocessableEntity)
            #expect(try await lead.post("/attendance/statements/\(UUID().uuidString)/republish", ["reason": "x"]).0 == .notFound)
            #expect(try await lead.post("/attendance/statements/\(id)/republish", ["reason": "打卡机故障，补录下班", "person": "1001", "month": "2026-12"]).0 == .seeOther)
            let again = try #require(try await api(app, .GET, "/attendance/1001/2026-12", token: u.agent)["days"] as? [[String: Any]])
            #expect(again.first?["status"] as? String == "present")
            #expect(try await MonthlyStatementRecord.find(statement.id, on: app.db)?.fineTotal == 3 * 541.5)
            let audit = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "attendance.sheet_republished").first())
            #expect(audit.after?.contains("打卡机故障") == true && audit.after?.contains("2026-12-01") == true)
            #expect(!(try await lead.get("/attendance?month=2026-12&person=1001").1.contains("id=\"sheet-changed\"")))
        }
    }

    @Test func qcResultsFeedTheStatement() async throws {
        try await withKefu(clock: ManualClock(Self.january2)) { app, u in
            let person = try #require(try await User.query(on: app.db).filter(\.$workId == "1002").first())
            // Eleven reviewed calls averaging 96, one with a confirmed forbidden phrase, one rejected.
            for n in 0..<11 {
                let c = Contact()
                c.id = UUID(); c.companyID = person.companyID; c.externalId = "call-\(n)"; c.channel = "phone"; c.agentWorkId = "1002"
                c.startedAt = AttendanceTests.day(5).start(in: AttendanceTests.tz); c.localDay = "2026-12-05"; c.shift = "day"
                c.transcript = "坐席：您好"; c.source = "api"; c.autoScore = 96; c.finalScore = 96; c.status = "reviewed"; c.lexiconVersion = 1
                c.createdAt = Date()
                try await c.create(on: app.db)
                guard n < 2 else { continue }
                let f = QAFindingRecord()
                f.$contact.id = try c.requireID(); f.rule = QARule.forbiddenImpatience.rawValue; f.segment = 0; f.text = n == 0 ? "你烦不烦" : "快点说"
                f.start = 0; f.end = 4; f.points = 10; f.source = "auto"; f.state = n == 0 ? "confirmed" : "rejected"; f.createdAt = Date()
                try await f.create(on: app.db)
            }
            try await AttendanceService.publishMonthlyIfDue(db: app.db, now: Self.january2, timeZone: AttendanceTests.tz, logger: app.logger)
            let statement = try #require(try await MonthlyStatementRecord.query(on: app.db).filter(\.$workId == "1002").first())
            let lines = try AttendanceService.decodeLines(statement)
            #expect(lines.map(\.rule) == ["rude_to_customer", "praise"], "\(lines)")
            #expect(lines.first?.facts.contains("你烦不烦") == true && lines.first?.amount == 50)
            #expect(statement.fineTotal == 50 && statement.rewardTotal == 0)
            // The admin can turn QC fines off (a new rules version); an unknown offence is refused.
            let admin = try await PageSession.signIn(app, "9001")
            var form = AttendanceRulesPages.form(AttendanceRules(), PenaltyRules())
            form["qcForbiddenOffence"] = "no_such"
            #expect(try await admin.post("/attendance/rules", form).0 == .unprocessableEntity)
            form["qcForbiddenOffence"] = ""
            #expect(try await admin.post("/attendance/rules", form).0 == .seeOther)
            let rules = try await AttendanceService.rules(company: person.companyID, on: app.db)
            #expect(rules.penalties.qcForbiddenOffence == nil && rules.penalties.qcPraiseScore == 95)
            _ = u
        }
    }
}
