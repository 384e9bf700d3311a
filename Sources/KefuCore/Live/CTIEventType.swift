import Foundation

/// The `type` of a CTI event: one flat string on the wire, but either about a
/// contact or about an agent, because the two need different identifying fields
/// (`callId` versus `agentWorkId`).
public enum CTIEventType: Hashable, Sendable, Codable, CustomStringConvertible {
    case contact(ContactEventType)
    case agent(AgentEventType)

    /// Parses the wire spelling; contact and agent spellings never overlap.
    public init?(rawValue: String) {
        if let contact = ContactEventType(rawValue: rawValue) {
            self = .contact(contact)
        } else if let agent = AgentEventType(rawValue: rawValue) {
            self = .agent(agent)
        } else {
            return nil
        }
    }

    public var rawValue: String {
        switch self {
        case .contact(let type): return type.rawValue
        case .agent(let type): return type.rawValue
        }
    }

    public var description: String { rawValue }

    /// Every spelling the API accepts, for error messages and documentation.
    public static var allRawValues: [String] {
        ContactEventType.allCases.map(\.rawValue) + AgentEventType.allCases.map(\.rawValue)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let type = CTIEventType(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: CTIEventRejection.unknownType(text).message)
        }
        self = type
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
