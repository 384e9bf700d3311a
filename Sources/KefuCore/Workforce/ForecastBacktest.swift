import Foundation

/// Forecast error of one held-out day, so planners see *which* days a
/// method misses (holidays, month start) rather than one average.
public struct ForecastDayError: Codable, Equatable, Sendable {
    public var day: LocalDay
    /// Contacts offered in the intervals that have data.
    public var actual: Double
    /// Forecast for those same intervals.
    public var forecast: Double
    /// |actual − forecast| / actual; nil when actual is 0.
    public var ape: Double?

    public init(day: LocalDay, actual: Double, forecast: Double, ape: Double?) {
        self.day = day
        self.actual = actual
        self.forecast = forecast
        self.ape = ape
    }
}

/// How one method would have done on the most recent days of history had it
/// been fitted without them — the evidence for choosing (and trusting) it.
public struct ForecastBacktestReport: Codable, Equatable, Sendable {
    public var method: ForecastMethod
    /// Mean absolute percentage error over intervals with actual > 0, as a fraction.
    public var mape: Double
    /// Σ|error| / Σactual over all held-out intervals, as a fraction; robust
    /// to quiet intervals, hence the selection criterion.
    public var wape: Double
    public var days: [ForecastDayError]
    /// WAPE per slot of the day over the holdout (0 when a slot had no
    /// traffic and none was forecast, 1 when it had none but some was).
    public var slotWAPE: [Double]

    public init(method: ForecastMethod, mape: Double, wape: Double, days: [ForecastDayError], slotWAPE: [Double]) {
        self.method = method
        self.mape = mape
        self.wape = wape
        self.days = days
        self.slotWAPE = slotWAPE
    }
}

/// Scores a fitted forecast against the held-out tail of the history grid.
enum ForecastBacktest {
    /// Holdout length: a week, or two once there are 8 weeks of history, so
    /// each weekday is scored at least once (twice when history allows).
    static func holdoutDays(historyDays: Int) -> Int { historyDays >= 56 ? 14 : 7 }

    /// - Parameter intervals: forecast offered per slot for a held-out day index.
    static func report(method: ForecastMethod, history: ForecastHistory, holdout: Range<Int>,
                       intervals: (Int) -> [Double]) -> ForecastBacktestReport {
        let slots = history.slots
        var slotError = Array(repeating: 0.0, count: slots)
        var slotActual = Array(repeating: 0.0, count: slots)
        var slotForecast = Array(repeating: 0.0, count: slots)
        var apeSum = 0.0, apeCount = 0.0
        var days: [ForecastDayError] = []
        for d in holdout {
            let forecast = intervals(d)
            var actualDay = 0.0, forecastDay = 0.0, any = false
            for s in 0..<slots where history.present[d * slots + s] {
                let actual = history.offered[d * slots + s]
                let error = abs(actual - forecast[s])
                slotError[s] += error
                slotActual[s] += actual
                slotForecast[s] += forecast[s]
                if actual > 0 { apeSum += error / actual; apeCount += 1 }
                actualDay += actual
                forecastDay += forecast[s]
                any = true
            }
            guard any else { continue }
            days.append(ForecastDayError(day: history.day(at: d), actual: actualDay, forecast: forecastDay,
                                         ape: actualDay > 0 ? abs(actualDay - forecastDay) / actualDay : nil))
        }
        func wape(_ error: Double, _ actual: Double, _ forecast: Double) -> Double {
            if actual > 0 { return error / actual }
            return forecast > 1e-9 ? 1 : 0
        }
        return ForecastBacktestReport(
            method: method,
            mape: apeCount > 0 ? apeSum / apeCount : 0,
            wape: wape(slotError.reduce(0, +), slotActual.reduce(0, +), slotForecast.reduce(0, +)),
            days: days,
            slotWAPE: (0..<slots).map { wape(slotError[$0], slotActual[$0], slotForecast[$0]) })
    }
}
