import Foundation

/// One agent's live standing, rebuilt from events.
///
/// Kept as two layers because they change for different reasons: `presence`
/// is what the agent chose (signed out, ready, a break, wrap-up) and survives
/// a call; the call layer is what the switch is doing to them. A break asked
/// for during a call therefore starts when the call ends, as on real switches.
public struct LiveAgent: Hashable, Sendable, Codable {
    public let workId: String
    /// One of loggedOut, available, notReady, afterContactWork.
    public internal(set) var presence: AgentState
    public internal(set) var presenceSince: Date
    /// The call ringing, talking or held at this agent.
    public internal(set) var callId: String?
    /// One of reserved, onContact, onHold while `callId` is set.
    public internal(set) var callState: AgentState?
    public internal(set) var callStateSince: Date?

    init(workId: String, presence: AgentState, since: Date) {
        self.workId = workId
        self.presence = presence
        self.presenceSince = since
    }

    /// What the wallboard shows: the call when there is one, else the presence.
    public var state: AgentState { callState ?? presence }

    /// Since when `state` has held.
    public var since: Date { callState == nil ? presenceSince : (callStateSince ?? presenceSince) }
}
