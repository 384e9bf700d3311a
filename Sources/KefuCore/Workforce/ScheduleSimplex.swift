import Foundation

/// Dense bounded-variable dual simplex for one day's LP relaxation:
/// minimise cᵀx subject to Ax = b, l ≤ x ≤ u, every bound finite.
///
/// Why the dual simplex: every row of the scheduling LP owns a slack column
/// (coefficient ±1) and every variable is boxed, so the slack basis with each
/// nonbasic variable parked at the bound its reduced cost prefers is dual
/// feasible from the start — no phase 1. Branch and bound only moves bounds,
/// which keeps dual feasibility, so a node re-optimises from the root's final
/// tableau in a handful of pivots. Pivots pick the most infeasible row; after a
/// run of degenerate pivots the rest of the solve switches to Bland's rule
/// (lowest index leaves, lowest index among ratio ties enters), which cannot cycle.
struct ScheduleSimplex: Sendable {
    enum Outcome: Sendable { case optimal, infeasible, iterationLimit }

    let rows: Int
    let cols: Int
    /// B⁻¹A, row-major `rows × cols`.
    private(set) var tableau: [Double]
    /// Reduced costs d = c − c_Bᵀ B⁻¹A.
    private(set) var reduced: [Double]
    let cost: [Double]
    private(set) var lower: [Double]
    private(set) var upper: [Double]
    /// Current value of every column (basic ones from the tableau, the rest at a bound).
    private(set) var value: [Double]
    private(set) var basis: [Int]
    /// Row of a basic column, −1 when nonbasic.
    private var rowOf: [Int]
    private var atUpper: [Bool]

    static let feasTol = 1e-7
    static let pivotTol = 1e-9

    /// - Parameters:
    ///   - entries: per row, the nonzero (column, coefficient) pairs.
    ///   - basic: per row, a column appearing only in that row with coefficient ±1.
    init(cols: Int, entries: [[(col: Int, coef: Double)]], rhs: [Double], basic: [Int],
         cost: [Double], lower: [Double], upper: [Double]) {
        rows = entries.count
        self.cols = cols
        self.cost = cost
        self.lower = lower
        self.upper = upper
        tableau = [Double](repeating: 0, count: rows * cols)
        reduced = cost
        value = lower
        basis = basic
        rowOf = [Int](repeating: -1, count: cols)
        atUpper = [Bool](repeating: false, count: cols)
        var scaledRHS = rhs
        for r in 0..<rows {
            let pivot = entries[r].first { $0.col == basic[r] }!.coef
            for e in entries[r] { tableau[r * cols + e.col] = e.coef / pivot }
            scaledRHS[r] = rhs[r] / pivot
            rowOf[basic[r]] = r
        }
        for r in 0..<rows where cost[basic[r]] != 0 {
            let cb = cost[basic[r]]
            for j in 0..<cols { reduced[j] -= cb * tableau[r * cols + j] }
        }
        for j in 0..<cols where rowOf[j] < 0 {
            if reduced[j] < 0 { atUpper[j] = true; value[j] = upper[j] }
        }
        for r in 0..<rows {
            var v = scaledRHS[r]
            for j in 0..<cols where rowOf[j] < 0 && value[j] != 0 { v -= tableau[r * cols + j] * value[j] }
            value[basic[r]] = v
        }
    }

    /// Objective of the current point.
    var objective: Double {
        var z = 0.0
        for j in 0..<cols { z += cost[j] * value[j] }
        return z
    }

    /// Narrows a column's box (branching). Keeps dual feasibility: a nonbasic
    /// column stays at the same side of its box, only that side moves.
    mutating func setBounds(_ j: Int, lower lo: Double, upper up: Double) {
        lower[j] = lo
        upper[j] = up
        guard rowOf[j] < 0 else { return }
        let target = atUpper[j] ? up : lo
        let delta = target - value[j]
        guard delta != 0 else { return }
        value[j] = target
        for r in 0..<rows {
            let a = tableau[r * cols + j]
            if a != 0 { value[basis[r]] -= a * delta }
        }
    }

