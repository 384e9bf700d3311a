import Foundation

/// One forecast interval: the staffing calculation (Erlang C) needs both
/// the volume and the handle time per interval.
public struct ForecastInterval: Codable, Equatable, Sendable {
    public var day: LocalDay
    public var slot: Int
    public var start: Date
    /// Forecast contacts offered (fractional: it is an expectation).
    public var offered: Double
    public var ahtSeconds: Double
    /// The holiday the day belongs to, shown so planners see why it differs.
    public var holiday: String?

    public init(day: LocalDay, slot: Int, start: Date, offered: Double, ahtSeconds: Double, holiday: String?) {
        self.day = day
        self.slot = slot
        self.start = start
        self.offered = offered
        self.ahtSeconds = ahtSeconds
        self.holiday = holiday
    }
}

/// A traffic forecast with the evidence for trusting it: the backtest of
/// every method and the learned month-start effect (月初出帐日).
public struct ForecastResult: Codable, Equatable, Sendable {
    /// The method used.
    public var method: ForecastMethod
    /// horizonDays × slotsPerDay intervals, in time order.
    public var intervals: [ForecastInterval]
    /// Every method evaluated on the holdout, the one used first.
    public var backtests: [ForecastBacktestReport]
    /// Learned multiplier for day-of-month 1…5 (1 = no effect).
    public var monthStartFactors: [Double]

    public init(method: ForecastMethod, intervals: [ForecastInterval], backtests: [ForecastBacktestReport],
                monthStartFactors: [Double]) {
        self.method = method
        self.intervals = intervals
        self.backtests = backtests
        self.monthStartFactors = monthStartFactors
    }
}
