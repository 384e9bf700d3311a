import Foundation

/// Damped-trend Holt-Winters on daily totals with a weekly season.
///
/// Daily totals carry the level and trend (the "year" of the seed rule) and
/// the weekly rhythm; a damped trend keeps a long horizon from running away.
/// Whether the weekly swing is additive or multiplicative, and the smoothing
/// constants, are chosen by a small grid search on one-step-ahead error —
/// cheap enough (a few hundred passes over ≤ 1,100 days) to redo per call.
struct HoltWinters: Sendable {
    static let period = 7

    enum Season: Sendable { case additive, multiplicative }

    struct Parameters: Sendable {
        var alpha: Double, beta: Double, gamma: Double, phi: Double
        var season: Season
    }

    let parameters: Parameters
    private let level: Double
    private let trend: Double
    /// Seasonal terms indexed by day index modulo 7.
    private let seasonal: [Double]
    /// Index of the last day fitted.
    private let last: Int

    /// Fits on `series` (NaN = missing day, skipped without update).
    init(series: [Double]) {
        var best: (sse: Double, fit: HoltWinters)?
        for season in [Season.additive, .multiplicative] {
            for alpha in [0.05, 0.1, 0.2, 0.35, 0.5, 0.7] {
                for beta in [0.0, 0.02, 0.05, 0.15] {
                    for gamma in [0.05, 0.15, 0.3, 0.5] {
                        for phi in [0.9, 0.98] {
                            let p = Parameters(alpha: alpha, beta: beta, gamma: gamma, phi: phi, season: season)
                            let (sse, fit) = Self.run(series, p)
                            if sse < (best?.sse ?? .infinity) { best = (sse, fit) }
                        }
                    }
                }
            }
        }
        self = best?.fit ?? Self.run(series, Parameters(alpha: 0.2, beta: 0, gamma: 0.1, phi: 0.9, season: .additive)).1
    }

    private init(parameters: Parameters, level: Double, trend: Double, seasonal: [Double], last: Int) {
        self.parameters = parameters
        self.level = level
        self.trend = trend
        self.seasonal = seasonal
        self.last = last
    }

    /// Forecast for day index `index` (after the fitted series; earlier
    /// indices are treated as one step ahead).
    func forecast(at index: Int) -> Double {
        let h = max(1, index - last)
        let phi = parameters.phi
        // Σ φ^i for i = 1…h, closed form.
        let damped = phi == 1 ? Double(h) : phi * (1 - pow(phi, Double(h))) / (1 - phi)
        let base = level + damped * trend
        let s = seasonal[Self.phase(index)]
        let value = parameters.season == .additive ? base + s : base * s
        return value.isFinite ? max(0, value) : 0
    }

    private static func phase(_ index: Int) -> Int { ((index % period) + period) % period }

    /// One pass: returns the sum of squared one-step errors (after a week of
    /// burn-in) and the final state.
    private static func run(_ y: [Double], _ p: Parameters) -> (Double, HoltWinters) {
        let n = y.count
        func mean(_ range: Range<Int>) -> Double? {
            var sum = 0.0, count = 0.0
            for i in range where i < n && !y[i].isNaN { sum += y[i]; count += 1 }
            return count > 0 ? sum / count : nil
        }
        var level = mean(0..<min(14, n)) ?? mean(0..<n) ?? 0
        var trend = 0.0
        if let first = mean(0..<7), let second = mean(7..<14) { trend = (second - first) / 7 }
        let multiplicative = p.season == .multiplicative
        if multiplicative && level <= 0 { return (.infinity, HoltWinters(parameters: p, level: 0, trend: 0,
                                                                       seasonal: Array(repeating: 1, count: period),
                                                                       last: n - 1)) }
        var seasonal = Array(repeating: multiplicative ? 1.0 : 0.0, count: period)
        for phase in 0..<period {
            var sum = 0.0, count = 0.0
            var i = phase
            while i < min(28, n) {
                if !y[i].isNaN { sum += y[i] - trend * Double(i - 7); count += 1 }
                i += period
            }
            guard count > 0 else { continue }
            seasonal[phase] = multiplicative ? sum / count / level : sum / count - level
        }
        // Level at "day −1" so the first step forecasts day 0.
        level -= trend * 7
        var sse = 0.0
        for t in 0..<n {
            let s = seasonal[t % period]
            let base = level + p.phi * trend
            guard !y[t].isNaN else {
                level = base
                trend *= p.phi
                continue
            }
            let predicted = multiplicative ? base * s : base + s
            if t >= period { sse += (y[t] - predicted) * (y[t] - predicted) }
            let previous = level
            if multiplicative {
                level = p.alpha * y[t] / max(s, 1e-3) + (1 - p.alpha) * base
                level = max(level, 1e-6)
                trend = p.beta * (level - previous) + (1 - p.beta) * p.phi * trend
                seasonal[t % period] = min(max(p.gamma * y[t] / level + (1 - p.gamma) * s, 1e-3), 1e3)
            } else {
                level = p.alpha * (y[t] - s) + (1 - p.alpha) * base
                trend = p.beta * (level - previous) + (1 - p.beta) * p.phi * trend
                seasonal[t % period] = p.gamma * (y[t] - level) + (1 - p.gamma) * s
            }
        }
        if !sse.isFinite { sse = .infinity }
        return (sse, HoltWinters(parameters: p, level: level, trend: trend, seasonal: seasonal, last: n - 1))
    }
}
