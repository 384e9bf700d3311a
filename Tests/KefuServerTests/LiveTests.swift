import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Sends a raw body to the API with a switch token.
func switchPost(_ app: Application, _ path: String, token: String?, json: Any? = nil, form: [String: String]? = nil) async throws -> JSONResponse {
    var result = JSONResponse(status: .internalServerError, json: [:])
    try await app.testing().test(.POST, "/api/v1" + path, beforeRequest: { req in
        if let token { req.headers.bearerAuthorization = .init(token: token) }
        if let json {
            req.headers.contentType = .json
            req.body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        }
        if let form { try req.content.encode(form, as: .urlEncodedForm) }
    }, afterResponse: { res in
        let obj = (try? JSONSerialization.jsonObject(with: Data(buffer: res.body))) as? [String: Any] ?? [:]
        result = JSONResponse(status: res.status, json: obj)
    })
    return result
}

@Suite("Live operations")
struct LiveTests {
    func ev(_ id: String, _ type: String, _ at: Date, call: String? = nil, queue: String? = nil, agent: String? = nil, reason: String? = nil) -> [String: Any] {
        var e: [String: Any] = ["id": id, "type": type, "at": iso(at)]
        if let call { e["callId"] = call }
        if let queue { e["queue"] = queue }
        if let agent { e["agentWorkId"] = agent }
        if let reason { e["reason"] = reason }
        return e
    }

    @Test func ctiEventsAreAnsweredOneByOneAndDriveTheLiveFigures() async throws {
        try await withKefu { app, u in
            let token = try await CTIToken.add(name: "asterisk-1", on: app.db, now: app.kefu.clock.now())
            let t0 = app.kefu.clock.now().addingTimeInterval(-120)
            let batch: [[String: Any]] = [
                ev("e1", "logged_in", t0, agent: "1001"), ev("e2", "ready", t0, agent: "1001"),
                ev("e3", "enqueued", t0.addingTimeInterval(10), call: "c1", queue: "inbound"),
                ev("e4", "enqueued", t0.addingTimeInterval(20), call: "c2", queue: "inbound"),
                ev("e5", "answered", t0.addingTimeInterval(25), call: "c1", agent: "1001"),
                ["id": "bad1", "type": "teleport", "at": iso(t0)],
                ["id": "bad2", "type": "enqueued", "at": "2026-11-23 09:00"],
                ["type": "ready"],
            ]
            let r = try await switchPost(app, "/cti/events", token: token, json: batch)
            #expect(r.status == .ok)
            #expect(r["accepted"] as? Int == 5)
            #expect(r["rejected"] as? Int == 3)
            let results = try #require(r["results"] as? [[String: Any]])
            #expect(results.count == 8)
            #expect(results[5]["code"] as? String == "unknown_type")
            #expect((results[6]["reason"] as? String)?.isEmpty == false)

            // A resend is harmless; an out-of-order older event still lands in place.
            let again = try await switchPost(app, "/cti/events", token: token, json: [ev("e3", "enqueued", t0.addingTimeInterval(10), call: "c1", queue: "inbound"),
                                                                               ev("e0", "enqueued", t0.addingTimeInterval(5), call: "c0", queue: "vip")])
            #expect((again["results"] as? [[String: Any]])?.first?["status"] as? String == "duplicate")

            let live = try await api(app, .GET, "/live", token: u.shiftLead)
            #expect(live.status == .ok)
            #expect(live["waiting"] as? Int == 2)
            #expect((live["longestWaitSeconds"] as? Int ?? 0) >= 100)
            #expect((live["agentsByState"] as? [String: Int])?["OnContact"] == 1)
            #expect(live["answeredToday"] as? Int == 1)
            #expect(live.json.keys.contains("serviceLevel"))
            let emergency = try #require(live["emergency"] as? [String: Any])
            #expect(emergency["stage"] as? Int == 0)
            #expect(emergency.keys.contains("recommendation"))

            // No token, a wrong token, a person's token: refused. Agents may not read the floor.
            #expect(try await switchPost(app, "/cti/events", token: nil, json: []).status == .unauthorized)
            #expect(try await switchPost(app, "/cti/events", token: "cti_nope", json: []).status == .unauthorized)
            #expect(try await switchPost(app, "/cti/events", token: u.agent, json: []).status == .unauthorized)
            #expect(try await api(app, .GET, "/live", token: u.agent).status == .forbidden)

            // Another process (or a restart) rebuilds the same figures from the stored events.
            let other = try await sibling(of: app, clock: app.kefu.clock)
            let rebuilt = try await api(other, .GET, "/live", token: u.shiftLead)
            #expect(rebuilt["waiting"] as? Int == 2)
            #expect(rebuilt["answeredToday"] as? Int == 1)
            try await other.asyncShutdown()
        }
    }

