import Foundation

/// One thing a switch reported, in the canonical model live state is rebuilt from.
///
/// Events are stored as they arrive and never changed: live state is a
/// function of the stored events, so a restart, a late event or a resent batch
/// all lead to the same picture. `id` is chosen by the sender and makes
/// resending harmless.
///
/// Required fields per type (anything else is optional context):
/// - every event: `id`, `type`, `at` (ISO 8601 with an offset)
/// - contact events: `callId`; `enqueued` also `queue` (and `agentWorkId` when the caller
///   asked for a named agent, R1.6); `offered` also `agentWorkId`
/// - agent events: `agentWorkId`; `not_ready` may omit `reason` (shown as plain 示忙)
///
/// Field meanings that are not obvious: `transferred` re-queues the call when
/// it names a `queue` and rings a named agent (R1.6) when it names an
/// `agentWorkId`; with neither the call has left the center. `ivr_selected`
/// carries the key or option chosen in `reason`. `dialled` is the number the caller rang
/// (also read from `hotline` or `to`): it picks the branch 分公司 whose hotline it is (R11.1).
public struct CTIEvent: Hashable, Sendable, Codable {
    public var id: String
    public var type: CTIEventType
    public var at: Date
    public var callId: String?
    public var queue: String?
    public var caller: String?
    public var agentWorkId: String?
    public var reason: String?
    /// The number the caller dialled, when the switch says; not part of live state.
    public var dialled: String?

    /// Builds an event without checks; use `validated()` or `decodeBatch` for
    /// input from outside, which enforce the per-type requirements.
    public init(id: String, type: CTIEventType, at: Date, callId: String? = nil, queue: String? = nil,
                caller: String? = nil, agentWorkId: String? = nil, reason: String? = nil, dialled: String? = nil) {
        self.id = id
        self.type = type
        self.at = at
        self.callId = callId
        self.queue = queue
        self.caller = caller
        self.agentWorkId = agentWorkId
        self.reason = reason
        self.dialled = dialled
    }

    /// Convenience for contact events.
    public init(id: String, _ type: ContactEventType, at: Date, callId: String, queue: String? = nil,
                caller: String? = nil, agentWorkId: String? = nil, reason: String? = nil, dialled: String? = nil) {
        self.init(id: id, type: .contact(type), at: at, callId: callId, queue: queue, caller: caller,
                  agentWorkId: agentWorkId, reason: reason, dialled: dialled)
    }

    /// Convenience for agent events.
    public init(id: String, _ type: AgentEventType, at: Date, agentWorkId: String, reason: String? = nil) {
        self.init(id: id, type: .agent(type), at: at, agentWorkId: agentWorkId, reason: reason)
    }

    /// The same event if it carries what its type needs, so adapters and the
    /// API apply one rule.
    public func validated() throws(CTIEventRejection) -> CTIEvent {
        if id.isEmpty { throw .missingField("id") }
        switch type {
        case .contact(let contact):
            if callId == nil { throw .missingCallId(type: contact.rawValue) }
            if contact.requiresQueue, queue == nil { throw .missingQueue(type: contact.rawValue) }
            if contact.requiresAgent, agentWorkId == nil { throw .missingAgentWorkId(type: contact.rawValue) }
        case .agent(let agent):
            if agentWorkId == nil { throw .missingAgentWorkId(type: agent.rawValue) }
        }
        return self
    }

    // MARK: - Codable

    private enum CodingKeys: String, CodingKey {
        case id, type, at, callId, queue, caller, agentWorkId, reason, dialled, hotline, to
    }

    /// Decoding applies the same checks as `decodeBatch`, so events reloaded
    /// from storage cannot be looser than events received.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var object: [String: Any] = [:]
        for key in container.allKeys {
            if let text = try? container.decode(String.self, forKey: key) {
                object[key.stringValue] = text
            } else if try container.decodeNil(forKey: key) {
                continue
            } else {
                object[key.stringValue] = 0 // present but not a string: reported as wrong type
            }
        }
        do throws(CTIEventRejection) {
            self = try CTIEvent.parse(object)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// `at` is always written as UTC text, whatever the encoder's date strategy.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(CTITimestamp.format(at), forKey: .at)
        try container.encodeIfPresent(callId, forKey: .callId)
        try container.encodeIfPresent(queue, forKey: .queue)
        try container.encodeIfPresent(caller, forKey: .caller)
        try container.encodeIfPresent(agentWorkId, forKey: .agentWorkId)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(dialled, forKey: .dialled)
    }
}

// MARK: - Batch decoding for POST /api/v1/cti/events

extension CTIEvent {
    /// Decodes a request body holding one event object or an array of them.
    ///
    /// Each element is judged alone, so one bad event never costs the others;
    /// the answer has one result per element, in order. A body that is not
    /// JSON, or JSON that is neither object nor array, yields a single
    /// rejection at index 0. Duplicated ids are *accepted* here: idempotency
    /// is decided where events are stored (see `LiveState.apply`).
    public static func decodeBatch(_ data: Data) -> [CTIEventResult] {
        guard let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return [.rejected(index: 0, id: nil, reason: .malformedJSON)]
        }
        let elements: [Any]
        if let array = root as? [Any] {
            elements = array
        } else if root is [String: Any] {
            elements = [root]
        } else {
            return [.rejected(index: 0, id: nil, reason: .notAnObject)]
        }
        return elements.enumerated().map { index, element in
            guard let object = element as? [String: Any] else {
                return .rejected(index: index, id: nil, reason: .notAnObject)
            }
            do throws(CTIEventRejection) {
                return .accepted(try parse(object))
            } catch {
                return .rejected(index: index, id: object["id"] as? String, reason: error)
            }
        }
    }

    /// Reads one JSON object. Blank strings count as absent, because switch
    /// templates tend to send `"agentWorkId": ""` for "none".
    static func parse(_ object: [String: Any]) throws(CTIEventRejection) -> CTIEvent {
        func text(_ key: String) throws(CTIEventRejection) -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let string = value as? String else { throw .wrongFieldType(key) }
            let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        func dialled() throws(CTIEventRejection) -> String? {
            if let d = try text("dialled") { return d }
            if let h = try text("hotline") { return h }
            return try text("to")
        }
        guard let id = try text("id") else { throw .missingField("id") }
        guard let typeText = try text("type") else { throw .missingField("type") }
        guard let atText = try text("at") else { throw .missingField("at") }
        guard let type = CTIEventType(rawValue: typeText) else { throw .unknownType(typeText) }
        let at = try CTITimestamp.parse(atText)
        let event = CTIEvent(
            id: id, type: type, at: at,
            callId: try text("callId"), queue: try text("queue"), caller: try text("caller"),
            agentWorkId: try text("agentWorkId"), reason: try text("reason"),
            dialled: try dialled())
        return try event.validated()
    }
}
