import Foundation
import Testing
import VaporTesting
import Fluent
import SQLKit
import KefuCore
@testable import KefuServer

/// The default branch MAIN's voice menu, as the switch would load it (single-company tests).
func mainIVR(_ app: Application) async throws -> IVRMenu {
    let tenant = TenantData.system(app.db)
    return try await IVRService.current(branch: try await tenant.branch(code: "MAIN"), tenant: tenant)
}

/// R11.2 on the live floor: each company's switch token, events, wallboard, IVR and agent
/// desk are its own; the dialled hotline picks the branch (R11.1).
@Suite("Live floor per company")
struct LiveTenancyTests {
    /// Company ZJ (浙江移动) with branches HZ (杭州, 0571-1000) and NB (宁波, 0574-2000), its
    /// shift lead 7301, agent 7101 and admin 7201.
    static func addZJ(_ app: Application) async throws -> TenantFixture.Placed {
        try await TenantFixture.addCompany(app, code: "ZJ", name: "浙江移动", branches: [
            (code: "HZ", name: "杭州", hotline: "0571-1000"), (code: "NB", name: "宁波", hotline: "0574-2000"),
        ], users: [(workId: "7301", role: "shift_lead", department: nil), (workId: "7101", role: "agent", department: nil),
                   (workId: "7201", role: "admin", department: nil)])
    }

    func enqueued(_ id: String, call: String, queue: String = "inbound", at: Date, dialled: String? = nil) -> [String: Any] {
        var e: [String: Any] = ["id": id, "type": "enqueued", "at": iso(at), "callId": call, "queue": queue, "caller": "13800138000"]
        if let dialled { e["to"] = dialled }
        return e
    }

    @Test func theDialledNumberIsReadUnderItsThreeNames() throws {
        let body = #"[{"id":"a","type":"enqueued","at":"2026-11-23T10:00:00+08:00","callId":"c","queue":"q","dialled":"1"},"#
            + #"{"id":"b","type":"enqueued","at":"2026-11-23T10:00:00+08:00","callId":"c","queue":"q","hotline":"2"},"#
            + #"{"id":"c","type":"enqueued","at":"2026-11-23T10:00:00+08:00","callId":"c","queue":"q","to":"3"},"#
            + #"{"id":"d","type":"enqueued","at":"2026-11-23T10:00:00+08:00","callId":"c","queue":"q","to":" "}]"#
        let events = CTIEvent.decodeBatch(Data(body.utf8)).compactMap(\.event)
        #expect(events.map(\.dialled) == ["1", "2", "3", nil])
        let json = String(decoding: try JSONEncoder().encode(events[1]), as: UTF8.self)
        #expect(json.contains(#""dialled":"2""#))
    }

