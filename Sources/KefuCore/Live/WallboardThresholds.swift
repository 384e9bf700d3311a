import Foundation

/// When a wallboard figure needs the shift lead's eye (R3.5). The browser ticks
/// the longest wait between events, so it receives these numbers and repeats the
/// three comparisons; this type is where they are decided.
public struct WallboardThresholds: Sendable, Equatable, Codable {
    /// Service level below this share is shown as missed. 80 % answered within
    /// the service-level seconds is the usual 80/20 target; the seed sets none.
    public var serviceLevelTarget: Double
    /// A caller waiting longer than this has already missed the service level,
    /// so the service-level seconds are the longest wait's threshold.
    public var longestWaitSeconds: Int
    /// More calls waiting than this is where the emergency ladder's first step
    /// begins (seed 002: 呼入等待人数 >5).
    public var waitingAbove: Int

    public static let defaultServiceLevelTarget = 0.8

    public init(serviceLevelTarget: Double = Self.defaultServiceLevelTarget, longestWaitSeconds: Int, waitingAbove: Int) {
        self.serviceLevelTarget = serviceLevelTarget
        self.longestWaitSeconds = longestWaitSeconds
        self.waitingAbove = waitingAbove
    }

    /// The center's thresholds: its service-level seconds and the lowest
    /// trigger of its emergency ladder (day or night).
    public init(serviceLevelSeconds: Int, policy: EmergencyPolicy) {
        let night = policy.nightMode.enabled ? policy.nightMode.stages : []
        let triggers = (policy.stages + night).map(\.trigger.above)
        self.init(longestWaitSeconds: serviceLevelSeconds, waitingAbove: triggers.min() ?? policy.release.waitingAtMost)
    }

    /// No figure yet (no call completed today) is not a miss.
    public func serviceLevelMissed(_ value: Double?) -> Bool { value.map { $0 < serviceLevelTarget } ?? false }
    public func longestWaitExceeded(_ seconds: Int) -> Bool { seconds > longestWaitSeconds }
    public func waitingExceeded(_ waiting: Int) -> Bool { waiting > waitingAbove }
}

/// Chinese names for the queue names switches send.
public enum QueueNames {
    /// The group's queue name for the standard queues, else the IVR's label for
    /// the queue an option leads to (`broadband` → 宽带业务), else the name as
    /// the switch sent it, since a queue the center never named has no other name.
    public static func label(_ queue: String, ivr: IVRMenu? = nil) -> String {
        if let group = AgentGroup(rawValue: queue) { return group.queueLabel }
        if let ivr {
            for node in ivr.menus {
                for option in node.options where option.target == .queue(queue) { return option.label }
            }
        }
        return queue
    }

    /// Names for `queues` and for every queue a screen may learn of later (the standard
    /// queues and the IVR's queue targets), for a browser that renders pushed updates.
    public static func labels(_ queues: [String], ivr: IVRMenu? = nil) -> [String: String] {
        var names = AgentGroup.allCases.map(\.rawValue) + queues
        for node in ivr?.menus ?? [] {
            for option in node.options { if case .queue(let name) = option.target { names.append(name) } }
        }
        var labels: [String: String] = [:]
        for name in names { labels[name] = label(name, ivr: ivr) }
        return labels
    }
}
