import Foundation
import Testing
@testable import KefuCore

@Suite struct RoutingTests {
    let t0 = Date(timeIntervalSince1970: 1_789_000_000)

    func agent(_ id: String, idle minutes: Double?, skills: Set<String> = [], vip: Bool = false,
               state: AgentState = .available, queues: Set<String> = ["inbound"]) -> RoutingAgent {
        RoutingAgent(workId: id, queues: queues, skills: skills, state: state,
                     idleSince: minutes.map { t0 - $0 * 60 }, isVIPAgent: vip)
    }

    func call(_ id: String = "c1", skills: Set<String> = [], vip: Bool = false, requested: String? = nil,
              at seconds: Double = 0, queue: String? = "inbound") -> RoutingCall {
        RoutingCall(id: id, queue: queue, requiredSkills: skills, isVIP: vip, requestedWorkId: requested,
                    enqueuedAt: t0 + seconds)
    }

    @Test func longestIdleAvailableAgentGetsTheCall() {
        let agents = [agent("1001", idle: 2), agent("1002", idle: 9), agent("1003", idle: 20, state: .onContact),
                      agent("1004", idle: 30, state: .notReady(reason: "午餐")), agent("1005", idle: nil)]
        let decision = Router.choose(for: call(), among: agents)
        #expect(decision.agentWorkId == "1002")
        #expect(decision.reason == .longestIdle)
        #expect(decision.note == "已转接空闲最久的 1002 号")
        // Ties go to the lower work ID, whatever the input order.
        let tie = [agent("2002", idle: 5), agent("2001", idle: 5)]
        #expect(Router.choose(for: call(), among: tie).agentWorkId == "2001")
    }

    @Test func agentsNeedEverySkillAndTheQueue() {
        let agents = [agent("1001", idle: 30, skills: ["broadband"]),
                      agent("1002", idle: 5, skills: ["broadband", "tv"]),
                      agent("1003", idle: 60, skills: ["broadband", "tv"], queues: ["outbound"])]
        #expect(Router.choose(for: call(skills: ["broadband", "tv"]), among: agents).agentWorkId == "1002")
        #expect(Router.choose(for: call(skills: ["broadband"]), among: agents).agentWorkId == "1001")
        #expect(Router.choose(for: call(skills: ["broadband"], queue: nil), among: agents).agentWorkId == "1003")
        let none = Router.choose(for: call(skills: ["english"]), among: agents)
        #expect(none.agentWorkId == nil && none.reason == .noAgent)
        #expect(none.note == "暂无空闲话务员，继续排队")
    }

    @Test func vipCallsReachVIPAgentsFirst() {
        let agents = [agent("1001", idle: 30), agent("8001", idle: 1, vip: true), agent("8002", idle: 4, vip: true)]
        let vip = Router.choose(for: call(vip: true), among: agents)
        #expect(vip.agentWorkId == "8002")
        #expect(vip.reason == .vipAgent)
        // Ordinary calls ignore the VIP flag: longest idle.
        #expect(Router.choose(for: call(), among: agents).agentWorkId == "1001")
        // No VIP agent free: the VIP call goes to anyone rather than waiting.
        let busyVIPs = [agent("1001", idle: 3), agent("8001", idle: 9, vip: true, state: .onContact)]
        let fallback = Router.choose(for: call(vip: true), among: busyVIPs)
        #expect(fallback.agentWorkId == "1001" && fallback.reason == .longestIdle)
    }

    @Test func aVIPCallerReachesAVIPAgentWhateverQueueTheSwitchChose() {
        // The VIP agent answers only the vip queue; the switch put the caller in "billing".
        let agents = [agent("1001", idle: 30, queues: ["billing"]), agent("8001", idle: 1, vip: true, queues: ["vip"])]
        let byArchive = Router.isVIPCall(queue: "billing", callerTier: .vip)
        #expect(byArchive)
        #expect(Router.choose(for: call(vip: byArchive, queue: "billing"), among: agents).agentWorkId == "8001")
        // An ordinary caller in that queue never reaches the VIP agent outside their queues.
        #expect(!Router.isVIPCall(queue: "billing", callerTier: .major))
        #expect(!Router.isVIPCall(queue: "billing", callerTier: nil))
        #expect(Router.isVIPCall(queue: "vip", callerTier: nil))
        #expect(Router.choose(for: call(queue: "billing"), among: [agents[1]]).agentWorkId == nil)
        // No VIP agent free: the VIP caller goes to whoever answers the queue.
        let busyVIP = [agents[0], agent("8001", idle: nil, vip: true, state: .onContact, queues: ["vip"])]
        #expect(Router.choose(for: call(vip: true, queue: "billing"), among: busyVIP).agentWorkId == "1001")
    }

    @Test func aRequestedAgentGetsTheCallWhenFree() {
        let agents = [agent("1001", idle: 30), agent("1007", idle: 1)]
        let decision = Router.choose(for: call(requested: "1007"), among: agents)
        #expect(decision.agentWorkId == "1007")
        #expect(decision.reason == .requestedAgent)
        #expect(!decision.requestedAgentBusy)
        #expect(decision.note == "客户指定 1007 号，已转接")
    }

    @Test func aBusyRequestedAgentIsReportedAndTheCallRoutesNormally() {
        let agents = [agent("1001", idle: 30), agent("1007", idle: nil, state: .onContact)]
        let decision = Router.choose(for: call(requested: "1007"), among: agents)
        #expect(decision.agentWorkId == "1001")
        #expect(decision.requestedAgentBusy)
        #expect(decision.note == "客户指定的 1007 号暂时无法接听，已转接空闲最久的 1001 号")
        let unknown = Router.choose(for: call(requested: "9999"), among: agents)
        #expect(unknown.requestedAgentBusy && unknown.agentWorkId == "1001")
    }

    @Test func ringTimeoutMovesToTheNextAgent() {
        let agents = [agent("1001", idle: 30), agent("1002", idle: 20), agent("1003", idle: 10)]
        let first = Router.choose(for: call(), among: agents)
        #expect(first.agentWorkId == "1001")
        #expect(Router.nextAgent(for: call(), among: agents, excluding: ["1001"]).agentWorkId == "1002")
        #expect(Router.nextAgent(for: call(), among: agents, excluding: ["1001", "1002"]).agentWorkId == "1003")
        #expect(Router.nextAgent(for: call(), among: agents, excluding: ["1001", "1002", "1003"]).reason == .noAgent)
        // A requested agent who let it ring out is not rung again.
        let requested = Router.nextAgent(for: call(requested: "1003"), among: agents, excluding: ["1003"])
        #expect(requested.agentWorkId == "1001" && requested.requestedAgentBusy)
    }

    @Test func waitingCallsAreServedVIPFirstThenByArrival() {
        let calls = [call("a", at: 10), call("b", vip: true, at: 30), call("c", at: 5), call("d", vip: true, at: 20)]
        #expect(Router.queueOrder(calls).map(\.id) == ["d", "b", "c", "a"])
        let agents = [agent("1001", idle: 30), agent("8001", idle: 1, vip: true), agent("1002", idle: 10)]
        let offers = Router.dispatch(calls, to: agents)
        #expect(offers.map(\.call.id) == ["d", "b", "c"])
        #expect(offers.map { $0.decision.agentWorkId } == ["8001", "1001", "1002"])
    }
}