    @Test func eachCompanysEventsStayOnItsOwnFloor() async throws {
        try await withKefu { app, u in
            let zj = try await Self.addZJ(app)
            let hq = try await TenantFixture.defaultCompanyID(app)
            let now = app.kefu.clock.now()
            let tokenA = try await CTIToken.add(name: "pbx-hq", company: hq, on: app.db, now: now)
            let tokenB = try await CTIToken.add(name: "pbx-zj", company: zj.companyID, on: app.db, now: now)

            let b = try await switchPost(app, "/cti/events", token: tokenB, json: [
                enqueued("e1", call: "zc1", queue: "zjqueue", at: now), enqueued("e2", call: "zc2", queue: "zjqueue", at: now),
            ])
            #expect(b["accepted"] as? Int == 2)
            // The same event id from another company's switch is that company's own event.
            let a = try await switchPost(app, "/cti/events", token: tokenA, json: [enqueued("e1", call: "hc1", at: now)])
            let result = (a["results"] as? [[String: Any]])?.first
            #expect(result?["status"] as? String == "accepted")
            // Within one company it is a repeat.
            let again = try await switchPost(app, "/cti/events", token: tokenB, json: [enqueued("e1", call: "zc1", queue: "zjqueue", at: now)])
            #expect((again["results"] as? [[String: Any]])?.first?["status"] as? String == "duplicate")

            let liveA = try await api(app, .GET, "/live", token: u.shiftLead)
            #expect(liveA.status == .ok)
            #expect(liveA["waiting"] as? Int == 1)
            #expect(liveA.string("companyCode") == "HQ")
            #expect(!((liveA["queues"] as? [[String: Any]]) ?? []).contains { $0["queue"] as? String == "zjqueue" })
            let liveB = try await api(app, .GET, "/live", token: try zj.token("7301"))
            #expect(liveB["waiting"] as? Int == 2)
            #expect(liveB.string("companyCode") == "ZJ")
            // Another company's floor does not exist for A's lead.
            #expect(try await api(app, .GET, "/live?company=ZJ", token: u.shiftLead).status == .notFound)

            let pageA = try await PageSession.signIn(app, "3001").get("/wallboard")
            #expect(pageA.0 == .ok)
            #expect(!pageA.1.contains("zjqueue"))
            #expect(try await PageSession.signIn(app, "3001").get("/wallboard?company=ZJ").0 == .notFound)
            let pageB = try await PageSession.signIn(app, "7301").get("/wallboard")
            #expect(pageB.1.contains("zjqueue"))
            #expect(pageB.1.contains("浙江移动"))
        }
    }

    @Test func aLeadOfSeveralCompaniesGetsEachFloorSideBySide() async throws {
        try await withKefu { app, u in
            let zj = try await Self.addZJ(app)
            try await TenantFixture.grant(app, workId: "3001", companyCode: "ZJ")
            let now = app.kefu.clock.now()
            let tokenB = try await CTIToken.add(name: "pbx-zj", company: zj.companyID, on: app.db, now: now)
            _ = try await switchPost(app, "/cti/events", token: tokenB, json: [enqueued("e1", call: "zc1", at: now)])
            let live = try await api(app, .GET, "/live", token: u.shiftLead)
            #expect(live.string("companyCode") == "HQ")
            #expect(live["waiting"] as? Int == 0)
            let sections = (live["companies"] as? [[String: Any]]) ?? []
            #expect(sections.map { $0["companyCode"] as? String } == ["HQ", "ZJ"])
            #expect(sections.last?["waiting"] as? Int == 1)
            let named = try await api(app, .GET, "/live?company=ZJ", token: u.shiftLead)
            #expect(named["waiting"] as? Int == 1)
            #expect(named["companies"] == nil)
            // With several companies, a token needs its company named.
            await #expect(throws: KefuError.self) { try await CTIToken.add(name: "x", on: app.db, now: now) }
        }
    }

