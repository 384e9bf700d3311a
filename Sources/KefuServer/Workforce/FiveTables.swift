import Fluent
import Vapor
import KefuCore

/// The five tables of seed 002 (R4.3) for a month: ① seats per day and interval with the
/// daily average, ② this month's forecast traffic against what the roster can carry,
/// ③ last month's actual traffic and handled per agent, ④ last month's actual against the
/// forecast, ⑤ last month's actual against forecast handled per agent. Each is a table for
/// the page and for CSV, most with an SVG chart. Built for one company from its own
/// traffic, forecasts, rosters and calls.
struct FiveTables {
    let company: WorkforceCompany
    let timeZone: TimeZone

    struct Table: Encodable, Sendable {
        var number: Int
        var title: String
        var note: String
        var headers: [String]
        var rows: [[String]]
        var charts: [String]
    }

    func build(month: String) async throws -> [Table] {
        guard let m = WorkforceSettings.month(month), let last = WorkforceSettings.previousMonth(month),
              let lm = WorkforceSettings.month(last) else {
            throw KefuError.invalid([.init(field: "month", message: "月份须为 YYYY-MM 格式")])
        }
        let forecasts = ForecastService(company: company, timeZone: timeZone)
        let rosters = RosterService(company: company, timeZone: timeZone)
        let forecast = try await forecasts.latest(month: month, withStaffing: false)
        // Seats and rostered heads count only people at work: approved leave takes a shift off.
        func atWork(_ loaded: RosterService.Loaded?) async throws -> RosterService.Loaded? {
            guard var loaded else { return nil }
            let leave = try await rosters.approvedLeave(during: loaded.days)
            loaded.assignments.removeAll { a in leave[a.workId]?.contains { $0.covers(a.day) } ?? false }
            return loaded
        }
        let roster = try await atWork(try await rosters.load(month: month))
        let lastForecast = try await forecasts.latest(month: last, withStaffing: false)
        let lastRoster = try await atWork(try await rosters.load(month: last))
        let minutes = roster?.clock.intervalMinutes ?? forecast?.clock.intervalMinutes ?? lastForecast?.clock.intervalMinutes ?? 30
        let clock = try ForecastService.clock(timeZone, minutes)
        let seats = roster.map(Self.seats) ?? []
        let a = try await actual(lm.days, clock: clock)
        return [
            tableOne(m.days, clock: clock, seats: seats, required: roster?.requiredSeats),
            tableTwo(m.days, clock: clock, seats: seats, forecast: forecast),
            tableThree(lm.days, actual: a, roster: lastRoster),
            tableFour(lm.days, clock: clock, actual: a, forecast: lastForecast),
            tableFive(lm.days, clock: clock, actual: a, forecast: lastForecast, roster: lastRoster),
        ]
    }

    /// Seats on duty per day and slot (regular and reserve shifts; standby are on call).
    static func seats(_ r: RosterService.Loaded) -> [[Int]] {
        let slots = r.clock.slotsPerDay
        let coverage = Dictionary(uniqueKeysWithValues: r.templates.map { ($0.code, $0.coverage(intervalMinutes: r.clock.intervalMinutes)) })
        let index = Dictionary(uniqueKeysWithValues: r.days.enumerated().map { ($1, $0) })
        var out = Array(repeating: Array(repeating: 0, count: slots), count: r.days.count)
        for a in r.assignments where a.role != .standby {
            guard let d = index[a.day], let c = coverage[a.shiftCode] else { continue }
            for s in 0..<min(slots, c.count) where c[s] > 0 { out[d][s] += 1 }
        }
        return out
    }

