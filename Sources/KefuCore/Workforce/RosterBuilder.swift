import Foundation

/// Builds the month roster (排班表) from the shift scheduler's requirement.
///
/// A constructive heuristic plus local repair rather than an exact solver: a
/// center of 200 agents must get a lawful, fair month in well under a second
/// so the lead can change leave or demand and rebuild while editing. Hard
/// rules (rest, consecutive days, nights, leave, 40-hour average) are never
/// broken; seats that cannot be filled lawfully are reported as shortfalls.
public enum RosterBuilder {
    /// Day by day, every seat (the requirement, then the emergency reserve on
    /// ordinary days or the standby seats on holidays) goes to the eligible
    /// agent with the lowest score: furthest behind on contract hours, fewest
    /// nights and holiday shifts, preferred shift, and — at month end — those
    /// who carried the month-start rush rest first. Deterministic: ties go to
    /// the lowest work ID.
    public static func build(demand: RosterDemand, templates: [ShiftTemplate], agents: [RosterAgent],
                             rules: RosterRules) throws -> Roster {
        try validate(demand: demand, templates: templates, agents: agents, rules: rules)
        let sortedAgents = agents.sorted { $0.workId < $1.workId }
        var plan = Plan(demand: demand, templates: templates, agents: sortedAgents, rules: rules)
        var open: [Seat] = []
        let order = seatOrder(templates)
        for d in demand.days.indices {
            for seat in seats(day: d, demand: demand, templates: templates, order: order, rules: rules) {
                if let a = plan.best(d, seat.template, seat.role) {
                    plan.assign(a, d, seat.template, seat.role)
                } else {
                    open.append(seat)
                }
            }
        }
        open = repair(&plan, open: open)
        balance(&plan, .nights)
        balance(&plan, .holidays)
        return roster(from: plan, open: open, demand: demand, templates: templates, rules: rules)
    }

    /// One seat to fill: a template on a day, in a role.
    struct Seat: Hashable {
        let day: Int
        let template: Int
        let role: RosterRole
    }

    private static func validate(demand: RosterDemand, templates: [ShiftTemplate], agents: [RosterAgent],
                                 rules: RosterRules) throws {
        try rules.validate()
        guard !templates.isEmpty else { throw WorkforceError.invalidInput(field: "shift", reason: "至少需要一个班次") }
        var codes = Set<String>()
        for template in templates {
            try template.validate()
            guard codes.insert(template.code).inserted else {
                throw WorkforceError.invalidInput(field: "shift", reason: "班次代码 \(template.code) 重复")
            }
        }
        try demand.validate(templateCount: templates.count)
        var ids = Set<String>()
        for agent in agents {
            try agent.validate()
            guard ids.insert(agent.workId).inserted else {
                throw WorkforceError.invalidInput(field: "agent", reason: "工号 \(agent.workId) 重复")
            }
        }
    }

    /// Night templates first (fewest eligible agents, and yesterday's night
    /// workers can only continue on nights), then by start time.
    private static func seatOrder(_ templates: [ShiftTemplate]) -> [Int] {
        templates.indices.sorted { lhs, rhs in
            let left = templates[lhs], right = templates[rhs]
            if left.isNight != right.isNight { return left.isNight }
            return (left.startMinute, lhs) < (right.startMinute, rhs)
        }
    }

    /// The day's seats: requirement interleaved across templates (so no
    /// template takes all the best-placed agents), then reserve or standby.
    private static func seats(day d: Int, demand: RosterDemand, templates: [ShiftTemplate], order: [Int],
                              rules: RosterRules) -> [Seat] {
        let required = demand.required[d]
        var out: [Seat] = []
        for k in 0..<(required.max() ?? 0) {
            for t in order where k < required[t] { out.append(Seat(day: d, template: t, role: .regular)) }
        }
        let holiday = demand.holidays[demand.days[d]] != nil
        let extra = holiday ? rules.holidayStandby : rules.reservePerDay
        let target = busiestDaytime(required: required, templates: templates)
        for _ in 0..<extra { out.append(Seat(day: d, template: target, role: holiday ? .standby : .reserve)) }
        return out
    }

    /// Reserve and standby sit on the day shift with the most agents, where
    /// a sudden spike is most likely and help is nearest.
    private static func busiestDaytime(required: [Int], templates: [ShiftTemplate]) -> Int {
        let daytime = templates.indices.filter { !templates[$0].isNight }
        guard let first = daytime.first else { return 0 }
        return daytime.reduce(first) { required[$1] > required[$0] ? $1 : $0 }
    }

    private static func roster(from plan: Plan, open: [Seat], demand: RosterDemand, templates: [ShiftTemplate],
                               rules: RosterRules) -> Roster {
        let roles: [RosterRole] = [.regular, .reserve, .standby]
        var assignments: [RosterAssignment] = []
        for d in demand.days.indices {
            var buckets = [[RosterAssignment]](repeating: [], count: templates.count * roles.count)
            for a in plan.agents.indices where plan.shift(a, d) >= 0 {
                let t = plan.shift(a, d)
                let role = plan.seatRole(a, d)
                buckets[t * roles.count + roles.firstIndex(of: role)!].append(
                    RosterAssignment(workId: plan.agents[a].workId, day: demand.days[d],
                                     shiftCode: templates[t].code, role: role))
            }
            assignments += buckets.joined()
        }
        var missing: [Seat: Int] = [:]
        for seat in open { missing[seat, default: 0] += 1 }
        let shortfalls = missing.keys.sorted {
            ($0.day, $0.template, roles.firstIndex(of: $0.role)!) < ($1.day, $1.template, roles.firstIndex(of: $1.role)!)
        }.map {
            RosterShortfall(day: demand.days[$0.day], shiftCode: templates[$0.template].code, missing: missing[$0]!, role: $0.role)
        }
        let computed = RosterValidator.stats(of: assignments, templates: templates, days: demand.days,
                                             holidays: demand.holidays, rules: rules)
        let byId = Dictionary(uniqueKeysWithValues: computed.map { ($0.workId, $0) })
        let stats = plan.agents.map {
            byId[$0.workId] ?? AgentRosterStats(workId: $0.workId, hours: 0, averageWeeklyHours: 0, shifts: 0, nights: 0,
                                                holidayShifts: 0, monthStartShifts: 0, daysOff: demand.days.count)
        }
        return Roster(assignments: assignments, shortfalls: shortfalls, stats: stats)
    }
}
