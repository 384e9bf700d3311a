import Foundation

/// Everything a traffic forecast needs, gathered so the CLI, the server and
/// the tests call the forecaster the same way.
public struct ForecastRequest: Sendable {
    /// Interval history (gaps mean "no data", not zero; any order).
    public var history: [IntervalVolume]
    /// Decides which local day and slot each interval belongs to.
    public var clock: WorkforceClock
    /// First forecast day (usually the 1st of next month).
    public var firstDay: LocalDay
    /// Days to forecast, 1...400.
    public var horizonDays: Int
    /// nil = auto: the method with the lowest backtest WAPE.
    public var method: ForecastMethod?
    /// Holiday days, in history and in the horizon.
    public var holidays: WorkforceHolidays

    public init(history: [IntervalVolume], clock: WorkforceClock, firstDay: LocalDay, horizonDays: Int,
                method: ForecastMethod? = nil, holidays: WorkforceHolidays = .init()) {
        self.history = history
        self.clock = clock
        self.firstDay = firstDay
        self.horizonDays = horizonDays
        self.method = method
        self.holidays = holidays
    }

    /// Longest horizon accepted: a year plus a month covers next year's plan.
    public static let horizonRange = 1...400
    /// Fewest days with data: two weeks, so every weekday is seen twice.
    public static let minimumHistoryDays = 14
}
