import Foundation

/// Best-bound branch and bound over one day's shift counts.
///
/// When every shift is one contiguous block of periods the coverage matrix has
/// the consecutive-ones property, hence is totally unimodular, and the LP
/// vertex the simplex returns is already integral: the root solves the day and
/// no branching happens. Shifts wrapping past midnight (ones at both ends)
/// break that property, so the LP can be fractional; then we branch on the most
/// fractional count. Costs are integers, so a node whose LP value rounds up to
/// the incumbent's value is pruned (bound = ⌈LP − ε⌉). Every node re-optimises
/// from the root's final tableau with the dual simplex, and only its bounds are
/// stored, so the open list stays small.
struct ScheduleBranchAndBound {
    enum Result: Sendable {
        /// `proven` is false when the deadline stopped the search early.
        case solved(assignment: [Int], value: Int, proven: Bool)
        case infeasible
    }

    private struct Node {
        var bound: Int
        var depth: Int
        var sequence: Int
        var lower: [Int]
        var upper: [Int]
        var branchShift: Int
        var branchValue: Double
    }

    let model: ScheduleDayModel
    let day: ScheduleDay
    let deadline: ContinuousClock.Instant

    func solve() -> Result {
        var root = model.simplex()
        let rootOutcome = root.solve()
        guard rootOutcome != .infeasible else { return .infeasible }
        let shifts = model.shiftCount
        let rootPoint = Array(root.value[0..<shifts])
        var best: [Int]?
        var bestValue = Int.max
        // Only a safety net: Bland's rule terminates long before the iteration limit.
        var complete = rootOutcome == .optimal
        if let x = day.roundedIncumbent(lp: rootPoint, upper: model.shiftUpper), let v = day.evaluate(x) {
            best = x; bestValue = v
        }
        guard complete else { return best.map { .solved(assignment: $0, value: bestValue, proven: false) } ?? .infeasible }
        var open = ScheduleNodeHeap<Node>()
        var sequence = 0
        // Evaluates a node's LP: pushes it, records an incumbent, or drops it.
        func explore(_ lp: inout ScheduleSimplex, lower: [Int], upper: [Int], depth: Int) {
            let outcome = lp.solve()
            if outcome == .iterationLimit { complete = false }
            guard outcome == .optimal else { return }
            let bound = Int((lp.objective + Double(model.constant) - 1e-6).rounded(.up))
            guard bound < bestValue else { return }
            var branch = -1
            var branchValue = 0.0
            var fraction = 0.0
            for s in 0..<shifts {
                let v = lp.value[s]
                let f = min(v - v.rounded(.down), v.rounded(.up) - v)
                if f > 1e-6 && f > fraction + 1e-9 { fraction = f; branch = s; branchValue = v }
            }
            if branch < 0 {
                let x = (0..<shifts).map { Int(lp.value[$0].rounded()) }
                if let v = day.evaluate(x), v < bestValue { best = x; bestValue = v }
                return
            }
            sequence += 1
            open.push(Node(bound: bound, depth: depth, sequence: sequence, lower: lower, upper: upper,
                           branchShift: branch, branchValue: branchValue)) { a, b in
                (a.bound, -a.depth, a.sequence) < (b.bound, -b.depth, b.sequence)
            }
        }
        var rootCopy = root
        explore(&rootCopy, lower: [Int](repeating: 0, count: shifts), upper: model.shiftUpper, depth: 0)
        while let node = open.pop(by: { a, b in (a.bound, -a.depth, a.sequence) < (b.bound, -b.depth, b.sequence) }) {
            if node.bound >= bestValue { break }
            if best != nil, ContinuousClock.now >= deadline {
                return .solved(assignment: best!, value: bestValue, proven: false)
            }
            let s = node.branchShift
            let down = Int(node.branchValue.rounded(.down))
            for child in 0..<2 {
                var lower = node.lower, upper = node.upper
                if child == 0 { upper[s] = down } else { lower[s] = down + 1 }
                var lp = root
                for t in 0..<shifts where lower[t] != 0 || upper[t] != model.shiftUpper[t] {
                    lp.setBounds(t, lower: Double(lower[t]), upper: Double(upper[t]))
                }
                explore(&lp, lower: lower, upper: upper, depth: node.depth + 1)
            }
        }
        guard let best else { return .infeasible }
        return .solved(assignment: best, value: bestValue, proven: complete)
    }
}

/// Binary min-heap with the ordering passed at each call (keeps `Node` private).
struct ScheduleNodeHeap<Element> {
    private var items: [Element] = []

    mutating func push(_ e: Element, by less: (Element, Element) -> Bool) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop(by less: (Element, Element) -> Bool) -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && less(items[l], items[m]) { m = l }
            if r < items.count && less(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