    func slotLabel(_ slot: Int, _ clock: WorkforceClock) -> String {
        let minute = slot * clock.intervalMinutes
        return String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    func tableOne(_ days: [LocalDay], clock: WorkforceClock, seats: [[Int]], required: [[Int]]?) -> Table {
        let slots = clock.slotsPerDay
        var rows: [[String]] = []
        var averages: [Double] = [], requiredAverages: [Double] = []
        for (d, day) in days.enumerated() {
            let row = d < seats.count ? seats[d] : Array(repeating: 0, count: slots)
            let avg = Double(row.reduce(0, +)) / Double(slots)
            averages.append(avg)
            if let required, d < required.count { requiredAverages.append(Double(required[d].reduce(0, +)) / Double(slots)) }
            rows.append([day.description] + row.map(String.init) + [String(format: "%.1f", avg)])
        }
        var series = [SVGChart.Series(name: "排班日平均席数", color: "#1f6feb", values: averages)]
        if !requiredAverages.isEmpty { series.append(.init(name: "需求日平均席数", color: "#d4380d", values: requiredAverages, dashed: true)) }
        return Table(number: 1, title: "本月每天每时段员工的座席数及日平均席数表",
                     note: seats.isEmpty ? "本月尚未生成排班表。" : "座席数 = 当班的正常班与应急备班人数（节日应急台席不计，已批准请假的班次不计）。",
                     headers: ["日期"] + (0..<slots).map { slotLabel($0, clock) } + ["日平均"], rows: rows,
                     charts: seats.isEmpty ? [] : [SVGChart.lines(labels: days.map { String($0.day) }, series: series, title: "日平均席数")])
    }

    /// ② Capacity per slot = seats × (1 − shrinkage) × interval ÷ AHT × max occupancy.
    func tableTwo(_ days: [LocalDay], clock: WorkforceClock, seats: [[Int]], forecast: ForecastService.Loaded?) -> Table {
        let slots = clock.slotsPerDay
        var rows: [[String]] = []
        var predicted: [Double] = [], capacity: [Double] = []
        for (d, day) in days.enumerated() {
            var f = 0.0, c = 0.0
            if let forecast, forecast.clock.intervalMinutes == clock.intervalMinutes {
                for s in 0..<slots where d * slots + s < forecast.result.intervals.count {
                    let i = forecast.result.intervals[d * slots + s]
                    f += i.offered
                    if d < seats.count {
                        c += Double(seats[d][s]) * (1 - forecast.params.shrinkage) * Double(clock.intervalMinutes * 60) / max(i.ahtSeconds, 1) * forecast.params.maxOccupancy
                    }
                }
            }
            predicted.append(f); capacity.append(c)
            rows.append([day.description, String(Int(f.rounded())), String(Int(c.rounded())), String(Int((c - f).rounded()))])
        }
        let note = forecast == nil ? "本月尚无话务预测。" : "可承受话务量 = 当班席数 ×（1 − 缺勤损耗）× 时段时长 ÷ 平均处理时长 × 最高占用率。"
        return Table(number: 2, title: "本月每天话务量的预测及可承受话务量的预测图表", note: note,
                     headers: ["日期", "预测话务量", "可承受话务量", "富余（+）/缺口（−）"], rows: rows,
                     charts: forecast == nil ? [] : [SVGChart.lines(labels: days.map { String($0.day) }, series: [
                        .init(name: "预测话务量", color: "#d4380d", values: predicted),
                        .init(name: "排班可承受话务量", color: "#1f6feb", values: capacity)], title: "预测与可承受话务量")])
    }

    struct Actual { var offered: [Double]; var answered: [Double]; var abandoned: [Double]; var agents: [Int]; var perAgent: [String: Int]; var bySlot: [Double] }

    /// Last month's actual traffic per day, and answered calls per agent from the CTI events.
    func actual(_ days: [LocalDay], clock: WorkforceClock) async throws -> Actual {
        let index = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1, $0) })
        var a = Actual(offered: Array(repeating: 0, count: days.count), answered: Array(repeating: 0, count: days.count),
                       abandoned: Array(repeating: 0, count: days.count), agents: Array(repeating: 0, count: days.count), perAgent: [:],
                       bySlot: Array(repeating: 0, count: clock.slotsPerDay))
        guard let first = days.first, let last = days.last else { return a }
        let from = first.start(in: timeZone), to = last.adding(days: 1).start(in: timeZone)
        let history = TrafficHistory(company: company)
        for v in try await history.volumes(intervalMinutes: clock.intervalMinutes, from: from, to: to) {
            let (day, slot) = clock.locate(v.start)
            guard let d = index[day] else { continue }
            a.offered[d] += Double(v.offered); a.answered[d] += Double(v.answered); a.abandoned[d] += Double(v.abandoned)
            if slot < a.bySlot.count { a.bySlot[slot] += Double(v.offered) / Double(days.count) }
        }
        var agentsByDay = Array(repeating: Set<String>(), count: days.count)
        for e in try await history.ctiEvents(from: from, to: to) where e.type == .contact(.answered) {
            guard let w = e.agentWorkId, let d = index[LocalDay(e.at, in: timeZone)] else { continue }
            agentsByDay[d].insert(w)
            a.perAgent[w, default: 0] += 1
        }
        a.agents = agentsByDay.map(\.count)
        return a
    }

    func tableThree(_ days: [LocalDay], actual a: Actual, roster: RosterService.Loaded?) -> Table {
        let rostered = roster.map { r in days.map { d in Set(r.assignments.filter { $0.day == d && $0.role != .standby }.map(\.workId)).count } }
        var rows: [[String]] = []
        var perAgent: [Double] = []
        for (d, day) in days.enumerated() {
            let people = a.agents[d] > 0 ? a.agents[d] : (rostered?[d] ?? 0)
            let each = people > 0 ? a.answered[d] / Double(people) : 0
            perAgent.append(each)
            let rate = a.offered[d] > 0 ? String(format: "%.1f%%", a.answered[d] / a.offered[d] * 100) : "—"
            rows.append([day.description, String(Int(a.offered[d])), String(Int(a.answered[d])), String(Int(a.abandoned[d])), rate,
                         String(people), String(format: "%.1f", each)])
        }
        for (w, n) in a.perAgent.sorted(by: { $0.key < $1.key }) {
            rows.append(["工号 \(w)", "", String(n), "", "", "", ""])
        }
        return Table(number: 3, title: "上月每天实际话务量及人员实际话务量情况图表",
                     note: "上岗人数取当天有接通记录的话务员；无 CTI 记录时取上月排班人数。表末为每位话务员上月接通量合计。",
                     headers: ["日期", "实际话务量", "接通量", "放弃量", "接通率", "上岗人数", "人均接通量"], rows: rows,
                     charts: [SVGChart.lines(labels: days.map { String($0.day) }, series: [
                        .init(name: "实际话务量", color: "#d4380d", values: a.offered),
                        .init(name: "接通量", color: "#389e0d", values: a.answered)], title: "上月实际话务量"),
                              SVGChart.lines(labels: days.map { String($0.day) }, series: [
                                .init(name: "人均接通量", color: "#1f6feb", values: perAgent)], title: "上月人均接通量")])
    }

    func forecastByDay(_ forecast: ForecastService.Loaded?, days: Int, clock: WorkforceClock) -> (days: [Double], slots: [Double])? {
        guard let forecast, forecast.clock.intervalMinutes == clock.intervalMinutes else { return nil }
        let slots = clock.slotsPerDay
        var byDay = Array(repeating: 0.0, count: days), bySlot = Array(repeating: 0.0, count: slots)
        for (k, i) in forecast.result.intervals.enumerated() where k / slots < days {
            byDay[k / slots] += i.offered
            bySlot[k % slots] += i.offered / Double(days)
        }
        return (byDay, bySlot)
    }

    func tableFour(_ days: [LocalDay], clock: WorkforceClock, actual a: Actual, forecast: ForecastService.Loaded?) -> Table {
        let f = forecastByDay(forecast, days: days.count, clock: clock)
        var rows: [[String]] = []
        for (d, day) in days.enumerated() {
            let p = f?.days[d]
            let err = p.flatMap { p in a.offered[d] > 0 ? String(format: "%.1f%%", (p - a.offered[d]) / a.offered[d] * 100) : nil } ?? "—"
            rows.append([day.description, String(Int(a.offered[d])), p.map { String(Int($0.rounded())) } ?? "—", err])
        }
        var charts: [String] = []
        if let f {
            charts.append(SVGChart.lines(labels: days.map { String($0.day) }, series: [
                .init(name: "实际话务量", color: "#d4380d", values: a.offered),
                .init(name: "预测话务量", color: "#1f6feb", values: f.days, dashed: true)], title: "上月每天实际与预测话务量"))
            charts.append(SVGChart.lines(labels: (0..<clock.slotsPerDay).map { slotLabel($0, clock) }, series: [
                .init(name: "实际（日均，按时段）", color: "#d4380d", values: a.bySlot),
                .init(name: "预测（日均，按时段）", color: "#1f6feb", values: f.slots, dashed: true)], title: "上月各时段实际与预测话务量"))
        }
        return Table(number: 4, title: "上月每天实际话务量及预测话务量情况图表",
                     note: forecast == nil ? "上月没有话务预测，只列实际话务量。" : "误差 =（预测 − 实际）÷ 实际。",
                     headers: ["日期", "实际话务量", "预测话务量", "误差"], rows: rows, charts: charts)
    }

    func tableFive(_ days: [LocalDay], clock: WorkforceClock, actual a: Actual, forecast: ForecastService.Loaded?, roster: RosterService.Loaded?) -> Table {
        let f = forecastByDay(forecast, days: days.count, clock: clock)
        var rows: [[String]] = []
        var actualEach: [Double] = [], forecastEach: [Double] = []
        for (d, day) in days.enumerated() {
            let rostered = roster.map { r in Set(r.assignments.filter { $0.day == day && $0.role == .regular }.map(\.workId)).count } ?? 0
            let people = a.agents[d] > 0 ? a.agents[d] : rostered
            let actual = people > 0 ? a.answered[d] / Double(people) : 0
            let predicted: Double? = f.flatMap { f in rostered > 0 ? f.days[d] / Double(rostered) : nil }
            actualEach.append(actual); forecastEach.append(predicted ?? .nan)
            rows.append([day.description, String(format: "%.1f", actual), predicted.map { String(format: "%.1f", $0) } ?? "—", String(rostered)])
        }
        return Table(number: 5, title: "上月每天人员实际话务量及人员预测话务量情况图表",
                     note: "人员预测话务量 = 当天预测话务量 ÷ 上月排班的正常班人数（已批准请假的不计）；人员实际话务量 = 接通量 ÷ 上岗人数。",
                     headers: ["日期", "人员实际话务量", "人员预测话务量", "排班人数"], rows: rows,
                     charts: [SVGChart.lines(labels: days.map { String($0.day) }, series: [
                        .init(name: "人员实际话务量", color: "#d4380d", values: actualEach),
                        .init(name: "人员预测话务量", color: "#1f6feb", values: forecastEach, dashed: true)], title: "上月人员实际与预测话务量")])
    }

}
