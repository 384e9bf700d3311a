import Foundation

/// Maps Asterisk app_queue AMI events to canonical CTI events.
///
/// Calls are identified by `Linkedid` (the caller channel's `Uniqueid` for a
/// queue call, and shared by the agent's channel), so holds raised on either
/// leg land on the same call. Agents are identified from `Interface`
/// (`SIP/1001`, `PJSIP/1001`, `Local/1001@agents/n` → `1001`), falling back to
/// `MemberName`; centers with other dial plans pass their own mapping.
///
/// Times come from `Timestamp` (manager.conf `timestampevents = yes`, advised)
/// or else the moment the message was received. Ids are derived from the call,
/// event and agent, so an event seen twice (reconnect, two listeners) is
/// stored once.
///
/// Mapped: QueueCallerJoin → enqueued, AgentCalled → offered, AgentConnect →
/// answered, AgentComplete → completed (transferred when `Reason: transfer`),
/// QueueCallerAbandon → abandoned, Hold/Unhold → hold/unhold,
/// QueueMemberAdded/AgentLogin → logged_in, QueueMemberRemoved/AgentLogoff →
/// logged_out, QueueMemberPause → not_ready(PausedReason) or ready.
/// Everything else (QueueCallerLeave, AgentRingNoAnswer, Newchannel…) is
/// ignored: the canonical model learns the same facts from the events above.
public struct AMIAdapter: Sendable {
    public typealias AgentMapping = @Sendable (_ interface: String?, _ memberName: String?) -> String?

    private let agentWorkId: AgentMapping

    public init(agentWorkId: @escaping AgentMapping = AMIAdapter.defaultAgentWorkId) {
        self.agentWorkId = agentWorkId
    }

    /// `SIP/1001` → 1001, `Local/1001@agents/n` → 1001; a bare MemberName is used as is.
    public static let defaultAgentWorkId: AgentMapping = { interface, memberName in
        if let interface, let slash = interface.firstIndex(of: "/") {
            var rest = interface[interface.index(after: slash)...]
            if let cut = rest.firstIndex(where: { $0 == "@" || $0 == "/" }) { rest = rest[..<cut] }
            if !rest.isEmpty { return String(rest) }
        }
        guard let name = memberName ?? interface, !name.isEmpty else { return nil }
        return name
    }

    public func events(from message: [String: String], receivedAt: Date) -> [CTIEvent] {
        guard let name = message["Event"] else { return [] }
        let at = message["Timestamp"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } ?? receivedAt
        let callId = CTIText.nonEmpty(message["Linkedid"]) ?? CTIText.nonEmpty(message["Uniqueid"])
        let queue = CTIText.nonEmpty(message["Queue"])
        let agent = agentWorkId(CTIText.nonEmpty(message["Interface"]) ?? CTIText.nonEmpty(message["StateInterface"]),
                                CTIText.nonEmpty(message["MemberName"]))
        let stamp = message["Timestamp"] ?? CTITimestamp.format(at)

        func contact(_ type: ContactEventType, agent: String? = nil, reason: String? = nil, unique: String? = nil) -> [CTIEvent] {
            guard let callId else { return [] }
            let id = ["ami", callId, type.rawValue, agent, unique].compactMap { $0 }.joined(separator: ":")
            return [CTIEvent(id: id, type, at: at, callId: callId, queue: queue,
                             caller: CTIText.nonEmpty(message["CallerIDNum"]), agentWorkId: agent, reason: reason)]
        }
        func seat(_ type: AgentEventType, _ workId: String?, reason: String? = nil) -> [CTIEvent] {
            guard let workId else { return [] }
            return [CTIEvent(id: "ami:\(workId):\(type.rawValue):\(stamp)", type, at: at, agentWorkId: workId, reason: reason)]
        }

        switch name {
        case "QueueCallerJoin":
            return contact(.enqueued, unique: queue)
        case "AgentCalled":
            return contact(.offered, agent: agent)
        case "AgentConnect":
            return contact(.answered, agent: agent)
        case "AgentComplete":
            let transferred = message["Reason"]?.lowercased() == "transfer"
            return contact(transferred ? .transferred : .completed, agent: agent, reason: CTIText.nonEmpty(message["Reason"]))
        case "QueueCallerAbandon":
            return contact(.abandoned)
        case "Hold":
            return contact(.hold, unique: stamp)
        case "Unhold":
            return contact(.unhold, unique: stamp)
        case "QueueMemberAdded":
            let paused = message["Paused"] == "1"
            return seat(.loggedIn, agent)
                + (paused ? seat(.notReady, agent, reason: pauseReason(message)) : [])
        case "QueueMemberRemoved":
            return seat(.loggedOut, agent)
        case "QueueMemberPause":
            return message["Paused"] == "1"
                ? seat(.notReady, agent, reason: pauseReason(message))
                : seat(.ready, agent)
        case "AgentLogin":
            return seat(.loggedIn, CTIText.nonEmpty(message["Agent"]))
        case "AgentLogoff":
            return seat(.loggedOut, CTIText.nonEmpty(message["Agent"]))
        default:
            return []
        }
    }

    /// Asterisk 13+ names it `PausedReason`; 12 sent `Reason`.
    private func pauseReason(_ message: [String: String]) -> String? {
        CTIText.nonEmpty(message["PausedReason"]) ?? CTIText.nonEmpty(message["Reason"])
    }
}

