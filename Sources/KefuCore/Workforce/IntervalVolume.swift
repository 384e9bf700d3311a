import Foundation

/// One interval of traffic history (话务量), the unit every workforce step
/// works in: the forecast reads it, the five tables compare against it.
///
/// `start` is an absolute instant; which local day and slot it belongs to is
/// decided with the center's time zone (`WorkforceClock`), so history from
/// CTI events and from a CSV import line up the same way.
public struct IntervalVolume: Codable, Equatable, Sendable {
    public var start: Date
    /// Contacts offered to the queue in the interval.
    public var offered: Int
    public var answered: Int
    public var abandoned: Int
    /// Average handle time of the answered contacts, seconds (0 when none).
    public var ahtSeconds: Double

    public init(start: Date, offered: Int, answered: Int, abandoned: Int, ahtSeconds: Double) {
        self.start = start
        self.offered = offered
        self.answered = answered
        self.abandoned = abandoned
        self.ahtSeconds = ahtSeconds
    }
}
