import Foundation

/// History split into the parts the seed rule names: an intraday profile per
/// weekday (hour), a month-start effect (月初出帐日, day of month), holiday
/// effects (节假日) and what is left — a daily series with only trend and
/// weekly rhythm, which the forecasting methods then project.
///
/// Everything is learned from days before `cutoff` only, so the backtest
/// can fit on the early part and score on the rest without peeking.
struct ForecastDecomposition: Sendable {
    /// Weekly decay of the weight of older days in profiles and AHT.
    static let recencyPerWeek = 0.96
    /// Pseudo-observations of "no effect" added when averaging factors, so
    /// one odd day in a short history cannot create a large effect.
    static let factorShrink = 1.0
    static let monthStartDays = 5

    let slots: Int
    /// Intraday shares per ISO weekday (index 0 = Monday), each summing to 1.
    let weekdayProfiles: [[Double]]
    let weekendProfile: [Double]
    let holidayProfiles: [String: [Double]]
    /// Multiplier for day of month 1…5.
    let monthStartFactors: [Double]
    let holidayFactors: [String: Double]
    /// Daily totals with month-start and holiday effects divided out; NaN = no data.
    let adjusted: [Double]
    let ahtBySlot: [Double]

    /// - Parameter holidayNames: holiday per grid day, at least `cutoff` long.
    init(_ history: ForecastHistory, cutoff: Int, holidayNames: [String?]) {
        let slots = history.slots
        self.slots = slots
        let days = (0..<cutoff).map { history.day(at: $0) }
        let recency = (0..<cutoff).map { pow(Self.recencyPerWeek, Double(cutoff - 1 - $0) / 7) }

        // Intraday profiles: recency-weighted mean per slot, per group of days.
        var weekdaySums = Array(repeating: ForecastSlotMeans(slots), count: 7)
        var weekend = ForecastSlotMeans(slots), pooled = ForecastSlotMeans(slots)
        var holidaySums: [String: ForecastSlotMeans] = [:]
        for d in 0..<cutoff {
            let base = d * slots
            if let name = holidayNames[d] {
                holidaySums[name, default: ForecastSlotMeans(slots)].add(history, base, recency[d])
                continue
            }
            let weekday = days[d].weekday()
            weekdaySums[weekday - 1].add(history, base, recency[d])
            pooled.add(history, base, recency[d])
            if weekday >= 6 { weekend.add(history, base, recency[d]) }
        }
        let pooledProfile = pooled.profile(toward: nil, shrink: 0)
        let weekdayProfiles = weekdaySums.map { $0.profile(toward: pooledProfile, shrink: 0.5) }
        let weekendProfile = weekend.profile(toward: pooledProfile, shrink: 0.5)
        let holidayProfiles = holidaySums.mapValues { $0.profile(toward: weekendProfile, shrink: 2) }
        self.weekdayProfiles = weekdayProfiles
        self.weekendProfile = weekendProfile
        self.holidayProfiles = holidayProfiles

        // Daily totals, scaled up for missing intervals when most of the day is there.
        var totals = Array(repeating: Double.nan, count: cutoff)
        for d in 0..<cutoff {
            let profile = holidayNames[d].flatMap { holidayProfiles[$0] } ?? weekdayProfiles[days[d].weekday() - 1]
            var observed = 0.0, share = 0.0, any = false
            for s in 0..<slots where history.present[d * slots + s] {
                observed += history.offered[d * slots + s]
                share += profile[s]
                any = true
            }
            if any && share >= 0.5 { totals[d] = observed / share }
        }

        // Ratio of each special day to the same weekday's ordinary level around it.
        let special = (0..<cutoff).map { holidayNames[$0] != nil || days[$0].day <= Self.monthStartDays }
        func ratio(_ d: Int) -> Double? {
            guard !totals[d].isNaN else { return nil }
            var around: [Double] = []
            for k in [-4, -3, -2, -1, 1, 2, 3, 4] {
                let e = d + 7 * k
                if e >= 0, e < cutoff, !special[e], !totals[e].isNaN { around.append(totals[e]) }
            }
            guard around.count >= 2 else { return nil }
            around.sort()
            let mid = around.count / 2
            let baseline = around.count % 2 == 1 ? around[mid] : (around[mid - 1] + around[mid]) / 2
            return baseline > 0 ? min(totals[d] / baseline, 10) : nil
        }
        var monthSums = Array(repeating: (sum: 0.0, n: 0.0), count: Self.monthStartDays)
        var holidayRatioSums: [String: (sum: Double, n: Double)] = [:]
        for d in 0..<cutoff where special[d] {
            guard let r = ratio(d) else { continue }
            if let name = holidayNames[d] {
                holidayRatioSums[name, default: (0, 0)].sum += r
                holidayRatioSums[name, default: (0, 0)].n += 1
            } else {
                monthSums[days[d].day - 1].sum += r
                monthSums[days[d].day - 1].n += 1
            }
        }
        let shrink = Self.factorShrink
        let monthStartFactors = monthSums.map { min(max(($0.sum + shrink) / ($0.n + shrink), 0.2), 5) }
        let holidayFactors = holidayRatioSums.mapValues { min(max(($0.sum + shrink) / ($0.n + shrink), 0.02), 5) }
        self.monthStartFactors = monthStartFactors
        self.holidayFactors = holidayFactors

        var adjusted = totals
        for d in 0..<cutoff where !totals[d].isNaN {
            let factor = Self.factor(day: days[d], holiday: holidayNames[d],
                                     monthStart: monthStartFactors, holidays: holidayFactors)
            adjusted[d] = factor >= 0.05 ? totals[d] / factor : .nan
        }
        self.adjusted = adjusted

        // AHT: offered-weighted per slot, recent days counting more.
        var ahtSum = Array(repeating: 0.0, count: slots), ahtWeight = Array(repeating: 0.0, count: slots)
        for d in 0..<cutoff {
            for s in 0..<slots where history.ahtWeight[d * slots + s] > 0 {
                ahtSum[s] += history.ahtWeighted[d * slots + s] * recency[d]
                ahtWeight[s] += history.ahtWeight[d * slots + s] * recency[d]
            }
        }
        let totalWeight = ahtWeight.reduce(0, +)
        let overall = totalWeight > 0 ? ahtSum.reduce(0, +) / totalWeight : 0
        ahtBySlot = (0..<slots).map { ahtWeight[$0] > 0 ? ahtSum[$0] / ahtWeight[$0] : overall }
    }

    /// The multiplier a day gets over the trend-and-weekday level: its holiday's
    /// learned factor, else the month-start factor, else 1.
    func factor(day: LocalDay, holiday: String?) -> Double {
        Self.factor(day: day, holiday: holiday, monthStart: monthStartFactors, holidays: holidayFactors)
    }

    private static func factor(day: LocalDay, holiday: String?, monthStart: [Double],
                               holidays: [String: Double]) -> Double {
        if let name = holiday, let learned = holidays[name] { return learned }
        return day.day <= monthStartDays ? monthStart[day.day - 1] : 1
    }

    /// Intraday shares for a day: holidays look like weekends (or like the
    /// same holiday in history), other days like their weekday.
    func profile(day: LocalDay, holiday: String?) -> [Double] {
        if let name = holiday { return holidayProfiles[name] ?? weekendProfile }
        return weekdayProfiles[day.weekday() - 1]
    }
}
