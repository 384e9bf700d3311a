import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Attendance through HTTP (R9.2, R9.3, R4.5): punches and their permissions, leave asked
/// for and approved, and each person's month read against the published roster, priced by
/// the rules, with a missed swapped shift on both.
@Suite("Attendance (R9.2, R9.3)")
struct AttendanceTests {
    static let tz = TimeZone(identifier: "Asia/Shanghai") ?? .current
    static func day(_ d: Int) -> LocalDay { LocalDay(year: 2026, month: 12, day: d) }
    static func at(_ d: Int, _ h: Int, _ m: Int = 0, _ s: Int = 0) -> String {
        JSONCoding.formatISO(day(d).start(in: tz).addingTimeInterval(Double(h * 3600 + m * 60 + s)), timeZone: tz)
    }

    /// December's roster, published: the day shift D (09:00–18:00) for 1001 on the 1st–3rd
    /// and for 1002 on the 1st–4th, the 4th having been 1001's until an approved swap.
    static func publishRoster(_ app: Application) async throws {
        let company = try #require(try await User.query(on: app.db).filter(\.$workId == "1001").first()).companyID
        let r = RosterRecord()
        let days = (1...31).map { day($0) }
        r.id = UUID(); r.companyID = company; r.month = "2026-12"; r.status = "published"; r.intervalMinutes = 30
        r.demand = WorkforceSettings.json(RosterDemand(days: days, required: days.map { _ in Array(repeating: 0, count: 48) }))
        r.templates = WorkforceSettings.json([ShiftTemplate(code: "D", name: "白班", startMinute: 540, lengthMinutes: 540)])
        r.rules = WorkforceSettings.json(RosterRules()); r.requiredSeats = "[]"; r.createdAt = Date(); r.updatedAt = Date()
        try await r.create(on: app.db)
        let rosterID = try r.requireID()
        try await RosterService.insert([1, 2, 3].map { RosterAssignment(workId: "1001", day: day($0), shiftCode: "D") }
                                       + [1, 2, 3, 4].map { RosterAssignment(workId: "1002", day: day($0), shiftCode: "D") }, rosterId: rosterID, on: app.db)
        let s = ShiftSwapRecord()
        s.id = UUID(); s.companyID = company; s.rosterId = rosterID; s.requester = "1001"; s.peer = "1002"
        s.requesterDay = day(4).description; s.requesterShift = "D"; s.state = ShiftSwapState.approved.rawValue; s.note = ""
        s.createdAt = Date(); s.decidedBy = "3001"; s.decidedAt = Date()
        try await s.create(on: app.db)
    }

    func punch(_ app: Application, _ token: String, _ body: [String: Any]) async throws -> JSONResponse {
        try await api(app, .POST, "/attendance/punches", token: token, body: body)
    }

    @Test func punchesAndWhoMayRecordThem() async throws {
        let clock = ManualClock(Self.day(5).start(in: Self.tz).addingTimeInterval(9 * 3600))
        try await withKefu(clock: clock) { app, u in
            let own = try await punch(app, u.agent, ["kind": "in"])
            #expect(own.status == .created && own.string("source") == "web" && own.string("workId") == "1001")
            // Sent again (a double click): the same punch.
            let again = try await punch(app, u.agent, ["kind": "in"])
            #expect(again.status == .ok && again.string("id") == own.string("id"))
            #expect(try await punch(app, u.agent, ["kind": "in", "at": Self.at(1, 9)]).status == .unprocessableEntity)
            #expect(try await punch(app, u.agent, ["kind": "sideways"]).status == .unprocessableEntity)
            #expect(try await punch(app, u.agent, ["kind": "in", "at": ""]).status == .unprocessableEntity)
            #expect(try await punch(app, u.agent, ["kind": "in", "workId": "1002", "source": "correction", "note": "x"]).status == .forbidden)
            #expect(try await punch(app, u.agent, ["kind": "in", "source": "cti"]).status == .unprocessableEntity)
            #expect(try await punch(app, u.shiftLead, ["kind": "in", "workId": "1002", "source": "correction", "at": Self.at(1, 9)]).status == .unprocessableEntity)
            #expect(try await punch(app, u.shiftLead, ["kind": "in", "workId": "1002", "source": "import", "at": "0082-03-13T15:36:41+08:00"]).status == .unprocessableEntity)
            #expect(try await punch(app, u.shiftLead, ["kind": "in", "workId": "nobody", "source": "correction", "note": "补录", "at": Self.at(1, 9)]).status == .notFound)
            let fixed = try await punch(app, u.shiftLead, ["kind": "in", "workId": "1002", "source": "correction", "note": "考勤机故障", "at": Self.at(1, 9)])
            #expect(fixed.status == .created && fixed.string("note") == "考勤机故障")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "attendance.punch_correction").count() == 1)
            #expect(try await AttendancePunch.query(on: app.db).count() == 2)
        }
    }