    @Test func zammadPushIsUnderstood() async throws {
        try await withKefu { app, u in
            let token = try await CTIToken.add(name: "zammad-pbx", on: app.db, now: app.kefu.clock.now())
            #expect(try await switchPost(app, "/cti/\(token)", token: nil, form: ["event": "newCall", "from": "13800138000", "to": "10086", "direction": "in", "callId": "z1"]).status == .ok)
            #expect(try await api(app, .GET, "/live", token: u.shiftLead)["waiting"] as? Int == 1)
            #expect(try await switchPost(app, "/cti/\(token)", token: nil, form: ["event": "answer", "direction": "in", "callId": "z1", "user": "1001"]).status == .ok)
            #expect(try await switchPost(app, "/cti/\(token)", token: nil, form: ["event": "hangup", "direction": "in", "callId": "z1", "cause": "normalClearing"]).status == .ok)
            let live = try await api(app, .GET, "/live", token: u.shiftLead)
            #expect(live["waiting"] as? Int == 0)
            #expect(live["answeredToday"] as? Int == 1)
            #expect(try await switchPost(app, "/cti/\(token)", token: nil, form: ["event": "explode", "callId": "z2"]).status == .unprocessableEntity)
            #expect(try await switchPost(app, "/cti/cti_wrong", token: nil, form: ["event": "newCall", "callId": "z3"]).status == .unauthorized)
        }
    }

    @Test func aLongQueueRaisesTheFirstStageAndTheLeadAppliesIt() async throws {
        try await withKefu(simulated: true) { app, u in
            // The simulated clock starts at the real time: without this the night ladder takes
            // over when the test runs shortly before 22:00 in Shanghai and no day step is raised.
            var policy = EmergencyPolicy.seedDefault
            policy.nightMode.enabled = false
            try await AppSettings.set(EmergencyCoordinator.policyKey, String(decoding: try JSONEncoder().encode(policy), as: UTF8.self), on: app.db)
            let token = try await CTIToken.add(name: "sim", on: app.db, now: app.kefu.clock.now())
            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.post("/wallboard/groups", ["g_floating_experts": "1002", "g_inbound": "1001"]).0 == .seeOther)
            #expect(try await lead.post("/wallboard/groups", ["g_qc": "9999"]).0 == .unprocessableEntity)
            let now = app.kefu.clock.now()
            let calls = (1...8).map { ev("q\($0)", "enqueued", now.addingTimeInterval(Double($0)), call: "call\($0)", queue: "inbound") }
            #expect(try await switchPost(app, "/cti/events", token: token, json: calls)["accepted"] as? Int == 8)
            _ = try await EmergencyCoordinator(app: app, db: app.db, company: try await TenantFixture.defaultCompanyID(app)).tick(now: app.kefu.clock.now().addingTimeInterval(10))
            #expect(try await api(app, .POST, "/clock/advance", token: u.admin, body: ["seconds": 360]).status == .ok)

            let live = try await api(app, .GET, "/live", token: u.shiftLead)
            let emergency = try #require(live["emergency"] as? [String: Any])
            let reason = try #require(emergency["recommendation"] as? String)
            #expect(reason.contains("流动专家组"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "emergency.recommended").count() == 1)

            let page = try await lead.get("/wallboard")
            #expect(page.0 == .ok)
            #expect(page.1.contains("apply-form"))
            let id = try #require(emergency["recommendationId"] as? String)
            #expect(try await lead.post("/wallboard/emergency/apply", ["id": "stale"]).0 == .conflict)
            #expect(try await lead.post("/wallboard/emergency/apply", ["id": id]).0 == .seeOther)
            let after = try await api(app, .GET, "/live", token: u.shiftLead)
            #expect((after["emergency"] as? [String: Any])?["stage"] as? Int == 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "emergency.applied").count() == 1)
            // The floating expert is told to sign in.
            #expect(try await KefuNotification.query(on: app.db).filter(\.$recipientWorkId == "1002").count() == 1)
            #expect(try await lead.get("/wallboard?big=1").0 == .ok)
        }
    }
}

