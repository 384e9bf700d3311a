import Foundation

/// What the router needs to know about one agent, copied from the live floor.
public struct RoutingAgent: Sendable, Equatable, Codable {
    public var workId: String
    /// Queues the agent is signed into ("inbound", "vip", …).
    public var queues: Set<String>
    public var skills: Set<String>
    /// The live state (`LiveAgent.state`); only `available` agents are offered calls.
    public var state: AgentState
    /// When the agent last became free; the longest idle gets the next call.
    public var idleSince: Date?
    public var isVIPAgent: Bool

    public init(workId: String, queues: Set<String> = [AgentGroup.inbound.rawValue], skills: Set<String> = [],
                state: AgentState = .available, idleSince: Date? = nil, isVIPAgent: Bool = false) {
        self.workId = workId
        self.queues = queues
        self.skills = skills
        self.state = state
        self.idleSince = idleSince
        self.isVIPAgent = isVIPAgent
    }
}
