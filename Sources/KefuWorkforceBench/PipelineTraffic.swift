import Foundation
import KefuCore

/// Deterministic synthetic input for the pipeline benchmark: a 24-hour hotline's interval
/// history and its agents. Seeded, so every run and every machine plans the same month and
/// timings compare like with like. Volume scales with the agent count, calibrated so the
/// default 200 agents can just staff the forecast month (small shortfall, no idle crowd).
enum PipelineTraffic {
    /// Offered calls per agent and ordinary weekday at the start of the history.
    static let callsPerAgentDay = 15.5

    /// Weekday factor, Monday first: busy Mondays, quiet weekends.
    static let weekday: [Double] = [1.12, 1.05, 1.0, 0.98, 0.96, 0.82, 0.76]

    /// Holiday factor by name; National Day and Spring Festival empty the lines.
    static let holidayFactor: [String: Double] = ["春节": 0.45, "国庆节": 0.6, "元旦": 0.85, "劳动节": 0.8, "电信日": 1.15]

    /// `days` days of 30-minute (the clock's) intervals ending the day before `before`.
    static func history(agents: Int, days: Int, before: LocalDay, clock: WorkforceClock,
                        holidays: WorkforceHolidays) -> [IntervalVolume] {
        var rng = PipelineRandom(seed: 20_261_201)
        let slots = clock.slotsPerDay
        let profile = intradayProfile(slots: slots)
        let first = before.adding(days: -days)
        var out: [IntervalVolume] = []
        out.reserveCapacity(days * slots)
        for offset in 0..<days {
            let day = first.adding(days: offset)
            let trend = 1 + 0.05 * Double(offset) / 365          // +5 % a year
            var level = callsPerAgentDay * Double(agents) * trend * weekday[day.weekday() - 1]
            if day.day <= 3 { level *= 1.3 }                      // 月初出帐日
            if let name = holidays.holiday(on: day) { level *= holidayFactor[name] ?? 1 }
            level *= max(0.7, 1 + 0.04 * rng.gaussian())          // day-to-day noise
            for slot in 0..<slots {
                let mean = level * profile[slot]
                let offered = max(0, Int((mean + mean.squareRoot() * rng.gaussian()).rounded()))
                let abandoned = Int((Double(offered) * (0.04 + 0.02 * rng.uniform())).rounded())
                let hour = (Double(slot) + 0.5) * 24 / Double(slots)
                let aht = 290 + 25 * sin((hour - 9) / 24 * 2 * .pi) + (hour < 6 ? 40 : 0) + 8 * rng.gaussian()
                out.append(IntervalVolume(start: clock.start(of: day, slot: slot), offered: offered,
                                          answered: offered - abandoned, abandoned: abandoned,
                                          ahtSeconds: offered > abandoned ? aht : 0))
            }
        }
        return out
    }

    /// Share of the day's calls per slot: a morning peak (~10:30), an afternoon peak (~15:00),
    /// an evening shoulder and a quiet night that never reaches zero (24-hour hotline).
    static func intradayProfile(slots: Int) -> [Double] {
        func bump(_ h: Double, _ center: Double, _ width: Double) -> Double { exp(-(h - center) * (h - center) / (2 * width * width)) }
        let raw = (0..<slots).map { slot -> Double in
            let h = (Double(slot) + 0.5) * 24 / Double(slots)
            let day = bump(h, 10.5, 1.6) + 0.85 * bump(h, 15, 1.9) + 0.35 * bump(h, 20.5, 1.5)
            let awake = 1 / (1 + exp(-(h - 7.5) * 1.5)) - 1 / (1 + exp(-(h - 23.5) * 1.5))
            return 0.04 + 0.25 * awake + day
        }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }

    /// `count` agents: one in four on a 32-hour contract, ~15 % without nights, some with
    /// preferred shifts, about one in six with a few days of leave in the month.
    static func agents(count: Int, days: [LocalDay]) -> [RosterAgent] {
        var rng = PipelineRandom(seed: 5)
        let preferences: [[String]] = [["A"], ["B"], ["C", "D"], ["D"], ["M", "N"]]
        return (0..<count).map { i in
            var unavailable: [LocalDay] = []
            if rng.uniform() < 0.17, !days.isEmpty {
                let length = 2 + Int(rng.uniform() * 4)                    // 2–5 days
                let start = Int(rng.uniform() * Double(max(1, days.count - length)))
                unavailable = Array(days[start..<min(days.count, start + length)])
            }
            let nightAllowed = rng.uniform() >= 0.15
            var preferred = rng.uniform() < 0.3 ? preferences[Int(rng.uniform() * Double(preferences.count))] : []
            if !nightAllowed { preferred.removeAll { $0 == "M" || $0 == "N" } }
            return RosterAgent(workId: String(format: "K%04d", i + 1), name: "坐席\(i + 1)", skills: ["voice"],
                               weeklyHours: i % 4 == 3 ? 32 : 40, nightAllowed: nightAllowed,
                               preferredShifts: preferred, unavailable: unavailable,
                               isReserveEligible: i % 10 != 9)
        }
    }
}

/// SplitMix64: tiny, fast and the same on every platform (unlike SystemRandomNumberGenerator).
struct PipelineRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
