import Foundation

/// WACC: the same weekday of the last weeks, averaged with weights that
/// decay with age, times a trend ratio.
///
/// This is how planners forecast by hand ("last four Mondays, the latest
/// counting most"), so its numbers are easy to explain; it also copes with
/// short or irregular history where Holt-Winters has little to fit.
struct WeightedAverageForecast: Sendable {
    /// Up to this many same-weekday values are averaged…
    static let weeks = 6
    /// …looking back at most this many weeks (to step over gaps).
    static let maxLookbackWeeks = 10
    static let decay = 0.75
    /// Window of each side of the trend ratio, days.
    static let trendWindow = 28
    /// The trend is extrapolated at most this many days past the data.
    static let maxTrendDays = 91.0

    private let series: [Double]
    /// Growth per day (1 = flat).
    let dailyGrowth: Double
    private let recentMean: Double

    init(series: [Double]) {
        self.series = series
        let n = series.count
        func mean(_ range: Range<Int>) -> (value: Double, count: Int) {
            var sum = 0.0, count = 0
            for i in range where i >= 0 && i < n && !series[i].isNaN { sum += series[i]; count += 1 }
            return (count > 0 ? sum / Double(count) : 0, count)
        }
        let window = Self.trendWindow
        let recent = mean((n - window)..<n)
        let earlier = mean((n - 2 * window)..<(n - window))
        recentMean = recent.count > 0 ? recent.value : mean(0..<n).value
        if recent.count >= window / 2, earlier.count >= window / 2, earlier.value > 0, recent.value > 0 {
            let ratio = min(max(recent.value / earlier.value, 0.5), 2)
            dailyGrowth = pow(ratio, 1 / Double(window))
        } else {
            dailyGrowth = 1
        }
    }

    /// Forecast for day index `index`, at or after the end of the series.
    func forecast(at index: Int) -> Double {
        let n = series.count
        var weighted = 0.0, weights = 0.0, lagSum = 0.0
        var weight = 1.0, used = 0
        // The latest day of the same weekday strictly before the series end.
        var day = n - 1 - ((((n - 1 - index) % 7) + 7) % 7)
        var looked = 0
        while day >= 0, used < Self.weeks, looked < Self.maxLookbackWeeks {
            if !series[day].isNaN {
                weighted += weight * series[day]
                weights += weight
                lagSum += weight * Double(index - day)
                weight *= Self.decay
                used += 1
            }
            day -= 7
            looked += 1
        }
        guard weights > 0 else { return max(0, recentMean) }
        let base = weighted / weights
        // The weighted average sits at its mean lag; carry it forward to the target day.
        let lag = min(max(lagSum / weights, -Self.maxTrendDays), Self.maxTrendDays)
        let value = base * pow(dailyGrowth, lag)
        return value.isFinite ? max(0, value) : 0
    }
}
