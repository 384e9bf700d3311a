import Foundation

/// Maps instants to the center's local days and interval slots.
///
/// Forecasts, rosters and the five tables all speak in (day, slot) pairs of
/// the center's wall clock; keeping that mapping in one place means an
/// interval imported from CSV and one folded from CTI events land in the
/// same cell.
public struct WorkforceClock: Sendable, Equatable {
    public var timeZone: TimeZone
    /// Minutes per interval: 15 or 30 (60 also accepted).
    public var intervalMinutes: Int

    public init(timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!, intervalMinutes: Int) throws {
        guard [15, 30, 60].contains(intervalMinutes) else {
            throw WorkforceError.invalidInput(field: "interval", reason: "时段长度只能是 15、30 或 60 分钟")
        }
        self.timeZone = timeZone
        self.intervalMinutes = intervalMinutes
    }

    /// Intervals per day (48 for 30-minute intervals).
    public var slotsPerDay: Int { 24 * 60 / intervalMinutes }

    /// The local day and slot an instant falls in.
    public func locate(_ date: Date) -> (day: LocalDay, slot: Int) {
        let offset = timeZone.secondsFromGMT(for: date)
        let local = Int((date.timeIntervalSince1970 + Double(offset)).rounded(.down))
        let dayNumber = Self.floorDiv(local, 86_400)
        let secondOfDay = local - dayNumber * 86_400
        return (LocalDay(dayNumber: dayNumber), secondOfDay / (intervalMinutes * 60))
    }

    /// The instant a slot of a local day starts.
    public func start(of day: LocalDay, slot: Int) -> Date {
        let localSeconds = Double(day.dayNumber * 86_400 + slot * intervalMinutes * 60)
        let guess = Date(timeIntervalSince1970: localSeconds)
        let offset = timeZone.secondsFromGMT(for: guess)
        return Date(timeIntervalSince1970: localSeconds - Double(offset))
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
