import Foundation

/// What happened to a contact (a call), in the one vocabulary every switch is
/// translated into, so live state never depends on which switch a center runs.
///
/// Raw values are the wire spelling of `POST /api/v1/cti/events`.
public enum ContactEventType: String, CaseIterable, Codable, Hashable, Sendable {
    case enqueued
    case offered
    case answered
    case hold
    case unhold
    case transferred
    case completed
    case abandoned
    case ivrSelected = "ivr_selected"
    case voicemail

    /// Whether the event names an agent it cannot be understood without: an
    /// offer rings *someone*; the other events find their agent through the call.
    public var requiresAgent: Bool { self == .offered }

    /// Whether the event places the call somewhere it cannot be placed without a queue.
    public var requiresQueue: Bool { self == .enqueued }
}
