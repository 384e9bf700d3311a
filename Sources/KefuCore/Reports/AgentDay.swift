import Foundation

/// One agent's figures for one day (R10.3): what they see before leaving, and what their
/// team lead sees for each of the team. Calls come from the switch's events, orders from
/// the desk, the QC score from the day's scored contacts, attendance from the sheet.
public struct AgentDay: Codable, Equatable, Sendable {
    public var callsAnswered: Int
    /// Calls answered that day whose talk has ended, and their talk in seconds (AHT's base).
    public var callsCompleted: Int
    public var talkSeconds: Int
    public var ordersCreated: Int
    public var ordersClosed: Int
    public var qcContacts: Int
    public var qcScoreSum: Int

    public init(callsAnswered: Int = 0, callsCompleted: Int = 0, talkSeconds: Int = 0, ordersCreated: Int = 0, ordersClosed: Int = 0,
                qcContacts: Int = 0, qcScoreSum: Int = 0) {
        self.callsAnswered = callsAnswered; self.callsCompleted = callsCompleted; self.talkSeconds = talkSeconds
        self.ordersCreated = ordersCreated; self.ordersClosed = ordersClosed; self.qcContacts = qcContacts; self.qcScoreSum = qcScoreSum
    }

    /// Average handling time in seconds (talk of completed calls), nil before the first one ends.
    public var averageHandlingSeconds: Int? { callsCompleted == 0 ? nil : Int((Double(talkSeconds) / Double(callsCompleted)).rounded()) }
    public var qcAverage: Double? { qcContacts == 0 ? nil : Double(qcScoreSum) / Double(qcContacts) }

    /// One stored switch event of a call, as the figures read it.
    public struct CallEvent: Sendable {
        public var callId: String
        public var type: ContactEventType
        public var at: Date
        public var agentWorkId: String?

        public init(callId: String, type: ContactEventType, at: Date, agentWorkId: String?) {
            self.callId = callId; self.type = type; self.at = at; self.agentWorkId = agentWorkId
        }
    }

    /// The calls `agent` answered among `events` (in arrival order), and the talk of those
    /// that ended: an answer belongs to the agent it names, else to the agent last offered
    /// the call; the talk ends at completion, a transfer or a hang-up.
    public static func calls(of agent: String, in events: [CallEvent], answeredFrom start: Date, until end: Date) -> (answered: Int, completed: Int, talkSeconds: Int) {
        var offeredTo: [String: String] = [:]
        var talking: [String: Date] = [:]
        var answered = 0, completed = 0, talk = 0.0
        for e in events {
            switch e.type {
            case .offered:
                if let a = e.agentWorkId { offeredTo[e.callId] = a }
            case .answered:
                if (e.agentWorkId ?? offeredTo[e.callId]) == agent, e.at >= start, e.at < end {
                    answered += 1
                    talking[e.callId] = e.at
                }
            case .completed, .transferred, .abandoned:
                if let since = talking.removeValue(forKey: e.callId) {
                    completed += 1
                    talk += max(0, e.at.timeIntervalSince(since))
                }
            default:
                break
            }
        }
        return (answered, completed, Int(talk.rounded()))
    }

    public static func + (a: AgentDay, b: AgentDay) -> AgentDay {
        AgentDay(callsAnswered: a.callsAnswered + b.callsAnswered, callsCompleted: a.callsCompleted + b.callsCompleted,
                 talkSeconds: a.talkSeconds + b.talkSeconds, ordersCreated: a.ordersCreated + b.ordersCreated,
                 ordersClosed: a.ordersClosed + b.ordersClosed, qcContacts: a.qcContacts + b.qcContacts, qcScoreSum: a.qcScoreSum + b.qcScoreSum)
    }
}