@Suite("Agent desk")
struct AgentDeskTests {
    @Test func seatButtonsAndScreenPop() async throws {
        try await withKefu { app, u in
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/workspace").1.contains("seat-login"))
            #expect(try await agent.post("/workspace/seat", ["action": "login"]).0 == .seeOther)
            var live = try await api(app, .GET, "/live", token: u.shiftLead)
            #expect((live["agentsByState"] as? [String: Int])?["Available"] == 1)
            #expect(try await agent.post("/workspace/seat", ["action": "not_ready", "reason": "用餐"]).0 == .seeOther)
            live = try await api(app, .GET, "/live", token: u.shiftLead)
            #expect((live["agentsByState"] as? [String: Int])?["NotReady"] == 1)
            #expect(try await agent.post("/workspace/seat", ["action": "ready"]).0 == .seeOther)

            // A known customer calls and the agent answers: the workspace shows who it is.
            let order = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(phone: "13900139000"))
            #expect(order.status == .created)
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: app.kefu.clock.now())
            let t = app.kefu.clock.now()
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "a1", "type": "enqueued", "at": iso(t), "callId": "k1", "queue": "inbound", "caller": "13900139000"],
                ["id": "a2", "type": "answered", "at": iso(t.addingTimeInterval(3)), "callId": "k1", "agentWorkId": "1001"],
            ])
            let page = try await agent.get("/workspace")
            #expect(page.1.contains("screen-pop"))
            #expect(page.1.contains("王建国"))
            #expect(page.1.contains(try #require(order.string("number"))))
            #expect(page.1.contains("很高兴为您服务"))
            #expect(try await CustomerAccessLog.query(on: app.db).filter(\.$channel == "screen_pop").count() == 1)
            #expect(try await agent.post("/workspace/seat", ["action": "not_ready", "reason": "打游戏"]).1.isEmpty == true)
        }
    }
}

@Suite("Voicemail")
struct VoicemailTests {
    @Test func aVoicemailBecomesAnOrderForTheComplaintHandler() async throws {
        try await withKefu { app, _ in
            _ = try await UserAdmin(db: app.db, now: app.kefu.clock.now()).add(
                .init(workId: "4201", name: "申告", role: "complaint_handler", password: "secret123", department: nil),
                hasher: app.password.sync, history: nil)
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: app.kefu.clock.now())
            let t = app.kefu.clock.now()
            let r = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "v1", "type": "enqueued", "at": iso(t), "callId": "m1", "queue": "inbound", "caller": "13700137000"],
                ["id": "v2", "type": "voicemail", "at": iso(t.addingTimeInterval(45)), "callId": "m1", "caller": "13700137000"],
            ])
            #expect(r["accepted"] as? Int == 2)
            let order = try #require(try await WorkOrder.query(on: app.db).filter(\.$channel == "voicemail").first())
            #expect(order.ownerWorkId == "4201")
            #expect(order.subject.contains("13700137000"))
            // The same push again creates nothing new.
            _ = try await switchPost(app, "/cti/events", token: token, json: [["id": "v2", "type": "voicemail", "at": iso(t.addingTimeInterval(45)), "callId": "m1", "caller": "13700137000"]])
            #expect(try await WorkOrder.query(on: app.db).filter(\.$channel == "voicemail").count() == 1)
        }
    }
}

