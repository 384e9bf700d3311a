import Foundation

/// What an agent did with their seat, in the switch-independent vocabulary.
///
/// `not_ready` carries its reason (meal, meeting, training…) in the event's
/// `reason` field rather than in the type, so the set of types stays closed
/// while centers keep their own list of reasons.
public enum AgentEventType: String, CaseIterable, Codable, Hashable, Sendable {
    case loggedIn = "logged_in"
    case loggedOut = "logged_out"
    case ready
    case notReady = "not_ready"
    case wrapUp = "wrap_up"
}
