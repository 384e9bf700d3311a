import Foundation

/// The center's choices that change how events become live figures.
public struct LiveConfiguration: Hashable, Sendable {
    /// The center's zone: "today" starts at its local midnight.
    public var timeZone: TimeZone
    /// Service-level threshold in seconds (Asterisk `servicelevel`), for queues
    /// without their own.
    public var serviceLevelSeconds: Int
    public var serviceLevelSecondsByQueue: [String: Int]
    /// Whether an agent whose call ended goes to 话后处理 until they say `ready`
    /// (true), or straight back to 空闲 (false, for switches that handle wrap-up
    /// time themselves and never send `ready` after a call).
    public var afterContactWork: Bool

    public init(timeZone: TimeZone, serviceLevelSeconds: Int = 20,
                serviceLevelSecondsByQueue: [String: Int] = [:], afterContactWork: Bool = true) {
        self.timeZone = timeZone
        self.serviceLevelSeconds = serviceLevelSeconds
        self.serviceLevelSecondsByQueue = serviceLevelSecondsByQueue
        self.afterContactWork = afterContactWork
    }

    public func serviceLevelSeconds(for queue: String) -> Int {
        serviceLevelSecondsByQueue[queue] ?? serviceLevelSeconds
    }
}
