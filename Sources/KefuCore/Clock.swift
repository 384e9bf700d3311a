import Foundation

/// The one source of "now". Deadlines, escalations and reports all ask a clock,
/// so tests and the training mode can move time without touching the system clock.
public protocol KefuClock: Sendable {
    func now() -> Date
}

/// Wall-clock time.
public struct SystemClock: KefuClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that runs from the system clock plus an offset that only grows.
/// Used by tests and by `kefu serve --simulated-clock` (training centers fast-forward days).
public final class OffsetClock: KefuClock, @unchecked Sendable {
    private let lock = NSLock()
    private var offset: TimeInterval
    private let base: @Sendable () -> Date

    public init(offsetSeconds: TimeInterval = 0, base: @escaping @Sendable () -> Date = { Date() }) {
        self.offset = offsetSeconds
        self.base = base
    }

    public func now() -> Date {
        lock.lock(); defer { lock.unlock() }
        return base().addingTimeInterval(offset)
    }

    public var offsetSeconds: TimeInterval {
        lock.lock(); defer { lock.unlock() }
        return offset
    }

    /// Moves time forward; time never runs backwards, so deadlines already fired stay fired.
    public func advance(by seconds: TimeInterval) {
        lock.lock(); defer { lock.unlock() }
        offset += max(0, seconds)
    }

    public func set(offsetSeconds: TimeInterval) {
        lock.lock(); defer { lock.unlock() }
        offset = offsetSeconds
    }
}

/// A clock frozen at a chosen instant, for unit tests.
public final class ManualClock: KefuClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    public init(_ start: Date) { current = start }
    public func now() -> Date { lock.lock(); defer { lock.unlock() }; return current }
    public func advance(by seconds: TimeInterval) { lock.lock(); current += seconds; lock.unlock() }
}
