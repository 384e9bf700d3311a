import Foundation

/// How daily traffic is projected forward. Two methods are kept because
/// neither wins everywhere: Holt-Winters follows trends and level shifts,
/// while weighted averages of recent weeks are robust on short or noisy
/// history. The forecaster backtests both and, unless told otherwise, uses
/// the one that would have erred least.
public enum ForecastMethod: String, Codable, CaseIterable, Sendable {
    /// Damped-trend Holt-Winters with weekly seasonality on daily totals.
    case holtWinters = "holt-winters"
    /// Weighted same-weekday averages of the last weeks (WACC), times a trend ratio.
    case wacc
}
