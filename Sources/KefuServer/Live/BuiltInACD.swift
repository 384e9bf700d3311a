import Vapor
import Fluent
import KefuCore

/// Kefu driving the queue itself (training centers, demos, a switch without its own
/// routing): when switched on, waiting calls are offered to agents by KefuCore's `Router`
/// — longest idle within the agent's groups, VIP callers (queue `vip`) to VIP agents first —
/// as `offered` events in the same stream a switch would send; a phone that rings for
/// `ringSeconds` without an answer moves the call on to the next agent, and that agent goes
/// not-ready ("振铃未接") once the call has gone, as ACDs do. Agents answer, hold and end
/// calls from their workspace. Offers have deterministic ids, so two processes deciding
/// the same thing store it once.
enum BuiltInACD {
    static let key = "live.acd"
    static let ringSeconds: TimeInterval = 10

    static func isOn(_ db: Database) async throws -> Bool {
        try await AppSettings.get(key, on: db) == "on"
    }

    static func set(_ on: Bool, by user: User, on db: Database, now: Date) async throws {
        try await db.writeTransaction { tx in
            try await AppSettings.set(key, on ? "on" : "off", on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "live.acd", objectType: "acd", objectId: nil, after: on ? "on" : "off")
        }
    }

    /// Offers what can be offered now; returns the events stored.
    @discardableResult
    static func dispatch(_ app: Application, db: Database, now: Date) async throws -> [CTIEvent] {
        guard try await isOn(db) else { return [] }
        let live = try await app.live.state(on: db, now: now)
        let roster = try await EmergencyCoordinator.roster(on: db)
        let vipAgents = Set(roster[.vip] ?? [])
        func queues(of workId: String) -> Set<String> {
            var q = Set(roster.filter { $0.value.contains(workId) }.map(\.key.rawValue))
            if q.isEmpty { q = [AgentGroup.inbound.rawValue] }   // not in any list: answers the main queue
            if q.contains(AgentGroup.vip.rawValue) { q.insert(AgentGroup.inbound.rawValue) }
            return q
        }
        var events: [CTIEvent] = []
        var agents = live.agents.values.filter { $0.state == .available }.map {
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
        let calls = Router.queueOrder(waiting.map {
            RoutingCall(id: $0.callId, queue: $0.queue, isVIP: $0.queue == AgentGroup.vip.rawValue,
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
        let fresh = try await CTIEventStore(db: db).insert(events, source: "acd", receivedAt: now)
        if !fresh.isEmpty { try await LiveNotifier.changed(app, db: db) }
        return events.filter { fresh.contains($0.id) }
    }
}
