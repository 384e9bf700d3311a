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

    /// The name planners read; the raw value stays the stored and API spelling.
    public var label: String {
        switch self {
        case .holtWinters: "霍尔特-温特斯指数平滑"
        case .wacc: "加权同期平均"
        }
    }

    /// Shown where a run asked for no method and the backtest chose (stored as "auto").
    public static let automaticLabel = "自动选择"

    /// The label of a stored method name; names this build does not know are shown as stored.
    public static func label(of stored: String) -> String {
        if stored == "auto" { return automaticLabel }
        return ForecastMethod(rawValue: stored)?.label ?? stored
    }
}
