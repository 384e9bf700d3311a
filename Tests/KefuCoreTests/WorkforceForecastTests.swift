import Foundation
import Testing
@testable import KefuCore

/// Deterministic synthetic traffic: a daily total per day spread over
/// opening hours (08:00–22:00), weekends flatter, with small seeded noise.
private struct SyntheticTraffic {
    var clock = try! WorkforceClock(intervalMinutes: 30)
    var noise = 0.05
    var seed: UInt64 = 42

    static let weekly: [Double] = [1000, 950, 920, 900, 860, 520, 420]   // Mon…Sun

    static func profile(weekend: Bool) -> [Double] {
        let raw = (0..<48).map { slot -> Double in
            guard (16..<44).contains(slot) else { return 0 }
            let hour = Double(slot) / 2
            return weekend ? 1 + 0.2 * sin(hour / 3) : exp(-pow((hour - 11) / 3.5, 2)) + 0.8 * exp(-pow((hour - 16) / 3, 2))
        }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }

    mutating func random() -> Double {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(seed >> 11) / Double(1 << 53)
    }

    mutating func history(from first: String, to last: String, total: (LocalDay) -> Double) -> [IntervalVolume] {
        var out: [IntervalVolume] = []
        var day = LocalDay(first)!
        while day <= LocalDay(last)! {
            let profile = Self.profile(weekend: day.weekday() >= 6)
            let dayTotal = total(day)
            for slot in 0..<48 {
                let offered = max(0, (dayTotal * profile[slot] * (1 + noise * (2 * random() - 1))).rounded())
                out.append(IntervalVolume(start: clock.start(of: day, slot: slot), offered: Int(offered),
                                          answered: Int(offered), abandoned: 0, ahtSeconds: 180 + Double(slot)))
            }
            day = day.adding(days: 1)
        }
        return out
    }
}

private func dayTotals(_ result: ForecastResult) -> [LocalDay: Double] {
    result.intervals.reduce(into: [:]) { $0[$1.day, default: 0] += $1.offered }
}

private func weekly(_ day: LocalDay) -> Double { SyntheticTraffic.weekly[day.weekday() - 1] }

private func expectSane(_ result: ForecastResult, days: Int) throws {
    #expect(result.intervals.count == days * 48)
    #expect(result.intervals.allSatisfy { $0.offered.isFinite && $0.offered >= 0 && $0.ahtSeconds.isFinite })
    #expect(zip(result.intervals, result.intervals.dropFirst()).allSatisfy { $0.start < $1.start })
    #expect(result.backtests.count == 2)
    #expect(result.backtests.first?.method == result.method)
    #expect(result.monthStartFactors.count == 5)
    _ = try JSONEncoder().encode(result)   // throws on NaN / infinity
}

private func expectInvalid(_ field: String, _ request: ForecastRequest) {
    do {
        _ = try Forecaster.forecast(request)
        Issue.record("expected invalid \(field)")
    } catch let WorkforceError.invalidInput(actual, reason) {
        #expect(actual == field)
        #expect(!reason.isEmpty)
    } catch {
        Issue.record("unexpected error \(error)")
    }
}

@Suite("Workforce forecast")
struct WorkforceForecastTests {
    let clock = try! WorkforceClock(intervalMinutes: 30)

