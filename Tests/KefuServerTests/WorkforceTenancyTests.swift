import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Workforce planning per client company (R11.2): traffic history, forecasts, rosters (one per
/// company and month), profiles and swaps of company A do not exist for company B's people.
@Suite("Workforce tenancy")
struct WorkforceTenancyTests {
    /// Company B with a planner, a shift lead and two phone agents.
    func companyB(_ app: Application) async throws -> TenantFixture.Placed {
        try await TenantFixture.addCompany(app, code: "BCO", name: "乙公司", branches: [("B1", "乙一部", "4008000001")],
                                           users: [("7601", "planner", nil), ("7631", "shift_lead", nil),
                                                   ("7611", "agent", nil), ("7612", "agent", nil)])
    }

    /// Traffic in, a forecast and a roster for December, through the planner's own pages.
    func planDecember(_ app: Application, planner: PageSession, token: String, query: String = "") async throws -> String {
        let imported = try await apiRaw(app, .POST, "/workforce/traffic?interval=30\(query.isEmpty ? "" : "&" + query)", token: token,
                                        contentType: .init(type: "text", subType: "csv"), body: workforceHistoryCSV(badLine: false))
        #expect(imported.0 == .ok)
        let suffix = query.isEmpty ? "" : "?" + query
        let created = try await planner.post("/workforce/forecasts\(suffix)", ["month": "2026-12", "interval": "30", "method": "wacc"])
        #expect(created.0 == .seeOther)
        let hub = try await planner.get("/workforce\(suffix)")
        let id = try #require(hub.1.range(of: #"/workforce/forecasts/([0-9A-F-]{36})"#, options: .regularExpression).map { String(hub.1[$0].suffix(36)) })
        #expect(try await planner.post("/workforce/forecasts/\(id)/roster", ["objective": "min-resources"]).0 == .seeOther)
        return id
    }

    @Test func eachCompanyPlansItsOwnMonthAndSeesNothingOfTheOther() async throws {
        try await withKefu { app, u in
            try await addRosterAgents(app)
            let b = try await companyB(app)
            let hqPlanner = try await PageSession.signIn(app, "9001")
            let hqRun = try await planDecember(app, planner: hqPlanner, token: u.admin)
            let bPlanner = try await PageSession.signIn(app, "7601")

            // B has no December roster: A's answers 404 by API and page, even named by code.
            #expect(try await api(app, .GET, "/workforce/rosters/2026-12", token: try b.token("7601")).status == .notFound)
            #expect(try await bPlanner.get("/workforce/rosters/2026-12").0 == .notFound)
            #expect(try await api(app, .GET, "/workforce/rosters/2026-12?company=HQ", token: try b.token("7601")).status == .notFound)
            #expect(try await bPlanner.get("/workforce/forecasts/\(hqRun)").0 == .notFound)
            #expect(try await bPlanner.get("/workforce/forecasts/\(hqRun)/csv").0 == .notFound)
            #expect(try await bPlanner.post("/workforce/forecasts/\(hqRun)/roster", ["objective": "min-resources"]).0 == .notFound)
            let hub = try await bPlanner.get("/workforce")
            #expect(hub.0 == .ok)
            #expect(!hub.1.contains(hqRun) && !hub.1.contains("/workforce/rosters/2026-12"))
            #expect(!hub.1.contains("30 分钟</td>"), "B has no traffic history")
            let setup = try await bPlanner.get("/workforce/setup")
            #expect(setup.1.contains("7611") && !setup.1.contains("测试1001"))
            #expect(try await bPlanner.post("/workforce/setup/profiles", ["workId": "1001", "weeklyHours": "32"]).0 == .unprocessableEntity)
            // Table ③ is last month's actual traffic: A's November calls are not B's.
            let three = try await bPlanner.get("/workforce/tables/3.csv?month=2026-12")
            #expect(three.0 == .ok)
            let offered = three.1.split(whereSeparator: \.isNewline).dropFirst().compactMap { $0.split(separator: ",", omittingEmptySubsequences: false).dropFirst().first }
            #expect(!offered.isEmpty && offered.allSatisfy { $0 == "0" || $0.isEmpty })
            let hqThree = try await hqPlanner.get("/workforce/tables/3.csv?month=2026-12")
            #expect(hqThree.1.contains("2026-11-16,") && !hqThree.1.contains("2026-11-16,0,"))

            // The same month in B: its own roster, naming only B's people.
            _ = try await planDecember(app, planner: bPlanner, token: try b.token("7601"))
            let hqCompany = try await TenantFixture.defaultCompanyID(app)
            let rosters = try await TenantData.system(app.db).query(RosterRecord.self).filter(\.$month == "2026-12").all()
            #expect(Set(rosters.map(\.companyID)) == [hqCompany, b.companyID])
            let bRoster = try await api(app, .GET, "/workforce/rosters/2026-12", token: try b.token("7631"))
            #expect(bRoster.string("companyCode") == "BCO")
            let bPeople = Set((bRoster["assignments"] as? [[String: Any]] ?? []).compactMap { $0["workId"] as? String })
            #expect(!bPeople.isEmpty && bPeople.isSubset(of: ["7611", "7612"]))
            let hqRoster = try await api(app, .GET, "/workforce/rosters/2026-12", token: u.shiftLead)
            #expect(hqRoster.string("companyCode") == "HQ")
            let hqPeople = Set((hqRoster["assignments"] as? [[String: Any]] ?? []).compactMap { $0["workId"] as? String })
            #expect(hqPeople.isDisjoint(with: ["7611", "7612"]))
            #expect(try await TenantData.system(app.db).query(TrafficIntervalRecord.self).filter(\.$companyID == b.companyID).count() == 42 * 48)
            #expect(try await TenantData.system(app.db).query(TrafficIntervalRecord.self).filter(\.$companyID == hqCompany).count() == 42 * 48)

            // A swap in A is not B's: not in B's queue, and B's lead cannot act on it.
            #expect(try await hqPlanner.post("/workforce/rosters/2026-12/publish", [:]).0 == .seeOther)
            let hqAssignments = hqRoster["assignments"] as? [[String: Any]] ?? []
            func days(_ workId: String) -> Set<String> { Set(hqAssignments.filter { $0["workId"] as? String == workId }.compactMap { $0["day"] as? String }) }
            let day = try #require(days("1001").subtracting(days("1002")).sorted().first)
            let asked = try await PageSession.signIn(app, "1001").post("/workforce/swaps", ["day": day, "peer": "1002", "peerDay": ""])
            #expect(asked.0 == .seeOther)
            let swap = try #require(try await TenantData.system(app.db).query(ShiftSwapRecord.self).first())
            #expect(swap.companyID == hqCompany)
            let requested = try await PageSession.signIn(app, "1002")
            #expect(try await requested.get("/workforce/me").1.contains(try swap.requireID().uuidString))
            let bLead = try await PageSession.signIn(app, "7631")
            #expect(try await bLead.get("/workforce/swaps").1.contains(try swap.requireID().uuidString) == false)
            #expect(try await bLead.post("/workforce/swaps/\(try swap.requireID().uuidString)/approve", [:]).0 == .notFound)
            // An A agent cannot ask a B agent to swap: B's people are not on A's roster.
            let foreign = try await PageSession.signIn(app, "1001").post("/workforce/swaps", ["day": day, "peer": "7611", "peerDay": ""])
            #expect(foreign.0 == .unprocessableEntity)
        }
    }

    @Test func aPlannerOfSeveralCompaniesNamesTheOneTheyWriteTo() async throws {
        try await withKefu { app, u in
            let b = try await companyB(app)
            try await TenantFixture.grant(app, workId: "9001", companyCode: "BCO")
            let csv = workforceHistoryCSV(badLine: false)
            let refused = try await apiRaw(app, .POST, "/workforce/traffic", token: u.admin, contentType: .init(type: "text", subType: "csv"), body: csv)
            #expect(refused.0 == .unprocessableEntity)
            #expect((refused.1["reason"] as? String ?? "").contains("请选择公司"))
            #expect(try await apiRaw(app, .POST, "/workforce/traffic?company=NOPE", token: u.admin, contentType: .init(type: "text", subType: "csv"), body: csv).0 == .notFound)
            #expect(try await apiRaw(app, .POST, "/workforce/traffic?company=", token: u.admin, contentType: .init(type: "text", subType: "csv"), body: csv).0 == .badRequest)
            let named = try await apiRaw(app, .POST, "/workforce/traffic?company=BCO", token: u.admin, contentType: .init(type: "text", subType: "csv"), body: csv)
            #expect(named.0 == .ok && named.1["companyCode"] as? String == "BCO")
            #expect(try await TenantData.system(app.db).query(TrafficIntervalRecord.self).filter(\.$companyID == b.companyID).count() == 42 * 48)
            #expect(try await TenantData.system(app.db).query(TrafficIntervalRecord.self).filter(\.$companyID != b.companyID).count() == 0)

            // Pages: the hub reads the home company until B is picked; B's select is shown.
            let planner = try await PageSession.signIn(app, "9001")
            let home = try await planner.get("/workforce")
            #expect(home.0 == .ok && home.1.contains("id=\"company-pick\"") && !home.1.contains("2016</td>"))
            let picked = try await planner.get("/workforce?company=BCO")
            #expect(picked.1.contains("乙公司") && picked.1.contains("action=\"/workforce/forecasts?company=BCO\""))
            #expect(try await planner.post("/workforce/forecasts", ["month": "2026-12", "interval": "30", "method": "wacc"]).0 == .unprocessableEntity)
            #expect(try await planner.post("/workforce/forecasts?company=BCO", ["month": "2026-12", "interval": "30", "method": "wacc"]).0 == .seeOther)
            let run = try #require(try await TenantData.system(app.db).query(ForecastRun.self).first())
            #expect(run.companyID == b.companyID)

            // A granted agent is on the company's roster list; the company's other people are not.
            try await TenantFixture.grant(app, workId: "1002", companyCode: "BCO")
            let bCompany = try await WorkforceCompany.named("BCO", on: app.db)
            let agents = try await RosterService(company: bCompany, timeZone: app.kefu.settings.timeZone).agents().map(\.workId)
            #expect(agents == ["1002", "7611", "7612"])
            // Saving that person's profile in B keeps it in B.
            #expect(try await planner.post("/workforce/setup/profiles?company=BCO", ["workId": "1002", "weeklyHours": "30"]).0 == .seeOther)
            let profile = try #require(try await TenantData.system(app.db).query(WorkforceProfile.self).filter(\.$workId == "1002").first())
            #expect(profile.companyID == b.companyID)
            #expect(try await planner.get("/workforce/setup?company=BCO").1.contains(#"form="pf-1002" name="weeklyHours" value="30""#))
            #expect(try await planner.get("/workforce/setup").1.contains(#"form="pf-1002" name="weeklyHours" value="40""#))
        }
    }

    @Test func theCLIAndDemoNameTheirCompany() async throws {
        try await withKefu { app, _ in
            #expect(try await WorkforceCompany.named(nil, on: app.db).code == "HQ")
            _ = try await companyB(app)
            await #expect(throws: KefuError.self) { try await WorkforceCompany.named(nil, on: app.db) }
            #expect(try await WorkforceCompany.named("BCO", on: app.db).code == "BCO")
            await #expect(throws: KefuError.self) { try await WorkforceCompany.named("NOPE", on: app.db) }
        }
    }
}
