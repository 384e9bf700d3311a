import Foundation

/// Maps Zammad's generic CTI push (form-encoded `POST` per call event) to
/// canonical CTI events, so PBXs already wired for Zammad can feed Kefu.
///
/// Fields: `event=newCall|answer|hangup`, `from`, `to` (the dialled hotline: picks the
/// branch), `direction=in|out`,
/// `callId`, `user` or `answeringNumber` (who answered), `queue`, `cause`. Zammad's push has no
/// timestamp, so `receivedAt` is used; ids are `zammad:<callId>:<event>`, so a
/// retried push is stored once.
///
/// Only inbound calls are mapped (outbound calls never wait in a queue).
/// `hangup` becomes completed for `normalClearing`/`answeredElsewhere`,
/// transferred for `forwarded`, and abandoned for any other cause (`cancel`,
/// `noAnswer`, `busy`, …); live state counts a "completed" call that was never
/// answered as abandoned anyway.
public struct ZammadCTIAdapter: Sendable {
    public typealias Mapping = @Sendable (String) -> String?

    public let defaultQueue: String
    private let agentWorkId: Mapping

    /// `agentWorkId` turns Zammad's `user` (often a display name or an
    /// extension) into a work ID; nil drops the agent from the event.
    public init(defaultQueue: String = "inbound", agentWorkId: @escaping Mapping = { $0 }) {
        self.defaultQueue = defaultQueue
        self.agentWorkId = agentWorkId
    }

    public func events(from form: [String: String], receivedAt: Date) throws(CTIEventRejection) -> [CTIEvent] {
        guard let event = CTIText.nonEmpty(form["event"]) else { throw .missingField("event") }
        guard let callId = CTIText.nonEmpty(form["callId"]) else { throw .missingCallId(type: event) }
        guard CTIText.nonEmpty(form["direction"]) != "out" else { return [] }
        let id = "zammad:\(callId):\(event)"
        let queue = CTIText.nonEmpty(form["queue"])
        // Zammad identifies who answered by `answeringNumber` (phone, login or id) or by `user`.
        let user = (CTIText.nonEmpty(form["answeringNumber"]) ?? CTIText.nonEmpty(form["user"]) ?? CTIText.nonEmpty(form["user[]"]))
            .flatMap(agentWorkId)
        switch event {
        case "newCall":
            return [CTIEvent(id: id, .enqueued, at: receivedAt, callId: callId, queue: queue ?? defaultQueue,
                             caller: CTIText.nonEmpty(form["from"]), dialled: CTIText.nonEmpty(form["to"]))]
        case "answer":
            return [CTIEvent(id: id, .answered, at: receivedAt, callId: callId, queue: queue, agentWorkId: user)]
        case "hangup":
            let cause = CTIText.nonEmpty(form["cause"])
            let type: ContactEventType
            switch cause {
            case "normalClearing", "answeredElsewhere": type = .completed
            case "forwarded": type = .transferred
            default: type = .abandoned
            }
            return [CTIEvent(id: id, type, at: receivedAt, callId: callId, queue: queue, reason: cause)]
        default:
            throw .unknownType(event)
        }
    }
}
