import Foundation

/// Maps FreeSWITCH mod_callcenter events (`CUSTOM callcenter::info`) to
/// canonical CTI events.
///
/// Calls are identified by `CC-Member-Session-UUID` (the caller's channel,
/// stable across queues), falling back to `CC-Member-UUID`. Agents and queues
/// are named with a domain (`1001@default`, `support@default`); the part
/// before `@` is used unless a mapping is given. Times come from
/// `Event-Date-Timestamp` (microseconds since 1970).
///
/// Mapped actions: member-queue-start → enqueued, agent-offering → offered,
/// bridge-agent-start → answered, bridge-agent-end → completed,
/// member-queue-end → abandoned when `CC-Cause: Cancel` (reason =
/// `CC-Cancel-Reason`) and completed when `Terminated` (same id as the
/// bridge end, so stored once), agent-status-change → logged_out / ready /
/// not_ready("On Break"), agent-state-change → ready when the agent is back
/// to `Waiting` with status Available or not yet seen (that is how FreeSWITCH
/// ends its own wrap-up), not_ready("Idle") for `Idle`.
///
/// A value type with a little memory: the last status per agent, because
/// `agent-state-change` does not repeat the status and "Waiting" means ready
/// only for an agent whose status is Available.
public struct ESLAdapter: Sendable {
    public typealias Mapping = @Sendable (String) -> String

    private let agentWorkId: Mapping
    private let queueName: Mapping
    private var statusByAgent: [String: String] = [:]

    /// `1001@default` → `1001`, `support@default` → `support`.
    public static let withoutDomain: Mapping = { name in
        guard let at = name.firstIndex(of: "@"), at != name.startIndex else { return name }
        return String(name[..<at])
    }

    public init(agentWorkId: @escaping Mapping = ESLAdapter.withoutDomain,
                queueName: @escaping Mapping = ESLAdapter.withoutDomain) {
        self.agentWorkId = agentWorkId
        self.queueName = queueName
    }

    public mutating func events(from event: [String: String], receivedAt: Date) -> [CTIEvent] {
        guard event["Event-Name"] == "CUSTOM", event["Event-Subclass"] == "callcenter::info",
              let action = event["CC-Action"] else { return [] }
        let at = event["Event-Date-Timestamp"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1_000_000) }
            ?? receivedAt
        let stamp = event["Event-Sequence"] ?? event["Event-Date-Timestamp"] ?? CTITimestamp.format(at)
        let callId = CTIText.nonEmpty(event["CC-Member-Session-UUID"]) ?? CTIText.nonEmpty(event["CC-Member-UUID"])
        let queue = CTIText.nonEmpty(event["CC-Queue"]).map(queueName)
        let agent = CTIText.nonEmpty(event["CC-Agent"]).map(agentWorkId)

        func contact(_ type: ContactEventType, agent: String? = nil, reason: String? = nil) -> [CTIEvent] {
            guard let callId else { return [] }
            let id = ["esl", callId, type.rawValue, agent].compactMap { $0 }.joined(separator: ":")
            return [CTIEvent(id: id, type, at: at, callId: callId, queue: queue,
                             caller: CTIText.nonEmpty(event["CC-Member-CID-Number"]), agentWorkId: agent, reason: reason)]
        }
        func seat(_ type: AgentEventType, reason: String? = nil) -> [CTIEvent] {
            guard let agent else { return [] }
            return [CTIEvent(id: "esl:\(agent):\(type.rawValue):\(stamp)", type, at: at, agentWorkId: agent, reason: reason)]
        }

        switch action {
        case "member-queue-start":
            return contact(.enqueued)
        case "agent-offering":
            return contact(.offered, agent: agent)
        case "bridge-agent-start":
            return contact(.answered, agent: agent)
        case "bridge-agent-end":
            return contact(.completed)
        case "member-queue-end":
            switch event["CC-Cause"] {
            case "Cancel": return contact(.abandoned, reason: CTIText.nonEmpty(event["CC-Cancel-Reason"]))
            case "Terminated": return contact(.completed)
            default: return []
            }
        case "agent-status-change":
            guard let agent, let status = event["CC-Agent-Status"] else { return [] }
            statusByAgent[agent] = status
            switch status {
            case "Logged Out": return seat(.loggedOut)
            case "Available", "Available (On Demand)": return seat(.ready)
            case "On Break": return seat(.notReady, reason: status)
            default: return []
            }
        case "agent-state-change":
            guard let agent else { return [] }
            switch event["CC-Agent-State"] {
            case "Waiting":
                // Unknown status: an agent who gets queue calls is evidently Available.
                let status = statusByAgent[agent] ?? "Available"
                return status == "Available" || status == "Available (On Demand)" ? seat(.ready) : []
            case "Idle":
                return seat(.notReady, reason: "Idle")
            default:
                return []
            }
        default:
            return []
        }
    }
}
