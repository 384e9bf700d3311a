import Foundation

extension RosterBuilder {
    /// Upper bound on rule checks spent on repair, so a month that is simply
    /// understaffed still builds fast instead of searching in vain.
    static let repairCheckBudget = 2_000_000

    /// Second pass over the seats the day-by-day pass left open. By now the
    /// whole month is known, so a seat can be filled by an agent who gives
    /// one of their other shifts to a colleague with hours to spare (an
    /// ejection chain of length one) — breaking a block of consecutive days
    /// or freeing contract hours. Returns the seats still open.
    static func repair(_ plan: inout Plan, open: [Seat]) -> [Seat] {
        var checks = 0
        var stillOpen: [Seat] = []
        let smallestShift = plan.shapes.map(\.paid).min() ?? 0
        for seat in open {
            if let a = plan.best(seat.day, seat.template, seat.role) {
                plan.assign(a, seat.day, seat.template, seat.role)
                continue
            }
            checks += plan.agents.count
            guard checks < repairCheckBudget, move(&plan, into: seat, smallestShift: smallestShift, checks: &checks) else {
                stillOpen.append(seat)
                continue
            }
        }
        return stillOpen
    }

    /// Tries: agent X (free that day) takes the seat after handing one of
    /// their shifts on another day to agent Y. True when the move was made.
    private static func move(_ plan: inout Plan, into seat: Seat, smallestShift: Int, checks: inout Int) -> Bool {
        let spare = plan.agents.indices.filter { plan.worked[$0] + smallestShift <= plan.budget[$0] }
        guard !spare.isEmpty else { return false }
        for x in plan.agents.indices where plan.shift(x, seat.day) < 0 {
            let agent = plan.agents[x]
            if plan.unavailable[x * plan.dayCount + seat.day] { continue }
            if plan.shapes[seat.template].night, !agent.nightAllowed { continue }
            if seat.role != .regular, !agent.isReserveEligible { continue }
            for e in 0..<plan.dayCount where e != seat.day && plan.shift(x, e) >= 0 {
                if checks >= repairCheckBudget { return false }
                let given = Seat(day: e, template: plan.shift(x, e), role: plan.seatRole(x, e))
                plan.unassign(x, e)
                checks += 1
                if plan.fits(x, seat.day, seat.template, seat.role) {
                    var taker: Int?
                    var takerScore = Double.infinity
                    for y in spare where y != x && plan.shift(y, e) < 0 {
                        checks += 1
                        if plan.fits(y, e, given.template, given.role) {
                            let value = plan.score(y, e, given.template)
                            if value < takerScore { taker = y; takerScore = value }
                        }
                    }
                    if let y = taker {
                        plan.assign(x, seat.day, seat.template, seat.role)
                        plan.assign(y, e, given.template, given.role)
                        return true
                    }
                }
                plan.assign(x, e, given.template, given.role)
            }
        }
        return false
    }
}
