import Vapor
import KefuCore

/// What the forecast page shows: the backtest of every method (the chosen one first), daily
/// and intraday charts, and per day the Erlang seats beside the seed's rule of thumb (R4.4).
enum ForecastView {
    struct Backtest: Encodable { var method: String; var mape: String; var wape: String; var chosen: Bool }
    struct DayRow: Encodable {
        var day: String; var weekday: String; var holiday: String; var offered: String; var busyHour: String
        var peakAgents: Int; var peakScheduled: Int; var ruleOfThumb: Int; var seatHours: String
    }
    struct DayError: Encodable { var day: String; var actual: String; var forecast: String; var ape: String }
    struct Context: Encodable {
        var page: PageContext; var company: WorkforceCompanyPicker; var id: String; var month: String; var method: String; var requested: String
        var backtests: [Backtest]; @NilIfEmpty var backtestDays: [DayError]; var slotChart: String; var dailyChart: String; var intradayChart: String
        var days: [DayRow]; var params: StaffingParameters; var monthStart: String; var canPlan: Bool; var patience: String
        var error: String? = nil
    }

    static let weekdays = ["", "一", "二", "三", "四", "五", "六", "日"]

    static func context(_ f: ForecastService.Loaded, page: PageContext, canPlan: Bool, company: WorkforceCompanyPicker) -> Context {
        let slots = f.clock.slotsPerDay
        let perHour = max(1, 60 / f.clock.intervalMinutes)
        var rows: [DayRow] = []
        var daily: [Double] = [], seatsDaily: [Double] = []
        for (d, day) in f.days.enumerated() {
            let range = (d * slots)..<min((d + 1) * slots, f.result.intervals.count)
            guard !range.isEmpty else { break }
            let intervals = Array(f.result.intervals[range])
            let staffing = range.map { $0 < f.staffing.count ? f.staffing[$0] : StaffingResult.zero }
            let total = intervals.reduce(0) { $0 + $1.offered }
            var busy = 0.0
            for h in 0..<(slots / perHour) {
                busy = max(busy, intervals[(h * perHour)..<min((h + 1) * perHour, intervals.count)].reduce(0) { $0 + $1.offered })
            }
            let thumb = (try? RuleOfThumb.seats(busyHourCalls: max(busy, 0.0001), maxCallsPerAgentPerHour: f.params.maxCallsPerAgentHour)) ?? 0
            let seatHours = Double(staffing.reduce(0) { $0 + $1.scheduled }) * Double(f.clock.intervalMinutes) / 60
            daily.append(total); seatsDaily.append(Double(staffing.map(\.scheduled).max() ?? 0))
            rows.append(DayRow(day: day.description, weekday: weekdays[day.weekday()], holiday: intervals.first?.holiday ?? "",
                               offered: String(Int(total.rounded())), busyHour: String(Int(busy.rounded())),
                               peakAgents: staffing.map(\.agents).max() ?? 0, peakScheduled: staffing.map(\.scheduled).max() ?? 0,
                               ruleOfThumb: thumb, seatHours: String(format: "%.1f", seatHours)))
        }
        var profile = Array(repeating: 0.0, count: slots), seatProfile = Array(repeating: 0.0, count: slots)
        let n = Double(max(f.days.count, 1))
        for (k, i) in f.result.intervals.enumerated() {
            profile[k % slots] += i.offered / n
            if k < f.staffing.count { seatProfile[k % slots] += Double(f.staffing[k].scheduled) / n }
        }
        let slotLabels = (0..<slots).map { String(format: "%02d:%02d", $0 * f.clock.intervalMinutes / 60, $0 * f.clock.intervalMinutes % 60) }
        let chosen = f.result.backtests.first { $0.method == f.result.method }
        let backtestDays = (chosen?.days ?? []).map {
            DayError(day: $0.day.description, actual: String(Int($0.actual.rounded())), forecast: String(Int($0.forecast.rounded())),
                     ape: $0.ape.map { String(format: "%.1f%%", $0 * 100) } ?? "—")
        }
        return Context(
            page: page, company: company, id: f.run.id?.uuidString ?? "", month: f.run.month, method: f.result.method.label, requested: f.run.requestedMethod,
            backtests: f.result.backtests.map { Backtest(method: $0.method.label, mape: String(format: "%.1f%%", $0.mape * 100),
                                                         wape: String(format: "%.1f%%", $0.wape * 100), chosen: $0.method == f.result.method) },
            backtestDays: backtestDays,
            slotChart: chosen.map { SVGChart.lines(labels: slotLabels, series: [.init(name: "回测 WAPE（按时段，%）", color: "#722ed1", values: $0.slotWAPE.map { $0 * 100 })], title: "各时段回测误差") } ?? "",
            dailyChart: SVGChart.lines(labels: f.days.map { String($0.day) }, series: [
                .init(name: "预测话务量（日）", color: "#d4380d", values: daily),
                .init(name: "高峰排班席数 ×10", color: "#1f6feb", values: seatsDaily.map { $0 * 10 }, dashed: true)], title: "每日预测话务量"),
            intradayChart: SVGChart.lines(labels: slotLabels, series: [
                .init(name: "日均话务量（按时段）", color: "#d4380d", values: profile),
                .init(name: "日均需排班席数", color: "#1f6feb", values: seatProfile, dashed: true)], title: "各时段预测话务量与需排班席数"),
            days: rows, params: f.params,
            monthStart: f.result.monthStartFactors.enumerated().map { "\($0.offset + 1) 日 ×\(String(format: "%.2f", $0.element))" }.joined(separator: "，"),
            canPlan: canPlan, patience: f.params.patienceSeconds.map { String(format: "%.0f 秒（Erlang A）", $0) } ?? "不计放弃（Erlang C）")
    }
}
