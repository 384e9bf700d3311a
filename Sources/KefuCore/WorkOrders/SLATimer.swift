import Foundation

/// A deadline that pauses while the order waits on the customer (R1.4).
///
/// Time spent waiting for the customer must not count against the agent, so
/// the timer remembers how much counted time it has spent paused and pushes
/// every due instant back by exactly that much. It is a plain value: the
/// server persists its fields and rebuilds it, so no clock lives in here —
/// every question takes `now` explicitly, which also keeps it testable.
public struct SLATimer: Sendable, Equatable {
    /// When the clock started (e.g. order creation or assignment).
    public var start: Date
    /// The target in counted seconds of `calendar`.
    public var targetSeconds: Int
    /// Counted seconds spent paused in pauses that have already ended.
    public var pausedSeconds: Int
    /// Non-nil while paused now: the instant the current pause began.
    public var pausedSince: Date?
    /// Which hours count toward the target.
    public var calendar: ServiceCalendar

    public init(start: Date, targetSeconds: Int, calendar: ServiceCalendar,
                pausedSeconds: Int = 0, pausedSince: Date? = nil) {
        self.start = start
        self.targetSeconds = targetSeconds
        self.calendar = calendar
        self.pausedSeconds = pausedSeconds
        self.pausedSince = pausedSince
    }

    /// Whether the timer is paused right now (waiting on the customer).
    public var isPaused: Bool { pausedSince != nil }

    /// When `percent` of the target will have been used:
    /// `calendar.adding(seconds: targetSeconds * percent / 100 + pausedSeconds, to: start)`.
    /// Returns nil while paused — nothing can fall due while the clock is
    /// stopped, and the instant is unknown until the pause ends.
    public func dueAt(percent: Int = 100) -> Date? {
        guard pausedSince == nil else { return nil }
        return calendar.adding(seconds: share(percent: percent) + max(0, pausedSeconds), to: start)
    }

    /// Counted seconds since `start`, minus all pauses (including a pause that
    /// is still running); never negative.
    public func elapsedSeconds(at now: Date) -> Int {
        var elapsed = calendar.countedSeconds(from: start, to: now) - pausedSeconds
        if let since = pausedSince {
            elapsed -= calendar.countedSeconds(from: max(since, start), to: now)
        }
        return max(0, elapsed)
    }

    /// `elapsed / target`; may exceed 1 once overdue. With a zero target the
    /// order is due immediately, so the result is 1.0 once started (0 before).
    public func fractionUsed(at now: Date) -> Double {
        guard targetSeconds > 0 else { return now >= start ? 1.0 : 0.0 }
        return Double(elapsedSeconds(at: now)) / Double(targetSeconds)
    }

    /// Stops the clock (order now waits on the customer). No-op if already paused,
    /// so a repeated request cannot lose the original pause start.
    public mutating func pause(at now: Date) {
        guard pausedSince == nil else { return }
        pausedSince = now
    }

    /// Restarts the clock, adding the counted time of the pause to
    /// `pausedSeconds`. No-op if not paused.
    public mutating func resume(at now: Date) {
        guard let since = pausedSince else { return }
        pausedSeconds += calendar.countedSeconds(from: max(since, start), to: now)
        pausedSince = nil
    }

    /// `targetSeconds * percent / 100`, clamped to be non-negative and
    /// saturating instead of trapping on absurd inputs.
    private func share(percent: Int) -> Int {
        let (product, overflow) = max(0, targetSeconds).multipliedReportingOverflow(by: max(0, percent))
        return overflow ? Int.max / 2 : product / 100
    }
}
