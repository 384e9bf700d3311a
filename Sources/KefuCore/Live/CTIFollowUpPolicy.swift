import Foundation

/// When the follow-ups of stored CTI events (wallboards told, voicemail orders, the built-in
/// ACD's offers) are taken up again. A stored event must never lose them, so a failure only
/// postpones: the delay grows so a database that is down is not hammered, and is capped so
/// a voicemail waits minutes, not hours, once the fault is gone.
public struct CTIFollowUpPolicy: Sendable, Equatable {
    /// How long a process that took a batch keeps it before another may take it over: long
    /// against the milliseconds the follow-ups take, short against a crashed process.
    public var leaseSeconds: TimeInterval
    /// The wait after the first, second, … failed attempt; the last repeats.
    public var retryDelays: [TimeInterval]

    public init(leaseSeconds: TimeInterval = 30, retryDelays: [TimeInterval] = [5, 15, 60, 300]) {
        self.leaseSeconds = leaseSeconds
        self.retryDelays = retryDelays.isEmpty ? [5] : retryDelays
    }

    public func leaseEnd(from now: Date) -> Date { now.addingTimeInterval(leaseSeconds) }

    /// When a batch that failed on its `attempt`-th try (counting from 1) is due again.
    public func nextAttempt(after attempt: Int, failedAt now: Date) -> Date {
        let index = min(max(attempt, 1), retryDelays.count) - 1
        return now.addingTimeInterval(retryDelays[index])
    }

    /// The events whose follow-up is per event rather than per batch: each voicemail becomes
    /// one order. Ids are listed once each, in the order received.
    public static func voicemailEventIDs(in events: [CTIEvent]) -> [String] {
        var seen: Set<String> = []
        return events.filter { $0.type == .contact(.voicemail) && seen.insert($0.id).inserted }.map(\.id)
    }
}
