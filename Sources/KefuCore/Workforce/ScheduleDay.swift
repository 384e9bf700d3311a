import Foundation

/// One day's data in integers: the exact judge of any assignment (the LP
/// works in floating point, the answer never does) and the rounding heuristic
/// that gives branch and bound its first incumbent.
struct ScheduleDay: Sendable {
    let objective: ScheduleObjective
    let required: [Int]
    /// Periods each shift works.
    let periodsOf: [[Int]]
    let periods: Int
    let cost: [Int]
    let maxPerPeriod: Int?

    init(objective: ScheduleObjective, required: [Int], coverage: [[Int]], cost: [Int], maxPerPeriod: Int?) {
        self.objective = objective
        self.required = required
        periods = required.count
        periodsOf = coverage.map { row in row.indices.filter { row[$0] == 1 } }
        self.cost = cost
        self.maxPerPeriod = maxPerPeriod
    }

    func coverage(of x: [Int]) -> [Int] {
        var cov = [Int](repeating: 0, count: periods)
        for (s, n) in x.enumerated() where n != 0 { for p in periodsOf[s] { cov[p] += n } }
        return cov
    }

    /// The exact objective, or nil when a constraint is broken.
    func evaluate(_ x: [Int]) -> Int? {
        let cov = coverage(of: x)
        if let cap = maxPerPeriod, cov.contains(where: { $0 > cap }) { return nil }
        switch objective {
        case .minResources:
            for p in 0..<periods where cov[p] < required[p] { return nil }
            return zip(x, cost).reduce(0) { $0 + $1.0 * $1.1 }
        case .minAbsDifference:
            return (0..<periods).reduce(0) { $0 + abs(cov[$1] - required[$1]) }
        }
    }

    /// Rounds an LP point to a feasible integer one and improves it by ±1
    /// moves; nil when rounding cannot restore feasibility (B&B then starts without).
    func roundedIncumbent(lp: [Double], upper: [Int]) -> [Int]? {
        switch objective {
        case .minResources:
            var x = lp.indices.map { min(upper[$0], Int((lp[$0] - 1e-6).rounded(.up))) }
            guard evaluate(x) != nil else { return nil }
            var cov = coverage(of: x)
            // Drop people from the dearest shifts while every period stays covered.
            let order = x.indices.sorted { (cost[$0], $1) > (cost[$1], $0) }
            for s in order {
                while x[s] > 0, periodsOf[s].allSatisfy({ cov[$0] > required[$0] }) {
                    x[s] -= 1
                    for p in periodsOf[s] { cov[p] -= 1 }
                }
            }
            return x
        case .minAbsDifference:
            var x = lp.indices.map { max(0, min(upper[$0], Int(lp[$0].rounded()))) }
            var cov = coverage(of: x)
            if let cap = maxPerPeriod {
                for p in 0..<periods {
                    while cov[p] > cap {
                        let s = x.indices.filter { x[$0] > 0 && periodsOf[$0].contains(p) }.max { x[$0] < x[$1] }!
                        x[s] -= 1
                        for q in periodsOf[s] { cov[q] -= 1 }
                    }
                }
            }
            var improved = true
            var passes = 0
            while improved && passes < 50 {
                improved = false
                passes += 1
                for s in x.indices {
                    for step in [1, -1] where x[s] + step >= 0 && x[s] + step <= upper[s] {
                        var delta = 0
                        var fits = true
                        for p in periodsOf[s] {
                            let now = cov[p], next = now + step
                            if let cap = maxPerPeriod, next > cap { fits = false; break }
                            delta += abs(next - required[p]) - abs(now - required[p])
                        }
                        if fits && delta < 0 {
                            x[s] += step
                            for p in periodsOf[s] { cov[p] += step }
                            improved = true
                        }
                    }
                }
            }
            return x
        }
    }
}
