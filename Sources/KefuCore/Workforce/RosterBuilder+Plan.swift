import Foundation

extension RosterBuilder {
    /// The month being built, as flat arrays indexed [agent * days + day] so
    /// the builder's inner loop (every seat × every agent) stays cheap.
    struct Plan {
        let shapes: [RosterShiftShape]
        let agents: [RosterAgent]
        let dayCount: Int
        let minRest: Int
        let maxConsecutive: Int
        let maxNights: Int
        let monthStartDays: Int
        let isHoliday: [Bool]
        let isMonthStart: [Bool]
        let isMonthEnd: [Bool]
        /// Paid minutes the agent may work this period: min(contract, rule) × days / 7.
        let budget: [Int]
        /// Largest budget, so fairness counters of part-timers are scaled up.
        let referenceBudget: Int
        let unavailable: [Bool]
        let prefers: [Bool]          // [agent * templates + template]
        let hasPreferences: [Bool]
        /// Template index per agent and day, -1 for a day off.
        private(set) var cell: [Int]
        private(set) var role: [RosterRole]
        private(set) var worked: [Int]
        private(set) var nights: [Int]
        private(set) var holidays: [Int]
        private(set) var monthStart: [Int]

        init(demand: RosterDemand, templates: [ShiftTemplate], agents: [RosterAgent], rules: RosterRules) {
            shapes = templates.map(RosterShiftShape.init)
            self.agents = agents
            dayCount = demand.days.count
            minRest = Int((rules.minRestHours * 60).rounded())
            maxConsecutive = rules.maxConsecutiveDays
            maxNights = rules.maxNightsInARow
            monthStartDays = max(1, rules.monthStartDays)
            isHoliday = demand.days.map { demand.holidays[$0] != nil }
            isMonthStart = demand.days.map(rules.isMonthStart)
            isMonthEnd = demand.days.map(rules.isMonthEnd)
            let days = Double(demand.days.count)
            budget = agents.map { Int((min($0.weeklyHours, rules.maxAverageWeeklyHours) * 60 * days / 7).rounded(.down)) }
            referenceBudget = max(1, budget.max() ?? 1)
            let dayIndex = Dictionary(uniqueKeysWithValues: demand.days.enumerated().map { ($0.element, $0.offset) })
            var blocked = [Bool](repeating: false, count: agents.count * demand.days.count)
            for (a, agent) in agents.enumerated() {
                for day in agent.unavailable { if let d = dayIndex[day] { blocked[a * demand.days.count + d] = true } }
            }
            unavailable = blocked
            let codes = templates.map(\.code)
            prefers = agents.flatMap { agent in codes.map { agent.preferredShifts.contains($0) } }
            hasPreferences = agents.map { agent in agent.preferredShifts.contains { codes.contains($0) } }
            let size = agents.count * demand.days.count
            cell = [Int](repeating: -1, count: size)
            role = [RosterRole](repeating: .regular, count: size)
            worked = [Int](repeating: 0, count: agents.count)
            nights = worked
            holidays = worked
            monthStart = worked
        }

        func shift(_ a: Int, _ d: Int) -> Int { cell[a * dayCount + d] }
        func seatRole(_ a: Int, _ d: Int) -> RosterRole { role[a * dayCount + d] }

        /// Whether the agent could take the seat without breaking a hard rule,
        /// looking both back and ahead (repair fills days between planned ones).
        func fits(_ a: Int, _ d: Int, _ t: Int, _ seat: RosterRole) -> Bool {
            let base = a * dayCount
            guard cell[base + d] < 0, !unavailable[base + d] else { return false }
            let shape = shapes[t]
            if shape.night, !agents[a].nightAllowed { return false }
            if seat != .regular, !agents[a].isReserveEligible { return false }
            guard worked[a] + shape.paid <= budget[a] else { return false }
            let start = d * 1440 + shape.start
            let end = start + shape.length
            // Shifts are ≤ 12 h and rest ≤ 24 h, so only two days either side can be too close.
            for k in 1...2 {
                if d - k >= 0, case let p = cell[base + d - k], p >= 0,
                   start - ((d - k) * 1440 + shapes[p].start + shapes[p].length) < minRest { return false }
                if d + k < dayCount, case let n = cell[base + d + k], n >= 0,
                   (d + k) * 1440 + shapes[n].start - end < minRest { return false }
            }
            var run = 1
            var day = d - 1
            while day >= 0, cell[base + day] >= 0 { run += 1; day -= 1 }
            day = d + 1
            while day < dayCount, cell[base + day] >= 0 { run += 1; day += 1 }
            if run > maxConsecutive { return false }
            if shape.night {
                var nightRun = 1
                day = d - 1
                while day >= 0, cell[base + day] >= 0, shapes[cell[base + day]].night { nightRun += 1; day -= 1 }
                day = d + 1
                while day < dayCount, cell[base + day] >= 0, shapes[cell[base + day]].night { nightRun += 1; day += 1 }
                if nightRun > maxNights { return false }
            }
            return true
        }

        /// Lower is better: behind on hours first, then fewer nights/holidays
        /// than colleagues, then wishes and a steady rhythm.
        func score(_ a: Int, _ d: Int, _ t: Int) -> Double {
            let base = a * dayCount
            let budgetShare = Double(max(1, budget[a]))
            var value = Double(worked[a]) / budgetShare
            let scale = Double(referenceBudget) / budgetShare
            let yesterday = d > 0 ? cell[base + d - 1] : -1
            if shapes[t].night {
                value += Double(nights[a]) * scale
                // Short blocks of nights: a day after a night is lost to rest anyway.
                if yesterday >= 0, shapes[yesterday].night { value -= 1.5 }
            }
            if isHoliday[d] { value += Double(holidays[a]) * scale }
            if hasPreferences[a] { value += prefers[a * shapes.count + t] ? -0.05 : 0.05 }
            if yesterday == t { value -= 0.02 }
            // Whoever carried the billing-day rush gets the month-end days off.
            if isMonthEnd[d] { value += 0.3 * Double(monthStart[a]) / Double(monthStartDays) }
            return value
        }

        /// The eligible agent with the lowest score (ties: lowest work ID, as agents are sorted).
        func best(_ d: Int, _ t: Int, _ seat: RosterRole, excluding: Int = -1) -> Int? {
            var chosen: Int?
            var chosenScore = Double.infinity
            for a in agents.indices where a != excluding && fits(a, d, t, seat) {
                let value = score(a, d, t)
                if value < chosenScore { chosen = a; chosenScore = value }
            }
            return chosen
        }

        mutating func assign(_ a: Int, _ d: Int, _ t: Int, _ seat: RosterRole) {
            cell[a * dayCount + d] = t
            role[a * dayCount + d] = seat
            count(a, d, t, 1)
        }

        mutating func unassign(_ a: Int, _ d: Int) {
            let t = cell[a * dayCount + d]
            guard t >= 0 else { return }
            cell[a * dayCount + d] = -1
            count(a, d, t, -1)
        }

        private mutating func count(_ a: Int, _ d: Int, _ t: Int, _ sign: Int) {
            worked[a] += sign * shapes[t].paid
            if shapes[t].night { nights[a] += sign }
            if isHoliday[d] { holidays[a] += sign }
            if isMonthStart[d] { monthStart[a] += sign }
        }
    }
}
