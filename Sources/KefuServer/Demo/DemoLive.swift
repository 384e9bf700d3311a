import Vapor
import Fluent
import KefuCore

/// The demo floor: group rosters, a demo switch token, and today's calls so far — agents
/// signed in, calls answered and abandoned, 1001 on a call with a known customer (the
/// screen pop), a few callers waiting.
struct DemoLive {
    let app: Application

    /// Demo only: a fixed token so the README can show a working `curl`. Real switches get
    /// theirs from `kefu cti token add`.
    static let switchToken = "cti_demo_switch_token_local_only"

    func load() async throws {
        let db = app.db
        let now = app.kefu.clock.now()
        let hq = try await TenantData.system(db).company(code: M014_CreateCompaniesAndBranches.defaultCompanyCode)
        let hqID = try hq.requireID()
        let t = CTIToken()
        t.id = UUID(); t.companyID = hqID; t.name = "demo-switch"; t.tokenHash = UserToken.hash(Self.switchToken); t.active = true; t.createdAt = now
        try await t.create(on: db)
        let roster: [AgentGroup: [String]] = [.inbound: ["1001", "1002"], .vip: ["1101"], .outbound: ["1201"],
                                              .floatingExperts: ["1003"], .qc: ["4001"], .backOffice: ["4201", "5001"]]
        try await AppSettings.set(EmergencyCoordinator.rosterKey, String(decoding: try JSONEncoder().encode(roster), as: UTF8.self), on: db)

        var events: [CTIEvent] = []
        var n = 0
        func id() -> String { n += 1; return "demo:\(n)" }
        let start = now.addingTimeInterval(-2 * 3600)
        for a in ["1001", "1002", "1101"] {
            events.append(CTIEvent(id: id(), .loggedIn, at: start, agentWorkId: a))
            events.append(CTIEvent(id: id(), .ready, at: start.addingTimeInterval(1), agentWorkId: a))
        }
        let customers = try await TenantData(scope: .companies([hqID]), db: db).query(Customer.self).sort(\.$createdAt).limit(12).all()
        var rng = SeededGenerator(seed: 7)
        for i in 0..<24 {
            let at = start.addingTimeInterval(Double(120 + i * 280))
            let call = "demo-call-\(i)"
            let caller = customers.isEmpty ? "1380013\(String(format: "%04d", i))" : customers[i % customers.count].phone
            events.append(CTIEvent(id: id(), .enqueued, at: at, callId: call, queue: i % 5 == 0 ? "vip" : "inbound", caller: caller))
            let wait = Double(5 + rng.next(40))
            if i % 7 == 3 {
                events.append(CTIEvent(id: id(), .abandoned, at: at.addingTimeInterval(wait), callId: call))
                continue
            }
            let agent = i % 5 == 0 ? "1101" : (i % 2 == 0 ? "1001" : "1002")
            events.append(CTIEvent(id: id(), .answered, at: at.addingTimeInterval(wait), callId: call, agentWorkId: agent))
            events.append(CTIEvent(id: id(), .completed, at: at.addingTimeInterval(wait + Double(60 + rng.next(120))), callId: call, agentWorkId: agent))
            events.append(CTIEvent(id: id(), .ready, at: at.addingTimeInterval(wait + 200), agentWorkId: agent))
        }
        // Now: 1001 is talking to a known customer; three callers wait.
        let caller = customers.first?.phone ?? "13800138000"
        events.append(CTIEvent(id: id(), .enqueued, at: now.addingTimeInterval(-90), callId: "demo-live-1", queue: "inbound", caller: caller))
        events.append(CTIEvent(id: id(), .answered, at: now.addingTimeInterval(-80), callId: "demo-live-1", agentWorkId: "1001"))
        for k in 0..<3 {
            events.append(CTIEvent(id: id(), .enqueued, at: now.addingTimeInterval(Double(-40 + k * 10)), callId: "demo-wait-\(k)",
                                   queue: "inbound", caller: "1390013900\(k)"))
        }
        _ = try await CTIEventStore(db: db).insert(events, company: hqID, source: "demo", receivedAt: now)
    }
}
