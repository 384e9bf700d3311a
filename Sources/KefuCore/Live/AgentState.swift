import Foundation

/// Where an agent stands right now, as the shift lead sees it (R3.5 "agents by state").
///
/// `code` is the stable spelling used as the key of `agentsByState` in JSON;
/// not-ready reasons are kept apart from the code so counts group all breaks
/// together while the reason is still shown per agent.
public enum AgentState: Hashable, Sendable, Codable, CustomStringConvertible {
    case loggedOut
    case available
    /// A call is ringing at the agent's seat.
    case reserved
    case onContact
    case onHold
    case afterContactWork
    /// The agent is signed in but takes no calls; `nil` when the switch gave no reason.
    case notReady(reason: String?)

    /// Every code, in the order a wallboard lists them.
    public static let allCodes = ["LoggedOut", "Available", "Reserved", "OnContact", "OnHold", "AfterContactWork", "NotReady"]

    public var code: String {
        switch self {
        case .loggedOut: return "LoggedOut"
        case .available: return "Available"
        case .reserved: return "Reserved"
        case .onContact: return "OnContact"
        case .onHold: return "OnHold"
        case .afterContactWork: return "AfterContactWork"
        case .notReady: return "NotReady"
        }
    }

    public var reason: String? {
        if case .notReady(let reason) = self { return reason }
        return nil
    }

    /// Rebuilds a state from its code (and the reason, for `NotReady`).
    public init?(code: String, reason: String? = nil) {
        switch code {
        case "LoggedOut": self = .loggedOut
        case "Available": self = .available
        case "Reserved": self = .reserved
        case "OnContact": self = .onContact
        case "OnHold": self = .onHold
        case "AfterContactWork": self = .afterContactWork
        case "NotReady": self = .notReady(reason: reason)
        default: return nil
        }
    }

    /// The Chinese name on screen; a break shows its reason ("示忙·午餐").
    public var label: String {
        switch self {
        case .loggedOut: return "签出"
        case .available: return "空闲"
        case .reserved: return "振铃"
        case .onContact: return "通话中"
        case .onHold: return "保持"
        case .afterContactWork: return "话后处理"
        case .notReady(let reason):
            guard let reason, !reason.isEmpty else { return "示忙" }
            return "示忙·\(reason)"
        }
    }

    /// Whether the agent occupies a seat (everything but signed out), which is
    /// what the physical seat cap of R3.4 counts.
    public var isSignedIn: Bool { self != .loggedOut }

    /// Whether a call is with the agent (ringing, talking or held).
    public var isOnCall: Bool {
        switch self {
        case .reserved, .onContact, .onHold: return true
        default: return false
        }
    }

    public var description: String {
        if case .notReady(let reason?) = self { return "NotReady(\(reason))" }
        return code
    }

    private enum CodingKeys: String, CodingKey { case code, reason }

    /// Encoded as `{"code": "NotReady", "reason": "午餐"}` so clients never parse a composite string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encodeIfPresent(reason, forKey: .reason)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let code = try container.decode(String.self, forKey: .code)
        let reason = try container.decodeIfPresent(String.self, forKey: .reason)
        guard let state = AgentState(code: code, reason: reason) else {
            throw DecodingError.dataCorruptedError(
                forKey: .code, in: container, debugDescription: "Unknown agent state \"\(code)\"")
        }
        self = state
    }
}
