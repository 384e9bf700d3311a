import Foundation

/// Why the router chose (or could not choose) an agent; stored with the call
/// so a supervisor can see why it went where it went.
public enum RoutingReason: String, Sendable, Codable, CaseIterable {
    /// The customer asked for this agent and the agent was free (R1.6).
    case requestedAgent = "requested_agent"
    /// A VIP call went to a VIP agent (R3.2).
    case vipAgent = "vip_agent"
    /// The agent free the longest among those with the call's skills.
    case longestIdle = "longest_idle"
    /// Nobody suitable is free; the call keeps waiting.
    case noAgent = "no_agent"
}

/// The router's answer for one call.
public struct RoutingDecision: Sendable, Equatable, Codable {
    public var agentWorkId: String?
    public var reason: RoutingReason
    /// The customer asked for an agent who could not take the call now;
    /// the call went the normal way and the agent page says so.
    public var requestedAgentBusy: Bool
    /// One line for the agent's screen and the call log.
    public var note: String

    public init(agentWorkId: String?, reason: RoutingReason, requestedAgentBusy: Bool, note: String) {
        self.agentWorkId = agentWorkId
        self.reason = reason
        self.requestedAgentBusy = requestedAgentBusy
        self.note = note
    }
}

/// Call distribution when Kefu drives the queue (simulation and the built-in
/// ACD mode). Pure: the same floor gives the same choice, so a simulated day
/// replays identically.
///
/// Rules, in order: a customer who asked for a named agent gets that agent
/// when the agent is available (R1.6, 002 §9 十二); a VIP call goes to the
/// longest-idle VIP agent, in any queue, then to anyone in its queue (R3.2); otherwise the longest-idle
/// available agent who is in the call's queue and has every required skill.
/// Ties go to the lower work ID so the outcome never depends on input order.
public enum Router {
    /// The agent to offer `call` to. `excluding` lists agents already rung for
    /// this call (ring timeout, 3 rings per 004 第十四条).
    public static func choose(for call: RoutingCall, among agents: [RoutingAgent],
                              excluding alreadyTried: Set<String> = []) -> RoutingDecision {
        var requestedBusy = false
        if let requested = call.requestedWorkId {
            if let agent = agents.first(where: { $0.workId == requested }), agent.state == .available,
               !alreadyTried.contains(requested) {
                return RoutingDecision(agentWorkId: requested, reason: .requestedAgent, requestedAgentBusy: false,
                                       note: "客户指定 \(requested) 号，已转接")
            }
            requestedBusy = true
        }
        let eligible = agents.filter { agent in
            agent.state == .available && !alreadyTried.contains(agent.workId)
                && call.requiredSkills.isSubset(of: agent.skills)
                && (call.queue.map { agent.queues.contains($0) } ?? true)
        }
        let busyNote = requestedBusy ? "客户指定的 \(call.requestedWorkId ?? "") 号暂时无法接听，" : ""
        // A VIP caller reaches a VIP agent whatever queue the switch put the call in (R3.2):
        // the queue only narrows who else may take it.
        let vipEligible = call.isVIP ? agents.filter { agent in
            agent.isVIPAgent && agent.state == .available && !alreadyTried.contains(agent.workId)
                && call.requiredSkills.isSubset(of: agent.skills)
        } : []
        if call.isVIP, let vip = longestIdle(vipEligible) {
            return RoutingDecision(agentWorkId: vip.workId, reason: .vipAgent, requestedAgentBusy: requestedBusy,
                                   note: "\(busyNote)VIP客户优先转接VIP话务员 \(vip.workId) 号")
        }
        if let agent = longestIdle(eligible) {
            return RoutingDecision(agentWorkId: agent.workId, reason: .longestIdle, requestedAgentBusy: requestedBusy,
                                   note: "\(busyNote)已转接空闲最久的 \(agent.workId) 号")
        }
        return RoutingDecision(agentWorkId: nil, reason: .noAgent, requestedAgentBusy: requestedBusy,
                               note: "\(busyNote)暂无空闲话务员，继续排队")
    }

    /// Ring timeout: the call moves on to the next agent; the ones already
    /// rung (including a requested agent who did not answer) are skipped.
    public static func nextAgent(for call: RoutingCall, among agents: [RoutingAgent],
                                 excluding alreadyTried: Set<String>) -> RoutingDecision {
        choose(for: call, among: agents, excluding: alreadyTried)
    }

    /// Whether a waiting call is a VIP's (R3.2): it came in on the VIP queue, or the number
    /// calling belongs to a customer of the VIP tier — the switch need not know the archive.
    public static func isVIPCall(queue: String?, callerTier: CustomerTier?) -> Bool {
        queue == AgentGroup.vip.rawValue || callerTier == .vip
    }

    /// The order waiting calls are served in: VIP first (R3.2), then first come, first served.
    public static func queueOrder(_ calls: [RoutingCall]) -> [RoutingCall] {
        calls.sorted { a, b in
            if a.isVIP != b.isVIP { return a.isVIP }
            if a.enqueuedAt != b.enqueuedAt { return a.enqueuedAt < b.enqueuedAt }
            return a.id < b.id
        }
    }

    /// Offers as many waiting calls as there are suitable free agents, in
    /// queue order; each agent gets at most one call. Calls left without an
    /// agent are not returned.
    public static func dispatch(_ calls: [RoutingCall], to agents: [RoutingAgent]) -> [(call: RoutingCall, decision: RoutingDecision)] {
        var floor = agents
        var offers: [(call: RoutingCall, decision: RoutingDecision)] = []
        for call in queueOrder(calls) {
            let decision = choose(for: call, among: floor)
            guard let workId = decision.agentWorkId,
                  let index = floor.firstIndex(where: { $0.workId == workId }) else { continue }
            floor[index].state = .reserved
            offers.append((call, decision))
        }
        return offers
    }

    static func longestIdle(_ agents: [RoutingAgent]) -> RoutingAgent? {
        agents.min { a, b in
            let ai = a.idleSince ?? .distantFuture, bi = b.idleSince ?? .distantFuture
            if ai != bi { return ai < bi }
            return a.workId < b.workId
        }
    }
}