    @Test func theMonthFromRosterPunchesLeaveAndASwap() async throws {
        let clock = ManualClock(Self.day(5).start(in: Self.tz).addingTimeInterval(20 * 3600))
        try await withKefu(clock: clock) { app, u in
            try await Self.publishRoster(app)
            for (workId, d, h, m, s, kind) in [("1001", 1, 9, 0, 30, "in"), ("1001", 1, 18, 5, 0, "out"), ("1001", 2, 8, 50, 0, "in"),
                                               ("1002", 1, 8, 55, 0, "in"), ("1002", 1, 18, 0, 0, "out"),
                                               ("1002", 3, 8, 59, 0, "in"), ("1002", 3, 17, 0, 0, "out")] {
                #expect(try await punch(app, u.shiftLead, ["workId": workId, "kind": kind, "at": Self.at(d, h, m, s), "source": "import"]).status == .created)
            }
            // 1002's seat on the 1st: signed in, then not ready for 40 minutes in the afternoon (off post).
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            let seat = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "seat1", "type": "logged_in", "at": Self.at(1, 8, 58), "agentWorkId": "1002"],
                ["id": "seat2", "type": "not_ready", "at": Self.at(1, 14), "agentWorkId": "1002", "reason": "小休"],
                ["id": "seat3", "type": "ready", "at": Self.at(1, 14, 40), "agentWorkId": "1002"],
            ])
            #expect(seat.status == .ok, "\(seat.json)")
            // 1001 asks for sick leave on the 3rd; the lead approves; a lead cannot approve their own.
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.post("/attendance/leave", ["kind": "sick", "from": "2026-12-03", "through": "2026-12-03", "reason": "发烧"]).0 == .seeOther)
            #expect(try await agent.post("/attendance/leave", ["kind": "sick", "from": "2026-12-03", "through": "2026-12-01"]).0 == .unprocessableEntity)
            let leave = try #require(try await LeaveRequest.query(on: app.db).first())
            #expect(try await agent.post("/attendance/leave/\(try leave.requireID())/approve", [:]).0 == .forbidden)
            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.post("/attendance/leave/\(try leave.requireID())/reject", ["reply": ""]).0 == .unprocessableEntity)
            #expect(try await lead.post("/attendance/leave/\(try leave.requireID())/approve", [:]).0 == .seeOther)
            #expect(try await lead.post("/attendance/leave/\(try leave.requireID())/approve", [:]).0 == .conflict)
            // The approved leave shows on the person's roster.
            let roster = try await agent.get("/workforce/me")
            #expect(roster.0 == .ok && roster.1.contains("病假（已批准）"))
            // … on the leads' grid, where the shift still rostered on it is a clash to fill …
            let grid = try await lead.get("/workforce/rosters/2026-12")
            #expect(grid.0 == .ok && grid.1.contains("title=\"病假（已批准），但仍排了班\""), "\(grid.1)")
            #expect(grid.1.contains("请假或不可排班"))
            // … in the five tables, whose seats count only people at work (the 3rd: 1002 alone) …
            let seats = try await lead.get("/workforce/tables/1.csv?month=2026-12")
            let third = try #require(seats.1.split(whereSeparator: \.isNewline).first { $0.hasPrefix("2026-12-03") })
            let second = try #require(seats.1.split(whereSeparator: \.isNewline).first { $0.hasPrefix("2026-12-02") })
            #expect(third.split(separator: ",")[19] == "1" && second.split(separator: ",")[19] == "2", "\(third) \(second)")
            // … and in a lead's edits: the day can be freed, but nobody is put back on it.
            #expect(try await lead.post("/workforce/rosters/2026-12/cell", ["workId": "1001", "day": "2026-12-03", "shift": ""]).0 == .seeOther)
            let back = try await lead.post("/workforce/rosters/2026-12/cell", ["workId": "1001", "day": "2026-12-03", "shift": "D"])
            #expect(back.0 == .unprocessableEntity && back.1.contains("请假"))
            #expect(try await lead.get("/workforce/rosters/2026-12").1.contains("title=\"病假（已批准）\""))
            // (Put back as published, for the sheet below.)
            let rosterID = try #require(try await RosterRecord.query(on: app.db).first()?.id)
            try await RosterService.insert([RosterAssignment(workId: "1001", day: Self.day(3), shiftCode: "D")], rosterId: rosterID, on: app.db)

            let mine = try await api(app, .GET, "/attendance/1001/2026-12", token: u.agent)
            #expect(mine.status == .ok)
            let days = try #require(mine["days"] as? [[String: Any]])
            #expect(days.count == 31)
            #expect(days.prefix(5).compactMap { $0["status"] as? String } == ["late", "forgotten_punch", "leave", "absent", "off"])
            #expect(days[0]["lateMinutes"] as? Int == 1 && (days[0]["punches"] as? [String])?.count == 2)
            #expect((days[3]["note"] as? String)?.contains("双方均承担责任") == true)
            let fines = try #require(mine["fines"] as? [[String: Any]])
            #expect(fines.compactMap { $0["rule"] as? String } == ["late", "forgotten_punch", "absence"])
            #expect(mine["fineTotal"] as? Double == 7)

            let peer = try await api(app, .GET, "/attendance/1002/2026-12", token: u.shiftLead)
            let peerDays = try #require(peer["days"] as? [[String: Any]])
            #expect(peerDays.prefix(4).compactMap { $0["status"] as? String } == ["present", "absent", "early_leave", "absent"])
            #expect((peerDays[3]["note"] as? String)?.contains("替 1001 换班") == true)
            #expect(peerDays[0]["offPostMinutes"] as? Int == 40 && peerDays[1]["offPostMinutes"] as? Int == 0)
            #expect(((peerDays[0]["punches"] as? [String]) ?? []).count == 2)
            // Only one's own month, except for leads (and planners).
            #expect(try await api(app, .GET, "/attendance/1002/2026-12", token: u.agent).status == .forbidden)
            #expect(try await api(app, .GET, "/attendance/1001/2026-13", token: u.agent).status == .unprocessableEntity)
            #expect(try await api(app, .GET, "/attendance/4001/2026-12", token: u.qc).status == .ok)

            // The page, the CSV for Excel, and a correction with a reason.
            let page = try await agent.get("/attendance?month=2026-12")
            #expect(page.0 == .ok && page.1.contains("id=\"attendance-days\"") && page.1.contains("迟到 1 分钟") && page.1.contains("id=\"clock-in\""))
            let csv = try await agent.get("/attendance/sheet.csv?month=2026-12")
            #expect(csv.0 == .ok && csv.1.hasPrefix("\u{FEFF}工号,姓名,日期") && csv.1.contains("漏打卡"))
            #expect(try await lead.get("/attendance?month=2026-12&person=1002").1.contains("id=\"correction-form\""))
            #expect(try await lead.post("/attendance/punch", ["workId": "1001", "kind": "out", "at": "2026-12-02T18:01", "note": "忘记打卡，班长核实", "month": "2026-12"]).0 == .seeOther)
            // Overtime and a temporary dispatch, by the lead, on the sheet.
            #expect(try await agent.post("/attendance/extras", ["workId": "1001", "kind": "overtime", "day": "2026-12-01", "minutes": "90", "reason": "高峰"]).0 == .forbidden)
            #expect(try await lead.post("/attendance/extras", ["workId": "1002", "kind": "dispatch", "day": "2026-12-01", "minutes": "120", "reason": "支援"]).0 == .unprocessableEntity)
            #expect(try await lead.post("/attendance/extras", ["workId": "1002", "kind": "dispatch", "day": "2026-12-01", "minutes": "120", "place": "售后部", "reason": "支援装维回访", "month": "2026-12"]).0 == .seeOther)
            #expect(try await lead.post("/attendance/extras", ["workId": "1002", "kind": "overtime", "day": "2026-12-01", "minutes": "90", "reason": "话务高峰", "month": "2026-12"]).0 == .seeOther)
            let peerPage = try await lead.get("/attendance?month=2026-12&person=1002")
            #expect(peerPage.1.contains("临时调度 2 小时 → 售后部") && peerPage.1.contains("加班 1 小时 30 分钟") && peerPage.1.contains("脱岗 40 分钟"))
            let fixed = try await api(app, .GET, "/attendance/1001/2026-12", token: u.agent)
            #expect(((fixed["days"] as? [[String: Any]])?[1]["status"] as? String) == "present")
        }
    }
}
