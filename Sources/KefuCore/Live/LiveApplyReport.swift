import Foundation

/// What `LiveState.apply` did with each event id, so the API can answer
/// "accepted" for new and already-known events alike (resending is harmless)
/// while logs can still tell them apart.
public struct LiveApplyReport: Hashable, Sendable {
    /// Newly stored and reduced.
    public var applied: [String] = []
    /// Already known (earlier batch or earlier in this batch); the first copy wins.
    public var duplicates: [String] = []
    /// Older than the horizon passed to `discardEvents(before:)`: they can no
    /// longer be placed in order, so they are left out of live state (they may
    /// still be stored for reports).
    public var tooOld: [String] = []
    /// True when an event older than the last one applied forced a replay.
    public var replayed = false

    public init() {}
}
