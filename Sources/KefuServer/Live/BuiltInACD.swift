import Vapor
import Fluent
import KefuCore

/// Kefu driving the queue itself (training centers, demos, a switch without its own
/// routing): when switched on, waiting calls are offered to agents by KefuCore's `Router`
/// — longest idle within the agent's groups, VIP callers (queue `vip`, or a number of a VIP
/// customer in the archive, whatever the queue) to VIP agents first —
/// as `offered` events in the same stream a switch would send; a phone that rings for
/// `ringSeconds` without an answer moves the call on to the next agent, and that agent goes
/// not-ready ("振铃未接") once the call has gone, as ACDs do. Agents answer, hold and end
/// calls from their workspace. Offers have deterministic ids, so two processes deciding
/// the same thing store it once.
///
/// Per company (R11.2): each company has its own switch (`CompanySettings`), its own roster and
/// its own calls; an agent who serves several companies from one seat is offered a call of
/// one company only while no other company's call is ringing or talking at their seat.
enum BuiltInACD {
    static let key = "live.acd"
    static let ringSeconds: TimeInterval = 10

    static func isOn(company: UUID, on db: Database) async throws -> Bool {
        try await CompanySettings.get(key, company: company, on: db) == "on"
    }

    static func set(_ on: Bool, company: UUID, by user: User, on db: Database, now: Date) async throws {
        try await db.writeTransaction { tx in
            try await CompanySettings.set(key, on ? "on" : "off", company: company, on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "live.acd", objectType: "acd", objectId: company.uuidString, after: on ? "on" : "off")
        }
    }

    /// Offers what can be offered now in every company whose ACD is on; returns the events stored.
    @discardableResult
    static func dispatch(_ app: Application, db: Database, now: Date) async throws -> [CTIEvent] {
        var out: [CTIEvent] = []
        for company in try await CompanySettings.companyIDs(on: db) {
            out += try await dispatch(app, company: company, db: db, now: now)
        }
        return out
    }

    /// Offers what can be offered now in `company`; returns the events stored.
    @discardableResult
    static func dispatch(_ app: Application, company: UUID, db: Database, now: Date) async throws -> [CTIEvent] {
        guard try await isOn(company: company, on: db) else { return [] }
        let floors = try await app.live.states(on: db, now: now)
        let live = floors[company] ?? LiveState(configuration: app.live.configuration, events: [])
        // Agents busy with another company's call at the same seat are not free here.
        let busyElsewhere = Set(floors.filter { $0.key != company }.flatMap { $0.value.agents.values }
            .filter { $0.callId != nil }.map(\.workId))
        let roster = try await EmergencyCoordinator.roster(company: company, on: db)
        let vipAgents = Set(roster[.vip] ?? [])
        func queues(of workId: String) -> Set<String> {
            var q = Set(roster.filter { $0.value.contains(workId) }.map(\.key.rawValue))
            if q.isEmpty { q = [AgentGroup.inbound.rawValue] }   // not in any list: answers the main queue
            if q.contains(AgentGroup.vip.rawValue) { q.insert(AgentGroup.inbound.rawValue) }
            return q
        }
        var events: [CTIEvent] = []
        var agents = live.agents.values.filter { $0.state == .available && !busyElsewhere.contains($0.workId) }.map {
            RoutingAgent(workId: $0.workId, queues: queues(of: $0.workId), state: .available, idleSince: $0.since,
                         isVIPAgent: vipAgents.contains($0.workId))
        }
        // Phones that rang too long: the call moves on; the agent goes not-ready after it.
        var stale: [String: Set<String>] = [:]
        for agent in live.agents.values where agent.state == .reserved {
            guard let callId = agent.callId, now.timeIntervalSince(agent.since) >= ringSeconds else { continue }
            stale[callId, default: []].insert(agent.workId)
            events.append(CTIEvent(id: "acd:noanswer:\(callId):\(agent.workId)", .notReady, at: now, agentWorkId: agent.workId, reason: "振铃未接"))
        }
        let waiting = live.calls.values.filter { call in
            call.phase == .waiting && (call.ringingAgents.isEmpty || call.ringingAgents.isSubset(of: stale[call.callId] ?? []))
        }
        let tiers = try await CallerTiers.tiers(of: waiting.compactMap(\.caller), company: company, on: db)
        let calls = Router.queueOrder(waiting.map {
            RoutingCall(id: $0.callId, queue: $0.queue,
                        isVIP: Router.isVIPCall(queue: $0.queue, callerTier: $0.caller.flatMap { tiers[Validation.normalizePhone($0)] }),
                        requestedWorkId: $0.requestedWorkId, enqueuedAt: $0.enqueuedAt ?? now)
        })
        for call in calls {
            let tried = live.call(call.id)?.ringingAgents ?? []
            let decision = Router.choose(for: call, among: agents, excluding: tried)
            guard let workId = decision.agentWorkId else { continue }
            agents.removeAll { $0.workId == workId }
            events.append(CTIEvent(id: "acd:offer:\(call.id):\(workId)", .offered, at: now, callId: call.id, agentWorkId: workId,
                                   reason: decision.note))
        }
        guard !events.isEmpty else { return [] }
        let fresh = try await CTIEventStore(db: db).insert(events, company: company, source: "acd", receivedAt: now)
        if !fresh.isEmpty { try await LiveNotifier.changed(app, db: db) }
        return events.filter { fresh.contains($0.id) }
    }
}
