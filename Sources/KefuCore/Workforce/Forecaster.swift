import Foundation

/// Traffic forecasting for workforce planning (R4.2): history in, expected
/// offered contacts and AHT per interval out, with a backtest that says how
/// far to trust it.
///
/// The daily total is decomposed into trend × weekday × month-start
/// (月初出帐日) × holiday effects; a method projects the adjusted daily
/// series, the learned effects are put back per day, and an intraday profile
/// spreads each day over its intervals. Both methods are backtested on the
/// last one or two weeks, and the chosen one is refitted on all history.
public enum Forecaster {
    public static func forecast(_ request: ForecastRequest) throws -> ForecastResult {
        let history = try ForecastHistory(request)
        let holidays = request.holidays
        let holidayNames = (0..<history.dayCount).map { holidays.holiday(on: history.day(at: $0)) }

        // Backtest: fit on all but the last week(s), score on them.
        let holdout = ForecastBacktest.holdoutDays(historyDays: history.dayCount)
        let cutoff = history.dayCount - holdout
        let training = ForecastDecomposition(history, cutoff: cutoff, holidayNames: holidayNames)
        var reports: [ForecastBacktestReport] = ForecastMethod.allCases.map { method in
            let model = DailyModel(method, series: training.adjusted)
            return ForecastBacktest.report(method: method, history: history, holdout: cutoff..<history.dayCount) {
                dayIntervals(index: $0, day: history.day(at: $0), holiday: holidayNames[$0],
                             model: model, decomposition: training)
            }
        }
        let chosen = request.method ?? reports.min { $0.wape < $1.wape }!.method
        reports.sort { ($0.method == chosen ? 0 : 1) < ($1.method == chosen ? 0 : 1) }

        // Real forecast: everything refitted on the whole history.
        let final = ForecastDecomposition(history, cutoff: history.dayCount, holidayNames: holidayNames)
        let model = DailyModel(chosen, series: final.adjusted)
        let clock = request.clock
        let firstIndex = request.firstDay.dayNumber - history.firstDay.dayNumber
        var intervals: [ForecastInterval] = []
        intervals.reserveCapacity(request.horizonDays * history.slots)
        for offset in 0..<request.horizonDays {
            let day = request.firstDay.adding(days: offset)
            let holiday = holidays.holiday(on: day)
            let offered = dayIntervals(index: firstIndex + offset, day: day, holiday: holiday,
                                       model: model, decomposition: final)
            for slot in 0..<history.slots {
                intervals.append(ForecastInterval(day: day, slot: slot, start: clock.start(of: day, slot: slot),
                                                  offered: offered[slot], ahtSeconds: final.ahtBySlot[slot],
                                                  holiday: holiday))
            }
        }
        return ForecastResult(method: chosen, intervals: intervals, backtests: reports,
                              monthStartFactors: final.monthStartFactors)
    }

    /// Offered per slot for one day: projected level × the day's effect × intraday profile.
    private static func dayIntervals(index: Int, day: LocalDay, holiday: String?, model: DailyModel,
                                     decomposition: ForecastDecomposition) -> [Double] {
        let total = model.forecast(at: index) * decomposition.factor(day: day, holiday: holiday)
        let safeTotal = total.isFinite ? max(0, total) : 0
        return decomposition.profile(day: day, holiday: holiday).map { max(0, safeTotal * $0) }
    }

    /// The daily projection of either method behind one call.
    private enum DailyModel {
        case holtWinters(HoltWinters)
        case wacc(WeightedAverageForecast)

        init(_ method: ForecastMethod, series: [Double]) {
            switch method {
            case .holtWinters: self = .holtWinters(HoltWinters(series: series))
            case .wacc: self = .wacc(WeightedAverageForecast(series: series))
            }
        }

        func forecast(at index: Int) -> Double {
            switch self {
            case let .holtWinters(model): model.forecast(at: index)
            case let .wacc(model): model.forecast(at: index)
            }
        }
    }
}