    @Test func cleanWeeklyPatternIsLearned() throws {
        var traffic = SyntheticTraffic()
        let history = traffic.history(from: "2025-06-02", to: "2025-11-30", total: weekly)
        let result = try Forecaster.forecast(ForecastRequest(history: history, clock: clock,
                                                             firstDay: LocalDay("2025-12-01")!, horizonDays: 31))
        try expectSane(result, days: 31)
        #expect(result.backtests[0].wape < 0.05)
        #expect(result.backtests[0].days.count == 14)
        #expect(result.backtests[0].slotWAPE.count == 48)
        for factor in result.monthStartFactors { #expect(abs(factor - 1) < 0.1) }
        // Mid-December days match the weekly pattern within 5%.
        for (day, total) in dayTotals(result) where (8...20).contains(day.day) {
            #expect(abs(total / weekly(day) - 1) < 0.05, "\(day)")
        }
        // The intraday shape: nothing forecast while closed, the peak in the morning on weekdays.
        let monday = result.intervals.filter { $0.day == LocalDay("2025-12-08")! }
        #expect(monday[4].offered == 0)
        #expect(monday.max { $0.offered < $1.offered }!.slot < 26)
        #expect(abs(monday[20].ahtSeconds - 200) < 1)
    }

    @Test func monthStartPeakIsForecast() throws {
        var traffic = SyntheticTraffic()
        let history = traffic.history(from: "2025-01-01", to: "2025-11-30") { day in
            weekly(day) * (day.day <= 3 ? 1.5 : 1)
        }
        let result = try Forecaster.forecast(ForecastRequest(history: history, clock: clock,
                                                             firstDay: LocalDay("2025-12-01")!, horizonDays: 31))
        try expectSane(result, days: 31)
        #expect(result.monthStartFactors[0] > 1.35)
        #expect(result.monthStartFactors[2] > 1.35)
        #expect(abs(result.monthStartFactors[4] - 1) < 0.1)
        let totals = dayTotals(result)
        for first in 1...3 {
            let start = LocalDay(year: 2025, month: 12, day: first)
            #expect(totals[start]! > 1.3 * totals[start.adding(days: 14)]!, "\(start)")
        }
    }

    @Test func holidayEffectIsLearnedFromLastYear() throws {
        var traffic = SyntheticTraffic()
        let history = traffic.history(from: "2024-09-01", to: "2025-09-30") { day in
            weekly(day) * (day.year == 2024 && day.month == 10 && day.day <= 7 ? 0.6 : 1)
        }
        let result = try Forecaster.forecast(ForecastRequest(history: history, clock: clock,
                                                             firstDay: LocalDay("2025-10-01")!, horizonDays: 31))
        try expectSane(result, days: 31)
        let nationalDay = LocalDay("2025-10-01")!
        #expect(result.intervals.first?.holiday == "国庆节")
        #expect(result.intervals.last?.holiday == nil)
        let totals = dayTotals(result)
        #expect(totals[nationalDay]! < 0.75 * totals[nationalDay.adding(days: 14)]!)
        // A holiday never seen in history gets no factor (电信日 was ordinary traffic).
        #expect(abs(result.monthStartFactors[4] - 1) < 0.1)
    }

    @Test func upwardTrendIsCarriedForward() throws {
        var traffic = SyntheticTraffic()
        let start = LocalDay("2025-01-01")!.dayNumber
        let growth: (LocalDay) -> Double = { weekly($0) * (1 + 0.004 * Double($0.dayNumber - start)) }
        let history = traffic.history(from: "2025-01-01", to: "2025-10-31", total: growth)
        // The last four whole weeks of history against the first four forecast weeks.
        let lastWeeks = LocalDay("2025-10-04")!
        var recent = 0.0
        for item in history where LocalDay(item.start, in: clock.timeZone) >= lastWeeks { recent += Double(item.offered) }
        for method in [ForecastMethod?.none, .holtWinters, .wacc] {
            let result = try Forecaster.forecast(ForecastRequest(
                history: history, clock: clock, firstDay: LocalDay("2025-11-01")!, horizonDays: 31, method: method))
            try expectSane(result, days: 31)
            let next = dayTotals(result).filter { $0.key < LocalDay("2025-11-29")! }.values.reduce(0, +)
            #expect(next > recent * 1.03, "\(String(describing: method))")
        }
    }

    @Test func forcedMethodIsUsedAndBothAreBacktested() throws {
        var traffic = SyntheticTraffic()
        let history = traffic.history(from: "2025-08-04", to: "2025-09-28", total: weekly)
        for method in ForecastMethod.allCases {
            let result = try Forecaster.forecast(ForecastRequest(
                history: history, clock: clock, firstDay: LocalDay("2025-09-29")!, horizonDays: 7, method: method))
            try expectSane(result, days: 7)
            #expect(result.method == method)
            #expect(Set(result.backtests.map(\.method)) == Set(ForecastMethod.allCases))
        }
        let auto = try Forecaster.forecast(ForecastRequest(
            history: history, clock: clock, firstDay: LocalDay("2025-09-29")!, horizonDays: 7))
        #expect(auto.backtests[0].wape <= auto.backtests[1].wape)
    }

    @Test func gapsAreMissingNotZeroAndOrderDoesNotMatter() throws {
        var traffic = SyntheticTraffic()
        let full = traffic.history(from: "2025-06-02", to: "2025-11-30", total: weekly)
        // Drop every 7th interval and two whole days; then shuffle deterministically.
        var gappy = full.enumerated().filter { $0.offset % 7 != 3 }.map(\.element)
        let dropped = Set([LocalDay("2025-11-20")!, LocalDay("2025-10-09")!])
        gappy.removeAll { dropped.contains(LocalDay($0.start, in: clock.timeZone)) }
        var shuffled = gappy
        var random = SyntheticTraffic(seed: 7)
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
            shuffled.swapAt(i, Int(random.random() * Double(i + 1)))
        }
        let request = { (history: [IntervalVolume]) in
            ForecastRequest(history: history, clock: self.clock, firstDay: LocalDay("2025-12-01")!, horizonDays: 14)
        }
        let sorted = try Forecaster.forecast(request(gappy))
        #expect(try Forecaster.forecast(request(shuffled)) == sorted)
        try expectSane(sorted, days: 14)
        for (day, total) in dayTotals(sorted) where day.day >= 8 {
            #expect(abs(total / weekly(day) - 1) < 0.08, "\(day)")
        }
    }

