import Foundation

/// A call waiting for an agent, as the router sees it.
public struct RoutingCall: Sendable, Equatable, Codable {
    public var id: String
    /// The queue it came in on; nil accepts an agent from any queue.
    public var queue: String?
    public var requiredSkills: Set<String>
    /// VIP customers reach VIP agents first and are served first (R3.2).
    public var isVIP: Bool
    /// Work ID the customer asked for (R1.6).
    public var requestedWorkId: String?
    public var enqueuedAt: Date

    public init(id: String, queue: String? = AgentGroup.inbound.rawValue, requiredSkills: Set<String> = [],
                isVIP: Bool = false, requestedWorkId: String? = nil, enqueuedAt: Date) {
        self.id = id
        self.queue = queue
        self.requiredSkills = requiredSkills
        self.isVIP = isVIP
        self.requestedWorkId = requestedWorkId
        self.enqueuedAt = enqueuedAt
    }
}
