import Foundation

/// The verdict on one element of a CTI batch, in request order, so the answer
/// can tell the switch exactly which events to fix and resend.
public enum CTIEventResult: Hashable, Sendable {
    case accepted(CTIEvent)
    /// `id` is echoed when the element had a readable one, so the sender can
    /// match the answer without counting positions.
    case rejected(index: Int, id: String?, reason: CTIEventRejection)

    public var event: CTIEvent? {
        if case .accepted(let event) = self { return event }
        return nil
    }

    public var rejection: CTIEventRejection? {
        if case .rejected(_, _, let reason) = self { return reason }
        return nil
    }
}