@Suite("Built-in ACD")
struct BuiltInACDTests {
    @Test func kefuOffersWaitingCallsAndMovesOnAfterTheRingTimeout() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            _ = try await UserAdmin(db: app.db, now: clock.now()).add(
                .init(workId: "1101", name: "VIP", role: "vip_agent", password: "secret123", department: nil), hasher: app.password.sync, history: nil)
            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.post("/wallboard/groups", ["g_inbound": "1001 1002", "g_vip": "1101"]).0 == .seeOther)
            #expect(try await lead.post("/wallboard/acd", ["acd": "on"]).0 == .seeOther)
            var agents: [String: PageSession] = [:]
            for id in ["1001", "1002", "1101"] {
                let s = try await PageSession.signIn(app, id)
                #expect(try await s.post("/workspace/seat", ["action": "login"]).0 == .seeOther)
                agents[id] = s
                clock.advance(by: 1)   // 1001 has been idle longest
            }
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "n1", "type": "enqueued", "at": iso(clock.now()), "callId": "plain", "queue": "inbound", "caller": "13800138000"],
                ["id": "n2", "type": "enqueued", "at": iso(clock.now()), "callId": "vipcall", "queue": "vip", "caller": "13900139000"],
            ])
            var live = try await app.live.state(company: try await TenantFixture.defaultCompanyID(app), on: app.db, now: clock.now())
            #expect(live.agent("1101")?.callId == "vipcall")   // VIP caller to the VIP agent
            #expect(live.agent("1001")?.callId == "plain")     // the other to the longest idle
            #expect(live.agent("1001")?.state == .reserved)

            // 1001 lets it ring: after the ring timeout the call moves on to 1002.
            clock.advance(by: 11)
            try await BuiltInACD.dispatch(app, db: app.db, now: clock.now())
            live = try await app.live.state(company: try await TenantFixture.defaultCompanyID(app), on: app.db, now: clock.now())
            #expect(live.agent("1002")?.callId == "plain")
            // 1002 answers and ends the call from the workspace.
            let page = try await agents["1002"]!.get("/workspace")
            #expect(page.1.contains("answer-call"))
            #expect(try await agents["1002"]!.post("/workspace/call", ["action": "answer", "callId": "plain"]).0 == .seeOther)
            #expect(try await agents["1002"]!.post("/workspace/call", ["action": "hold", "callId": "plain"]).0 == .seeOther)
            #expect(try await agents["1002"]!.post("/workspace/call", ["action": "complete", "callId": "plain"]).0 == .seeOther)
            live = try await app.live.state(company: try await TenantFixture.defaultCompanyID(app), on: app.db, now: clock.now())
            #expect(live.agent("1002")?.callId == nil)
            #expect(live.agent("1001")?.state == .notReady(reason: "振铃未接"))
            #expect(live.todayTotals(at: clock.now()).answered == 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "live.acd").count() == 1)
            _ = u
        }
    }

    @Test func aVIPCustomerCallingOnAnyQueueReachesTheVIPAgentFirst() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            _ = try await UserAdmin(db: app.db, now: clock.now()).add(
                .init(workId: "1101", name: "VIP", role: "vip_agent", password: "secret123", department: nil), hasher: app.password.sync, history: nil)
            // The archive knows the caller as VIP (second number); the switch does not.
            let vip = try await api(app, .POST, "/customers", token: u.admin, body: ["name": "王总", "phone": "13900000001", "phone2": "021-55550000", "tier": "vip"])
            #expect(vip.status == .created, "\(vip.json)")
            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.post("/wallboard/groups", ["g_inbound": "1001", "g_vip": "1101"]).0 == .seeOther)
            #expect(try await lead.post("/wallboard/acd", ["acd": "on"]).0 == .seeOther)
            for id in ["1001", "1101"] {
                #expect(try await PageSession.signIn(app, id).post("/workspace/seat", ["action": "login"]).0 == .seeOther)
                clock.advance(by: 1)   // 1001 has been idle longest
            }
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "a1", "type": "enqueued", "at": iso(clock.now()), "callId": "boss", "queue": "inbound", "caller": "+86 21 5555 0000"],
            ])
            let live = try await app.live.state(company: try await TenantFixture.defaultCompanyID(app), on: app.db, now: clock.now())
            #expect(live.agent("1101")?.callId == "boss")
            #expect(live.agent("1001")?.callId == nil)
        }
    }

    @Test func agentsChooseTheirOwnGroupsButNotTheVIPGroup() async throws {
        try await withKefu { app, _ in
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/workspace").1.contains("groups-form"))
            #expect(try await agent.post("/workspace/groups", ["g_inbound": "on", "g_outbound": "on", "g_vip": "on"]).0 == .seeOther)
            var roster = try await EmergencyCoordinator.roster(company: try await TenantFixture.defaultCompanyID(app), on: app.db)
            #expect(roster[.inbound] == ["1001"] && roster[.outbound] == ["1001"])
            #expect(roster[.vip] == nil)
            #expect(try await agent.post("/workspace/groups", ["g_inbound": "on"]).0 == .seeOther)
            roster = try await EmergencyCoordinator.roster(company: try await TenantFixture.defaultCompanyID(app), on: app.db)
            #expect(roster[.inbound] == ["1001"] && roster[.outbound] == nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "live.groups_chosen").count() == 2)
        }
    }

    @Test func aCallerWhoAsksForANamedAgentGetsThemWhenFree() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, _ in
            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.post("/wallboard/groups", ["g_inbound": "1001 1002"]).0 == .seeOther)
            #expect(try await lead.post("/wallboard/acd", ["acd": "on"]).0 == .seeOther)
            for id in ["1001", "1002"] {
                #expect(try await PageSession.signIn(app, id).post("/workspace/seat", ["action": "login"]).0 == .seeOther)
                clock.advance(by: 1)   // 1001 has been idle longest
            }
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            // R1.6: the caller asks for 1002 although 1001 has waited longer.
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "r1", "type": "enqueued", "at": iso(clock.now()), "callId": "named", "queue": "inbound", "caller": "13800138000", "agentWorkId": "1002"],
            ])
            var live = try await app.live.state(company: try await TenantFixture.defaultCompanyID(app), on: app.db, now: clock.now())
            #expect(live.call("named")?.requestedWorkId == "1002")
            #expect(live.agent("1002")?.callId == "named")
            #expect(live.agent("1001")?.callId == nil)
            // The named agent is busy now: the next caller asking for them goes to whoever is free.
            _ = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "r2", "type": "enqueued", "at": iso(clock.now()), "callId": "second", "queue": "inbound", "caller": "13900139000", "agentWorkId": "1002"],
            ])
            live = try await app.live.state(company: try await TenantFixture.defaultCompanyID(app), on: app.db, now: clock.now())
            #expect(live.agent("1001")?.callId == "second")
        }
    }
}

