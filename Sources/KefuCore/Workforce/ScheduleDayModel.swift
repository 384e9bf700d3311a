import Foundation

/// One day's integer program written for `ScheduleSimplex`, plus the exact
/// integer check of any assignment.
///
/// Periods worked by exactly the same set of shifts are one row: for
/// min-resources only their largest requirement matters, for min-abs-difference
/// the sum of |coverage − rᵢ| over the group is a convex piecewise-linear
/// function of the common coverage, written with one column per segment
/// (slopes −k, 2i−k …, +k; convexity makes the LP fill them in order). With
/// hourly shift starts on a 15-minute grid that is 4× fewer rows, and the
/// extra columns are unit columns, which keep total unimodularity.
///
/// Upper bounds that lose no optimum keep every column boxed (what the dual
/// simplex needs): a shift never needs more people than the largest
/// requirement among its periods — one fewer would still cover them all and
/// cost no more (min-resources) or strictly less over-staffing (min-abs-difference).
struct ScheduleDayModel: Sendable {
    /// Shifts are columns 0..<shiftCount.
    let shiftCount: Int
    let cols: Int
    let entries: [[(col: Int, coef: Double)]]
    let rhs: [Double]
    let basic: [Int]
    let cost: [Double]
    let lower: [Double]
    let upper: [Double]
    /// Objective part the LP does not see (periods nobody can work, group offsets).
    let constant: Int
    /// Per shift, the bound used (for the heuristic and branching).
    let shiftUpper: [Int]

    /// nil when some row cannot be met (min-resources only); the caller explains why.
    init?(objective: ScheduleObjective, groups: ScheduleCoverageGroups, required: [Int], shiftCost: [Int],
          coverage: [[Int]], maxPerShift: Int?, maxPerPeriod: Int?) {
        let shifts = coverage.count
        var ub = [Int](repeating: 0, count: shifts)
        for s in 0..<shifts {
            var peak = 0
            for (p, on) in coverage[s].enumerated() where on == 1 { peak = max(peak, required[p]) }
            ub[s] = min(peak, maxPerShift ?? .max, maxPerPeriod ?? .max)
        }
        shiftCount = shifts
        shiftUpper = ub
        var entries: [[(col: Int, coef: Double)]] = []
        var rhs: [Double] = [], basic: [Int] = []
        var cost = shiftCost.map(Double.init), lower = [Double](repeating: 0, count: shifts)
        var upper = ub.map(Double.init)
        var constant = 0
        func addColumn(_ c: Int, _ lo: Int, _ up: Int) -> Int {
            cost.append(Double(c)); lower.append(Double(lo)); upper.append(Double(up))
            return cost.count - 1
        }
        for g in groups.groups {
            let rs = g.periods.map { required[$0] }.sorted()
            guard !g.shifts.isEmpty else {
                if objective == .minResources { if rs.last! > 0 { return nil } } else { constant += rs.reduce(0, +) }
                continue
            }
            let reach = min(maxPerPeriod ?? .max, g.shifts.reduce(0) { $0 + ub[$1] })
            var row = g.shifts.map { (col: $0, coef: 1.0) }
            switch objective {
            case .minResources:
                let need = rs.last!
                guard reach >= need else { return nil }
                if need == 0 && reach == g.shifts.reduce(0, { $0 + ub[$1] }) { continue } // redundant row
                let surplus = addColumn(0, 0, reach - need)
                row.append((surplus, -1))
                rhs.append(Double(need)); basic.append(surplus)
            case .minAbsDifference:
                // Σx + v − Σy − u = r₁ with coverage = r₁ − v + Σy + u clipped to [0, reach].
                let k = rs.count, r1 = rs[0]
                constant += rs.reduce(0) { $0 + $1 - r1 }
                let u = addColumn(k, 0, max(0, reach - rs[k - 1]))
                row.append((u, -1))
                row.append((addColumn(k, max(0, r1 - reach), r1), 1))
                for i in 1..<k where rs[i - 1] < reach && rs[i] > rs[i - 1] {
                    row.append((addColumn(2 * i - k, 0, min(rs[i], reach) - rs[i - 1]), -1))
                }
                rhs.append(Double(r1)); basic.append(u)
            }
            entries.append(row)
        }
        cols = cost.count
        self.entries = entries
        self.rhs = rhs
        self.basic = basic
        self.cost = cost
        self.lower = lower
        self.upper = upper
        self.constant = constant
    }

    func simplex() -> ScheduleSimplex {
        ScheduleSimplex(cols: cols, entries: entries, rhs: rhs, basic: basic, cost: cost, lower: lower, upper: upper)
    }
}

/// Periods grouped by the exact set of shifts working them (same for every day).
struct ScheduleCoverageGroups: Sendable {
    struct Group: Sendable {
        var shifts: [Int]
        var periods: [Int]
    }
    let groups: [Group]

    init(coverage: [[Int]], periods: Int) {
        var index: [[Int]: Int] = [:]
        var groups: [Group] = []
        for p in 0..<periods {
            let set = coverage.indices.filter { coverage[$0][p] == 1 }
            if let g = index[set] {
                groups[g].periods.append(p)
            } else {
                index[set] = groups.count
                groups.append(Group(shifts: set, periods: [p]))
            }
        }
        self.groups = groups
    }
}