    @Test func theDialledHotlinePicksTheBranch() async throws {
        try await withKefu { app, _ in
            let zj = try await Self.addZJ(app)
            let now = app.kefu.clock.now()
            let token = try await CTIToken.add(name: "pbx-zj", company: zj.companyID, on: app.db, now: now)
            // Zammad's `to`, spelled without the dash.
            #expect(try await switchPost(app, "/cti/\(token)", token: nil, form: [
                "event": "newCall", "from": "13800138000", "to": "05742000", "direction": "in", "callId": "z1",
            ]).status == .ok)
            #expect(try await switchPost(app, "/cti/\(token)", token: nil, form: ["event": "answer", "direction": "in", "callId": "z1", "user": "7101"]).status == .ok)
            // The canonical event's `hotline`, and one with no dialled number at all.
            var hotline = enqueued("c2", call: "k2", at: now)
            hotline["hotline"] = "0574-2000"
            _ = try await switchPost(app, "/cti/events", token: token, json: [hotline, enqueued("c3", call: "k3", at: now)])

            struct Row: Decodable { var call_id: String?; var branch_id: UUID? }
            let rows = try await (app.db as! any SQLDatabase).select().column("call_id").column("branch_id").from("cti_events")
                .where("company_id", .equal, SQLBind(zj.companyID)).all(decoding: Row.self)
            let nb = try zj.branchID("NB"), hz = try zj.branchID("HZ")
            #expect(rows.filter { $0.call_id == "z1" }.count == 2)
            #expect(rows.filter { $0.call_id == "z1" }.allSatisfy { $0.branch_id == nb })   // the answer follows the call
            #expect(rows.first { $0.call_id == "k2" }?.branch_id == nb)
            #expect(rows.first { $0.call_id == "k3" }?.branch_id == hz)                     // unknown: the first branch

            // A branch's board: its own calls (z1 answered, k2 waiting at NB; k3 at HZ).
            let lead = try zj.token("7301")
            let nbLive = try await api(app, .GET, "/live?branch=NB", token: lead)
            #expect(nbLive["waiting"] as? Int == 1)
            #expect(nbLive.string("branchCode") == "NB")
            #expect(try await api(app, .GET, "/live?branch=HZ", token: lead)["waiting"] as? Int == 1)
            #expect(try await api(app, .GET, "/live", token: lead)["waiting"] as? Int == 2)
            // The branch view keeps up with new events.
            _ = try await switchPost(app, "/cti/events", token: token, json: [enqueued("c4", call: "k4", at: now, dialled: "0574 2000")])
            #expect(try await api(app, .GET, "/live?branch=NB", token: lead)["waiting"] as? Int == 2)
            let page = try await PageSession.signIn(app, "7301").get("/wallboard?branch=NB")
            #expect(page.0 == .ok && page.1.contains("宁波"))
            #expect(try await api(app, .GET, "/live?branch=NB", token: try await TestUsers.login(app, "3001")).status == .notFound)
        }
    }

    @Test func eachBranchServesItsOwnMenuWithItsWelcome() async throws {
        try await withKefu { app, u in
            let zj = try await Self.addZJ(app)
            let admin = try zj.token("7201")
            let nb = try await api(app, .GET, "/ivr?branch=NB", token: admin)
            #expect(nb.status == .ok)
            #expect(nb.string("welcome") == "欢迎致电浙江移动宁波客服热线0574-2000")
            #expect(nb.string("branchCode") == "NB")
            #expect(nb.string("hotline") == "0574-2000")
            // Without a branch: the caller's own (ZJ's people sit in HZ).
            #expect(try await api(app, .GET, "/ivr", token: admin).string("welcome") == "欢迎致电浙江移动杭州客服热线0571-1000")
            // Another company's branch does not exist for HQ's admin; nor does a made-up one.
            #expect(try await api(app, .GET, "/ivr?branch=NB", token: u.admin).status == .notFound)
            #expect(try await api(app, .GET, "/ivr?branch=NOPE", token: admin).status == .notFound)
            #expect(try await api(app, .GET, "/ivr?branch=MAIN", token: u.admin).string("branchCode") == "MAIN")

            // Versions are per branch: saving NB's menu leaves HZ's at the standard one.
            let page = try await PageSession.signIn(app, "7201")
            #expect(try await page.get("/admin/ivr?branch=NB").1.contains("宁波"))
            let form: [String: String] = [
                "branch": "NB", "hotline": "0574-2000", "welcome": "欢迎致电{company}{branch}客服热线{hotline}，{workId}号为您服务",
                "waitOfferSeconds": "40", "waitOfferPrompt": "继续等待请按1", "voicemailPrompt": "请留言", "root": "main",
                "menu0_id": "main", "menu0_prompt": "人工请按0", "menu0_opt0_key": "0", "menu0_opt0_label": "人工",
                "menu0_opt0_target": "queue:inbound",
            ]
            #expect(try await page.post("/admin/ivr", form).0 == .seeOther)
            let saved = try await api(app, .GET, "/ivr?branch=NB", token: admin)
            #expect(saved["version"] as? Int == 2)
            #expect(saved.string("welcome") == "欢迎致电浙江移动宁波客服热线0574-2000，{workId}号为您服务")
            #expect(try await api(app, .GET, "/ivr?branch=HZ", token: admin)["version"] as? Int == 1)
            #expect(try await api(app, .GET, "/ivr", token: u.admin)["version"] as? Int == 1)
        }
    }

    @Test func theDeskShowsWhoseCallItIsAndOnlyItsOwnCompanies() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let zj = try await Self.addZJ(app)
            try await TenantFixture.grant(app, workId: "1002", companyCode: "ZJ")
            let token = try await CTIToken.add(name: "pbx-zj", company: zj.companyID, on: app.db, now: clock.now())
            let outsourced = try await PageSession.signIn(app, "1002")
            #expect(try await outsourced.post("/workspace/seat", ["action": "login"]).0 == .seeOther)
            let own = try await PageSession.signIn(app, "1001")
            #expect(try await own.post("/workspace/seat", ["action": "login"]).0 == .seeOther)
            // One seat, signed in for both of 1002's companies; 1001 only for HQ.
            let hqLive = try await api(app, .GET, "/live", token: u.shiftLead)
            #expect((hqLive["agentsByState"] as? [String: Int])?["Available"] == 2)
            let zjLive = try await api(app, .GET, "/live", token: try zj.token("7301"))
            #expect((zjLive["agentsByState"] as? [String: Int])?["Available"] == 1)

            clock.advance(by: 1)
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                enqueued("o1", call: "zc1", at: clock.now(), dialled: "0574-2000"),
                ["id": "o2", "type": "offered", "at": iso(clock.now()), "callId": "zc1", "agentWorkId": "1002"],
            ])
            let desk = try await outsourced.get("/workspace")
            #expect(desk.1.contains(#"id="call-company""#))
            #expect(desk.1.contains("浙江移动 · 宁波"))
            #expect(desk.1.contains("欢迎致电浙江移动宁波客服热线0574-2000"))
            #expect(desk.1.contains("answer-call"))
            #expect(try await outsourced.post("/workspace/call", ["action": "answer", "callId": "zc1"]).0 == .seeOther)
            let zjState = try await app.live.state(company: zj.companyID, on: app.db, now: clock.now())
            #expect(zjState.agent("1002")?.state == .onContact)
            // HQ's own agent never sees ZJ's calls or name.
            let hqDesk = try await own.get("/workspace")
            #expect(!hqDesk.1.contains("浙江移动"))
            #expect(!hqDesk.1.contains("call-company"))
        }
    }

    @Test func aVoicemailBecomesAnOrderOfTheCallsCompanyAndBranch() async throws {
        try await withKefu { app, u in
            let zj = try await Self.addZJ(app)
            let hq = try await TenantFixture.defaultCompanyID(app)
            let admin = UserAdmin(db: app.db, now: app.kefu.clock.now())
            _ = try await admin.add(.init(workId: "4201", name: "申告", role: "complaint_handler", password: "secret123", department: nil,
                                          company: "HQ", branch: "MAIN"),
                                    hasher: app.password.sync, history: nil)
            _ = try await admin.add(.init(workId: "7401", name: "浙江申告", role: "complaint_handler", password: "secret123", department: nil,
                                          company: "ZJ", branch: "HZ"), hasher: app.password.sync, history: nil)
            let now = app.kefu.clock.now()
            let tokenA = try await CTIToken.add(name: "pbx-hq", company: hq, on: app.db, now: now)
            let tokenB = try await CTIToken.add(name: "pbx-zj", company: zj.companyID, on: app.db, now: now)
            func voicemail(_ dialled: String?) -> [[String: Any]] {
                var e: [String: Any] = ["id": "v1", "type": "voicemail", "at": iso(now), "callId": "m1", "caller": "13700137000"]
                if let dialled { e["dialled"] = dialled }
                return [e]
            }
            // The same event id in both companies: each makes its own order (the keys do not collide).
            #expect(try await switchPost(app, "/cti/events", token: tokenB, json: voicemail("0574-2000"))["accepted"] as? Int == 1)
            #expect(try await switchPost(app, "/cti/events", token: tokenA, json: voicemail(nil))["accepted"] as? Int == 1)
            let orders = try await TenantData.system(app.db).query(WorkOrder.self).filter(\.$channel == "voicemail").all()
            #expect(orders.count == 2)
            let zjOrder = try #require(orders.first { $0.companyID == zj.companyID })
            #expect(zjOrder.branchID == (try zj.branchID("NB")))
            #expect(zjOrder.ownerWorkId == "7401")
            #expect(orders.first { $0.companyID == hq }?.ownerWorkId == "4201")
            // A's people never see B's order.
            #expect(try await api(app, .GET, "/work-orders/\(try zjOrder.requireID())", token: u.admin).status == .notFound)
        }
    }

    @Test func theShiftBoardAndPolicyAreTheCompanysOwn() async throws {
        try await withKefu { app, _ in
            _ = try await Self.addZJ(app)
            let zjLead = try await PageSession.signIn(app, "7301")
            #expect(try await zjLead.get("/shift").0 == .ok)
            #expect(try await zjLead.get("/shift?company=HQ").0 == .notFound)
            // ZJ's lead saves ZJ's groups: HQ's roster is untouched, HQ's agents are not ZJ's people.
            #expect(try await zjLead.post("/wallboard/groups", ["g_inbound": "7101"]).0 == .seeOther)
            #expect(try await zjLead.post("/wallboard/groups", ["g_inbound": "1001"]).0 == .unprocessableEntity)
            let hq = try await TenantFixture.defaultCompanyID(app)
            let zj = try #require(try await Company.query(on: app.db).filter(\.$code == "ZJ").first()?.id)
            #expect(try await EmergencyCoordinator.roster(company: zj, on: app.db)[.inbound] == ["7101"])
            #expect(try await EmergencyCoordinator.roster(company: hq, on: app.db)[.inbound] == nil)
            // The ACD switch too.
            #expect(try await zjLead.post("/wallboard/acd", ["acd": "on"]).0 == .seeOther)
            #expect(try await BuiltInACD.isOn(company: zj, on: app.db))
            #expect(try await !BuiltInACD.isOn(company: hq, on: app.db))
            let zjAdmin = try await PageSession.signIn(app, "7201")
            let page = try await zjAdmin.get("/admin/emergency")
            #expect(page.0 == .ok && page.1.contains("浙江移动"))
        }
    }

    @Test func aScreenOfOneCompanyIsNeverToldAnothersFigures() async throws {
        try await withKefu { app, u in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let zj = try await Self.addZJ(app)
            let hq = try await TenantFixture.defaultCompanyID(app)
            let now = app.kefu.clock.now()
            let tokenA = try await CTIToken.add(name: "pbx-hq", company: hq, on: app.db, now: now)
            let tokenB = try await CTIToken.add(name: "pbx-zj", company: zj.companyID, on: app.db, now: now)
            let boardA = try await WallboardSocket.open(app, token: u.shiftLead)
            let boardB = try await WallboardSocket.open(app, token: try zj.token("7301"))
            #expect(boardA.received[0] == 0 && boardB.received[0] == 0)
            for i in 0..<3 {
                _ = try await switchPost(app, "/cti/events", token: tokenB, json: [enqueued("b\(i)", call: "zb\(i)", at: now)])
            }
            #expect(try await boardB.waitFor { $0.last == 3 })
            _ = try await switchPost(app, "/cti/events", token: tokenA, json: [enqueued("a1", call: "ha1", at: now)])
            #expect(try await boardA.waitFor { $0.last == 1 })
            #expect(boardA.received.allSatisfy { $0 <= 1 })
            try await boardA.close()
            try await boardB.close()
            await app.server.shutdown()
        }
    }
}
