import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Six weeks of half-hour history before 2026-11-23 as CSV, with a bad line 3.
func workforceHistoryCSV(badLine: Bool = true) -> String {
    var lines = ["interval_start,offered,answered,abandoned,aht_seconds"]
    if badLine { lines.append("2026-10-01T00:00:00+08:00,-3,0,0,0") }
    let zone = TimeZone(identifier: "Asia/Shanghai")!
    let clock = try! WorkforceClock(timeZone: zone, intervalMinutes: 30)
    var day = LocalDay(year: 2026, month: 10, day: 12)
    while day < LocalDay(year: 2026, month: 11, day: 23) {
        let weekend = day.weekday() >= 6 ? 0.75 : 1.0
        for slot in 0..<48 {
            let h = Double(slot) / 2
            let offered = Int(((2 + 30 * exp(-pow((h - 11) / 3, 2)) + 20 * exp(-pow((h - 19) / 2, 2))) * weekend).rounded())
            let answered = offered - offered / 20
            let start = ISO8601DateFormatter.string(from: clock.start(of: day, slot: slot), timeZone: zone, formatOptions: [.withInternetDateTime])
            lines.append("\(start),\(offered),\(answered),\(offered - answered),\(answered > 0 ? 180 : 0)")
        }
        day = day.adding(days: 1)
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Sends a raw body (CSV or JSON text) to the API.
func apiRaw(_ app: Application, _ method: HTTPMethod, _ path: String, token: String, contentType: HTTPMediaType, body: String) async throws -> (HTTPStatus, [String: Any]) {
    var out: (HTTPStatus, [String: Any]) = (.internalServerError, [:])
    try await app.testing().test(method, "/api/v1" + path, beforeRequest: { req in
        req.headers.bearerAuthorization = .init(token: token)
        req.headers.contentType = contentType
        req.body = ByteBuffer(string: body)
    }, afterResponse: { res in
        out = (res.status, (try? JSONSerialization.jsonObject(with: Data(buffer: res.body))) as? [String: Any] ?? [:])
    })
    return out
}

/// Twenty more phone agents, so a 24-hour month can be rostered.
func addRosterAgents(_ app: Application) async throws {
    let admin = UserAdmin(db: app.db, now: app.kefu.clock.now())
    for i in 0..<20 {
        _ = try await admin.add(.init(workId: String(1300 + i), name: "排班\(i)", role: "agent", password: "secret123", department: nil),
                                hasher: app.password.sync, history: nil)
    }
}

@Suite("Workforce")
struct WorkforceTests {
    @Test func erlangAPIMatchesTheReferenceAndRefusesBadInput() async throws {
        try await withKefu { app, u in
            let r = try await api(app, .POST, "/workforce/erlang", token: u.shiftLead,
                                  body: ["calls": 100, "intervalSeconds": 1800, "aht": 180, "targetSL": 0.8, "answerWithin": 20, "shrinkage": 0.3,
                                         "maxCallsPerAgentHour": 12])
            #expect(r.status == .ok)
            #expect(r["agents"] as? Int == 14)
            #expect(r["scheduled"] as? Int == 20)
            #expect(abs((r["serviceLevel"] as? Double ?? 0) - 0.888) < 0.001)
            #expect(r["ruleOfThumbSeats"] as? Int == 17)
            let bad = try await api(app, .POST, "/workforce/erlang", token: u.shiftLead, body: ["calls": 100, "aht": 0])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.string("error") == "validation_failed")
            let zero = try await api(app, .POST, "/workforce/erlang", token: u.shiftLead, body: ["calls": 0, "aht": 180])
            #expect(zero.status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/workforce/erlang", token: u.agent, body: ["calls": 100, "aht": 180]).status == .forbidden)
        }
    }

    @Test func scheduleAPISolvesAndReportsInfeasibleCaps() async throws {
        try await withKefu { app, u in
            let problem = #"{"numDays": 2, "periods": 4, "required": [[1, 2, 2, 1], [0, 1, 1, 0]], "shifts": {"early": [1, 1, 0, 0], "late": [0, 0, 1, 1], "mid": [0, 1, 1, 0]}}"#
            let ok = try await apiRaw(app, .POST, "/workforce/schedule?objective=min-resources", token: u.admin, contentType: .json, body: problem)
            #expect(ok.0 == .ok)
            #expect(ok.1["status"] as? String == "optimal")
            #expect(ok.1["objective"] as? Double == 4)
            let capped = try await apiRaw(app, .POST, "/workforce/schedule?objective=min-resources&maxPerPeriod=1", token: u.admin, contentType: .json, body: problem)
            #expect(capped.1["status"] as? String == "infeasible")
            let malformed = try await apiRaw(app, .POST, "/workforce/schedule", token: u.admin, contentType: .json, body: #"{"numDays": 1, "periods": 2, "required": [[1]], "shifts": {"a": [1, 1]}}"#)
            #expect(malformed.0 == .unprocessableEntity)
        }
    }

    @Test func historyForecastRosterSwapAndFiveTables() async throws {
        try await withKefu { app, u in
            try await addRosterAgents(app)
            let imported = try await apiRaw(app, .POST, "/workforce/traffic?interval=30", token: u.admin, contentType: .init(type: "text", subType: "csv"),
                                            body: workforceHistoryCSV())
            #expect(imported.0 == .ok)
            #expect(imported.1["imported"] as? Int == 42 * 48)
            let errors = try #require(imported.1["errors"] as? [[String: Any]])
            #expect(errors.count == 1 && errors[0]["line"] as? Int == 2)
            #expect(try await apiRaw(app, .POST, "/workforce/traffic", token: u.agent, contentType: .plainText, body: "x").0 == .forbidden)

            let planner = try await PageSession.signIn(app, "9001")
            let created = try await planner.post("/workforce/forecasts", ["month": "2026-12", "interval": "30", "method": "auto"])
            #expect(created.0 == .seeOther)
            let run = try #require(try await ForecastRun.query(on: app.db).first())
            let page = try await planner.get("/workforce/forecasts/\(run.id!.uuidString)")
            #expect(page.0 == .ok)
            #expect(page.1.contains("回测误差") && page.1.contains("WAPE") && page.1.contains("<svg"))
            #expect(page.1.contains("经验公式席数"))
            let tooEarly = try await planner.post("/workforce/forecasts", ["month": "2026-10", "interval": "30"])
            #expect(tooEarly.0 == .unprocessableEntity)
            #expect(tooEarly.1.contains("14"))

            let capped = try await planner.post("/workforce/forecasts/\(run.id!.uuidString)/roster", ["objective": "min-resources", "maxPerPeriod": "1"])
            #expect(capped.0 == .unprocessableEntity)
            #expect(capped.1.contains("无法覆盖需求"))
            #expect(try await planner.post("/workforce/forecasts/\(run.id!.uuidString)/roster", ["objective": "min-resources"]).0 == .seeOther)
            let grid = try await planner.get("/workforce/rosters/2026-12")
            #expect(grid.0 == .ok && grid.1.contains("roster-grid"))
            let roster = try await api(app, .GET, "/workforce/rosters/2026-12", token: u.shiftLead)
            let assignments = try #require(roster["assignments"] as? [[String: Any]])
            #expect(assignments.count > 100)
            #expect(roster.string("status") == "draft")

            // The lead's edit: a day off is fine; an unknown shift and a too-short rest are refused.
            let mine = assignments.filter { $0["workId"] as? String == "1001" }.compactMap { $0["day"] as? String }.sorted()
            let day = try #require(mine.first)
            #expect(try await planner.post("/workforce/rosters/2026-12/cell", ["workId": "1001", "day": day, "shift": ""]).0 == .seeOther)
            let unknown = try await planner.post("/workforce/rosters/2026-12/cell", ["workId": "1001", "day": day, "shift": "ZZ"])
            #expect(unknown.0 == .unprocessableEntity)
            for d in 9...12 {
                #expect(try await planner.post("/workforce/rosters/2026-12/cell", ["workId": "1002", "day": String(format: "2026-12-%02d", d), "shift": ""]).0 == .seeOther)
            }
            #expect(try await planner.post("/workforce/rosters/2026-12/cell", ["workId": "1002", "day": "2026-12-10", "shift": "N"]).0 == .seeOther)
            let rest = try await planner.post("/workforce/rosters/2026-12/cell", ["workId": "1002", "day": "2026-12-11", "shift": "A"])
            #expect(rest.0 == .unprocessableEntity)
            #expect(rest.1.contains("修改未保存"))
            #expect(try await planner.post("/workforce/rosters/2026-12/publish", [:]).0 == .seeOther)

            // The agent sees the published roster after a restart of the server.
            let other = try await sibling(of: app, clock: ManualClock(LocalDay(year: 2026, month: 12, day: 1).start(in: TimeZone(identifier: "Asia/Shanghai")!)))
            let agentPage = try await PageSession.signIn(other, "1001").get("/workforce/me")
            try await other.asyncShutdown()
            #expect(agentPage.0 == .ok)
            #expect(agentPage.1.contains("2026-12"))

            // A swap: 1001 gives a shift to 1002, 1002 agrees, the lead approves.
            let after = try #require(try await api(app, .GET, "/workforce/rosters/2026-12", token: u.shiftLead)["assignments"] as? [[String: Any]])
            let days1001 = Set(after.filter { $0["workId"] as? String == "1001" }.compactMap { $0["day"] as? String })
            let days1002 = Set(after.filter { $0["workId"] as? String == "1002" }.compactMap { $0["day"] as? String })
            let give = try #require(days1001.subtracting(days1002).sorted().first)
            // The shift given away is a reserve shift: it moves as one.
            let giveShift = try #require(after.first { $0["workId"] as? String == "1001" && $0["day"] as? String == give }?["shift"] as? String)
            #expect(try await planner.post("/workforce/rosters/2026-12/cell", ["workId": "1001", "day": give, "shift": giveShift, "role": "reserve"]).0 == .seeOther)
            let agent = try await PageSession.signIn(app, "1001")
            let asked = try await agent.post("/workforce/swaps", ["day": give, "peer": "1002", "peerDay": ""])
            #expect(asked.0 == .seeOther)
            let swap = try #require(try await ShiftSwapRecord.query(on: app.db).first())
            let lead = try await PageSession.signIn(app, "3001")
            let early = try await lead.post("/workforce/swaps/\(swap.id!.uuidString)/approve", [:])
            #expect(early.0 == .conflict)
            let peer = try await PageSession.signIn(app, "1002")
            #expect(try await peer.post("/workforce/swaps/\(swap.id!.uuidString)/accept", [:]).0 == .seeOther)
            let approved = try await lead.post("/workforce/swaps/\(swap.id!.uuidString)/approve", [:])
            if approved.0 == .seeOther {
                let final = try #require(try await api(app, .GET, "/workforce/rosters/2026-12", token: u.shiftLead)["assignments"] as? [[String: Any]])
                #expect(final.contains { $0["workId"] as? String == "1002" && $0["day"] as? String == give && $0["role"] as? String == "reserve" })
                #expect(!final.contains { $0["workId"] as? String == "1001" && $0["day"] as? String == give })
            } else {
                // The rules may forbid it (hours); then it is refused with the reason and nothing changes.
                #expect(approved.0 == .unprocessableEntity)
                #expect(approved.1.contains("换班后违反排班规则"))
            }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "shift_swap.accept").count() == 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "roster.cell_changed").count() == 7)

            let tables = try await planner.get("/workforce/tables?month=2026-12")
            #expect(tables.0 == .ok)
            for n in 1...5 { #expect(tables.1.contains("id=\"table-\(n)\"")) }
            let csv = try await planner.get("/workforce/tables/2.csv?month=2026-12")
            #expect(csv.0 == .ok && csv.1.hasPrefix("\u{FEFF}日期,预测话务量"))
            #expect(try await PageSession.signIn(app, "1001").get("/workforce").0 == .forbidden)
        }
    }

    @Test func setupPagesValidateTemplatesRulesAndProfiles() async throws {
        try await withKefu { app, _ in
            let admin = try await PageSession.signIn(app, "9001")
            #expect(try await admin.get("/workforce/setup").0 == .ok)
            let bad = try await admin.post("/workforce/setup/templates", ["t0_code": "A", "t0_name": "早班", "t0_start": "08:00", "t0_end": "08:00"])
            #expect(bad.0 == .unprocessableEntity)
            let rules = try await admin.post("/workforce/setup/rules", ["maxAverageWeeklyHours": "{"])
            #expect(rules.0 == .unprocessableEntity)
            let hours = try await admin.post("/workforce/setup/profiles", ["workId": "1001", "weeklyHours": "48"])
            #expect(hours.0 == .unprocessableEntity && hours.1.contains("40"))
            let ok = try await admin.post("/workforce/setup/profiles", ["workId": "1001", "weeklyHours": "32", "nightAllowed": "on", "unavailable": "2026-12-24"])
            #expect(ok.0 == .seeOther)
            let agents = try await RosterService(company: try await WorkforceCompany.named(nil, on: app.db), timeZone: app.kefu.settings.timeZone).agents()
            #expect(agents.first { $0.workId == "1001" }?.unavailable == [LocalDay(year: 2026, month: 12, day: 24)])
        }
    }
}
