import Foundation

extension RosterBuilder {
    /// What a fairness pass evens out.
    enum FairnessCounter {
        case nights, holidays
    }

    /// Upper bound on rule checks per fairness pass (keeps large months fast).
    static let fairnessCheckBudget = 1_500_000

    /// Evens out night and holiday shifts after the month is planned. The
    /// day-by-day pass keeps nights in short blocks (cheaper in lost rest
    /// days), which can leave some agents a block ahead; here an agent with
    /// clearly more hands one such shift to a colleague with fewer — taking
    /// one of the colleague's ordinary shifts in return when hours require it.
    static func balance(_ plan: inout Plan, _ counter: FairnessCounter) {
        var checks = 0
        var moved = true
        while moved, checks < fairnessCheckBudget {
            moved = false
            let order = plan.agents.indices.sorted { weight(plan, $0, counter) > weight(plan, $1, counter) }
            outer: for h in order {
                for l in order.reversed() where l != h {
                    let scaleH = scale(plan, h), scaleL = scale(plan, l)
                    // Only if the giver stays at or above the taker afterwards: every move is a strict improvement.
                    guard Double(count(plan, h, counter) - 1) * scaleH >= Double(count(plan, l, counter) + 1) * scaleL else { break }
                    if handOver(&plan, from: h, to: l, counter, checks: &checks) { moved = true; break outer }
                    if checks >= fairnessCheckBudget { return }
                }
            }
        }
    }

    private static func count(_ plan: Plan, _ a: Int, _ counter: FairnessCounter) -> Int {
        counter == .nights ? plan.nights[a] : plan.holidays[a]
    }

    private static func scale(_ plan: Plan, _ a: Int) -> Double {
        Double(plan.referenceBudget) / Double(max(1, plan.budget[a]))
    }

    private static func weight(_ plan: Plan, _ a: Int, _ counter: FairnessCounter) -> Double {
        Double(count(plan, a, counter)) * scale(plan, a)
    }

    private static func counts(_ plan: Plan, _ d: Int, _ t: Int, _ counter: FairnessCounter) -> Bool {
        counter == .nights ? plan.shapes[t].night : plan.isHoliday[d]
    }

    /// Moves one counted shift of `h` to `l`, alone or against one of `l`'s
    /// uncounted shifts. True when a move was made.
    private static func handOver(_ plan: inout Plan, from h: Int, to l: Int, _ counter: FairnessCounter,
                                 checks: inout Int) -> Bool {
        for e in 0..<plan.dayCount {
            let t = plan.shift(h, e)
            guard t >= 0, counts(plan, e, t, counter) else { continue }
            let role = plan.seatRole(h, e)
            // The taker's possible returns: nothing, or one uncounted shift (same day or another).
            var returns: [Int?] = [nil]
            for f in 0..<plan.dayCount where plan.shift(l, f) >= 0 && !counts(plan, f, plan.shift(l, f), counter) {
                returns.append(f)
            }
            for f in returns {
                if f == nil, plan.shift(l, e) >= 0 { continue }
                if let f, f != e, plan.shift(l, e) >= 0 || plan.shift(h, f) >= 0 { continue }
                checks += 2
                plan.unassign(h, e)
                var back: (t: Int, role: RosterRole)?
                if let f {
                    back = (plan.shift(l, f), plan.seatRole(l, f))
                    plan.unassign(l, f)
                }
                if plan.fits(l, e, t, role) {
                    plan.assign(l, e, t, role)
                    if let f, let back {
                        if plan.fits(h, f, back.t, back.role) {
                            plan.assign(h, f, back.t, back.role)
                            return true
                        }
                        plan.unassign(l, e)
                    } else {
                        return true
                    }
                }
                if let f, let back { plan.assign(l, f, back.t, back.role) }
                plan.assign(h, e, t, role)
                if checks >= fairnessCheckBudget { return false }
            }
        }
        return false
    }
}