@Suite("Emergency policy editor")
struct EmergencyPolicyEditorTests {
    @Test func adminEditsThePolicyAndBadInputIsRefused() async throws {
        try await withKefu { app, _ in
            let admin = try await PageSession.signIn(app, "9001")
            let page = try await admin.get("/admin/emergency")
            #expect(page.0 == .ok)
            #expect(page.1.contains("流动专家组"))
            var form = SettingsFormsTests.policyForm(.seedDefault)
            form["physicalSeats"] = "40"
            form["day0_sustain"] = "3"
            #expect(try await admin.post("/admin/emergency", form).0 == .seeOther)
            let saved = try await EmergencyCoordinator.policy(company: try await TenantFixture.defaultCompanyID(app), on: app.db)
            #expect(saved.physicalSeats == 40)
            #expect(saved.stages[0].sustainSeconds == 180)
            form["physicalSeats"] = "很多"
            let broken = try await admin.post("/admin/emergency", form)
            #expect(broken.0 == .unprocessableEntity)
            #expect(broken.1.contains(#"value="很多""#))
            let empty = form.filter { !$0.key.hasPrefix("day") }.merging(["physicalSeats": "40"]) { $1 }
            let refused = try await admin.post("/admin/emergency", empty)
            #expect(refused.0 == .unprocessableEntity)
            #expect(try await EmergencyCoordinator.policy(company: try await TenantFixture.defaultCompanyID(app), on: app.db).stages.count == EmergencyPolicy.seedDefault.stages.count)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "emergency.policy_saved").count() == 1)
            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.get("/admin/emergency").0 == .forbidden)
        }
    }
}