    @Test func duplicateIntervalsAddUp() throws {
        var traffic = SyntheticTraffic(noise: 0)
        let history = traffic.history(from: "2025-06-02", to: "2025-07-27", total: weekly)
        let request = { (history: [IntervalVolume]) in
            ForecastRequest(history: history, clock: self.clock, firstDay: LocalDay("2025-07-28")!, horizonDays: 7)
        }
        let single = try Forecaster.forecast(request(history))
        let double = try Forecaster.forecast(request(history + history))
        for (one, two) in zip(single.intervals, double.intervals) {
            #expect(abs(two.offered - 2 * one.offered) < 1e-6 * max(1, one.offered))
            #expect(abs(two.ahtSeconds - one.ahtSeconds) < 1e-6)
        }
    }

    @Test func quietAndSpikyHistoryStaysFiniteAndNonNegative() throws {
        var traffic = SyntheticTraffic(noise: 0.9)
        let history = traffic.history(from: "2025-03-01", to: "2025-04-30") { day in
            day.day % 9 == 0 ? 3000 : (day.weekday() == 7 ? 0 : 5)
        }
        for method in ForecastMethod.allCases {
            let result = try Forecaster.forecast(ForecastRequest(
                history: history, clock: clock, firstDay: LocalDay("2025-05-01")!, horizonDays: 400, method: method))
            try expectSane(result, days: 400)
        }
        let silent = history.map { IntervalVolume(start: $0.start, offered: 0, answered: 0, abandoned: 0, ahtSeconds: 0) }
        let result = try Forecaster.forecast(ForecastRequest(
            history: silent, clock: clock, firstDay: LocalDay("2025-05-01")!, horizonDays: 3))
        try expectSane(result, days: 3)
        #expect(result.intervals.allSatisfy { $0.offered == 0 })
    }

    @Test func badInputIsRefused() throws {
        var traffic = SyntheticTraffic()
        let history = traffic.history(from: "2025-06-02", to: "2025-07-13", total: weekly)
        let first = LocalDay("2025-07-14")!
        expectInvalid("history", ForecastRequest(history: [], clock: clock, firstDay: first, horizonDays: 7))
        let thirteenDays = traffic.history(from: "2025-06-02", to: "2025-06-14", total: weekly)
        expectInvalid("history", ForecastRequest(history: thirteenDays, clock: clock, firstDay: first, horizonDays: 7))
        // 13 days of data spread over a month is still 13 days.
        let spread = history.filter { LocalDay($0.start, in: clock.timeZone).dayNumber % 4 == 0 }
        expectInvalid("history", ForecastRequest(history: spread, clock: clock, firstDay: first, horizonDays: 7))
        var negative = history
        negative[100].offered = -1
        expectInvalid("history", ForecastRequest(history: negative, clock: clock, firstDay: first, horizonDays: 7))
        var badAHT = history
        badAHT[5].ahtSeconds = .nan
        expectInvalid("history", ForecastRequest(history: badAHT, clock: clock, firstDay: first, horizonDays: 7))
        var misaligned = history
        misaligned[10].start = misaligned[10].start.addingTimeInterval(15 * 60)
        expectInvalid("interval", ForecastRequest(history: misaligned, clock: clock, firstDay: first, horizonDays: 7))
        let quarterHours = try WorkforceClock(intervalMinutes: 15)
        expectInvalid("interval", ForecastRequest(history: history, clock: quarterHours, firstDay: first, horizonDays: 7))
        let hourly = try WorkforceClock(intervalMinutes: 60)
        expectInvalid("interval", ForecastRequest(history: history, clock: hourly, firstDay: first, horizonDays: 7))
        for horizon in [0, -3, 401] {
            expectInvalid("horizon-days",
                          ForecastRequest(history: history, clock: clock, firstDay: first, horizonDays: horizon))
        }
        // The boundaries themselves are accepted.
        let fourteen = traffic.history(from: "2025-06-02", to: "2025-06-15", total: weekly)
        try expectSane(try Forecaster.forecast(ForecastRequest(
            history: fourteen, clock: clock, firstDay: LocalDay("2025-06-16")!, horizonDays: 1)), days: 1)
    }
}