    /// Dual simplex until primal feasible (optimal) or proven infeasible.
    mutating func solve(maxIterations: Int = 50_000) -> Outcome {
        var degenerateRun = 0
        var bland = false
        for _ in 0..<maxIterations {
            guard let (r, goesUp) = leavingRow(bland: bland) else { return .optimal }
            guard let q = enteringColumn(row: r, leavingToLower: goesUp, bland: bland) else { return .infeasible }
            let step = abs(reduced[q] / tableau[r * cols + q])
            if step < 1e-12 { degenerateRun += 1 } else { degenerateRun = 0 }
            if degenerateRun > 50 { bland = true }
            pivot(row: r, column: q, leavingToLower: goesUp)
        }
        return .iterationLimit
    }

    /// A basic column outside its box: the most violated one, or the lowest
    /// column index under Bland's rule. `goesUp` when it is below its lower bound.
    private func leavingRow(bland: Bool) -> (Int, Bool)? {
        var best: (Int, Bool)?
        var bestScore = 0.0
        var bestIndex = Int.max
        for r in 0..<rows {
            let j = basis[r]
            let v = value[j]
            let below = lower[j] - v
            let above = v - upper[j]
            let violation = max(below, above)
            guard violation > Self.feasTol else { continue }
            if bland {
                if j < bestIndex { bestIndex = j; best = (r, below > 0) }
            } else if violation > bestScore {
                bestScore = violation
                best = (r, below > 0)
            }
        }
        return best
    }

    /// Ratio test keeping every reduced cost on its correct side.
    private func enteringColumn(row r: Int, leavingToLower: Bool, bland: Bool) -> Int? {
        var best = -1
        var bestRatio = Double.infinity
        var bestAlpha = 0.0
        let base = r * cols
        for j in 0..<cols where rowOf[j] < 0 && upper[j] > lower[j] {
            let a = tableau[base + j]
            guard abs(a) > Self.pivotTol else { continue }
            // Leaving to its lower bound, the basic column must rise: x_B = … − a·x_j.
            let eligible = leavingToLower ? (atUpper[j] ? a > 0 : a < 0) : (atUpper[j] ? a < 0 : a > 0)
            guard eligible else { continue }
            let ratio = max(0, abs(reduced[j])) / abs(a)
            if ratio < bestRatio - 1e-12 {
                best = j; bestRatio = ratio; bestAlpha = abs(a)
            } else if ratio <= bestRatio + 1e-12, !bland, abs(a) > bestAlpha {
                best = j; bestRatio = min(ratio, bestRatio); bestAlpha = abs(a)
            }
        }
        return best >= 0 ? best : nil
    }

    private mutating func pivot(row r: Int, column q: Int, leavingToLower: Bool) {
        let n = cols
        let leaving = basis[r]
        let target = leavingToLower ? lower[leaving] : upper[leaving]
        tableau.withUnsafeMutableBufferPointer { t in
            let alpha = t[r * n + q]
            let delta = (value[leaving] - target) / alpha
            // Move the entering column by delta; every basic column follows its row.
            for i in 0..<rows where i != r {
                let a = t[i * n + q]
                if a != 0 { value[basis[i]] -= a * delta }
            }
            value[q] += delta
            value[leaving] = target
            let inv = 1 / alpha
            for j in 0..<n { t[r * n + j] *= inv }
            t[r * n + q] = 1
            for i in 0..<rows where i != r {
                let factor = t[i * n + q]
                guard factor != 0 else { continue }
                for j in 0..<n { t[i * n + j] -= factor * t[r * n + j] }
                t[i * n + q] = 0
            }
            let dq = reduced[q]
            if dq != 0 {
                for j in 0..<n { reduced[j] -= dq * t[r * n + j] }
            }
            reduced[q] = 0
        }
        rowOf[leaving] = -1
        atUpper[leaving] = !leavingToLower
        rowOf[q] = r
        atUpper[q] = false
        basis[r] = q
    }
}
