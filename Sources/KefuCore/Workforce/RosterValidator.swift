import Foundation

/// Checks a roster against the 排班原则, for the builder's tests and for the
/// lead who edits cells by hand in the browser (and for swaps before approval).
public enum RosterValidator {
    /// Used when a lead edits one cell in the browser: all violations of the
    /// whole roster (or only those touching `workId` if given).
    public static func violations(of assignments: [RosterAssignment], templates: [ShiftTemplate], agents: [RosterAgent],
                                  rules: RosterRules, days: [LocalDay], workId: String? = nil) -> [RosterViolation] {
        let shapes = RosterShiftShape.table(templates)
        let agentsById = Dictionary(agents.map { ($0.workId, $0) }, uniquingKeysWith: { first, _ in first })
        var byAgent: [String: [RosterAssignment]] = [:]
        for assignment in assignments where workId == nil || assignment.workId == workId {
            byAgent[assignment.workId, default: []].append(assignment)
        }
        let period = Set(days)
        var out: [RosterViolation] = []
        for (id, own) in byAgent {
            guard let agent = agentsById[id] else {
                out += own.map {
                    RosterViolation(workId: id, day: $0.day, code: "unknown_agent", message: "工号 \(id) 不在坐席名单中")
                }
                continue
            }
            out += check(agent: agent, own: own, shapes: shapes, rules: rules, days: days, period: period)
        }
        return out.sorted { lhs, rhs in
            (lhs.workId, lhs.day?.dayNumber ?? Int.min, lhs.code, lhs.message)
                < (rhs.workId, rhs.day?.dayNumber ?? Int.min, rhs.code, rhs.message)
        }
    }

    /// What a change (a lead's cell edit, an approved swap) newly breaks for `workId`: a rule
    /// already broken before it (an earlier override, leave approved after publishing) does
    /// not block fixing something else, but nothing may be made worse.
    public static func introduced(by next: [RosterAssignment], from current: [RosterAssignment], templates: [ShiftTemplate],
                                  agents: [RosterAgent], rules: RosterRules, days: [LocalDay], workId: String) -> [RosterViolation] {
        func key(_ v: RosterViolation) -> String { "\(v.code)|\(v.day?.description ?? "")" }
        let already = Set(violations(of: current, templates: templates, agents: agents, rules: rules, days: days, workId: workId).map(key))
        return violations(of: next, templates: templates, agents: agents, rules: rules, days: days, workId: workId)
            .filter { !already.contains(key($0)) }
    }

    /// Per-agent totals of the assignments that fall in `days` (agents without
    /// any assignment are not listed), ordered by work ID.
    public static func stats(of assignments: [RosterAssignment], templates: [ShiftTemplate], days: [LocalDay],
                             holidays: [LocalDay: String], rules: RosterRules) -> [AgentRosterStats] {
        let shapes = RosterShiftShape.table(templates)
        let period = Set(days)
        let weeks = Double(days.count) / 7
        var totals: [String: (minutes: Int, shifts: Int, nights: Int, holidays: Int, monthStart: Int, days: Set<LocalDay>)] = [:]
        for assignment in assignments where period.contains(assignment.day) {
            guard let shape = shapes[assignment.shiftCode] else { continue }
            var entry = totals[assignment.workId] ?? (0, 0, 0, 0, 0, [])
            entry.minutes += shape.paid
            entry.shifts += 1
            if shape.night { entry.nights += 1 }
            if holidays[assignment.day] != nil { entry.holidays += 1 }
            if rules.isMonthStart(assignment.day) { entry.monthStart += 1 }
            entry.days.insert(assignment.day)
            totals[assignment.workId] = entry
        }
        return totals.keys.sorted().map { id in
            let entry = totals[id]!
            let hours = Double(entry.minutes) / 60
            return AgentRosterStats(workId: id, hours: hours, averageWeeklyHours: weeks > 0 ? hours / weeks : 0,
                                    shifts: entry.shifts, nights: entry.nights, holidayShifts: entry.holidays,
                                    monthStartShifts: entry.monthStart, daysOff: days.count - entry.days.count)
        }
    }

    private static func check(agent: RosterAgent, own: [RosterAssignment], shapes: [String: RosterShiftShape],
                              rules: RosterRules, days: [LocalDay], period: Set<LocalDay>) -> [RosterViolation] {
        let id = agent.workId
        var out: [RosterViolation] = []
        func add(_ day: LocalDay?, _ code: String, _ message: String) {
            out.append(RosterViolation(workId: id, day: day, code: code, message: message))
        }
        let unavailable = Set(agent.unavailable)
        var known: [(assignment: RosterAssignment, shape: RosterShiftShape)] = []
        var perDay: [LocalDay: Int] = [:]
        for assignment in own {
            perDay[assignment.day, default: 0] += 1
            if unavailable.contains(assignment.day) {
                add(assignment.day, "unavailable", "\(id) 在 \(assignment.day) 请假或不可排班")
            }
            if assignment.role != .regular, !agent.isReserveEligible {
                add(assignment.day, "reserve_not_eligible", "\(id) 不能担任应急备班或节日应急台席")
            }
            guard let shape = shapes[assignment.shiftCode] else {
                add(assignment.day, "unknown_shift", "\(assignment.day) 的班次 \(assignment.shiftCode) 不存在")
                continue
            }
            if shape.night, !agent.nightAllowed {
                add(assignment.day, "night_not_allowed", "\(id) 不能上夜班（\(assignment.day) \(assignment.shiftCode)）")
            }
            known.append((assignment, shape))
        }
        for (day, count) in perDay where count > 1 {
            add(day, "double_booked", "\(id) 在 \(day) 被排了 \(count) 个班次")
        }
        known.sort { ($0.assignment.day.dayNumber, $0.shape.start) < ($1.assignment.day.dayNumber, $1.shape.start) }
        let minRest = Int((rules.minRestHours * 60).rounded())
        for index in known.indices.dropFirst() {
            let previous = known[index - 1], next = known[index]
            guard previous.assignment.day != next.assignment.day else { continue }   // double_booked already says it
            let gap = next.shape.absoluteStart(next.assignment.day) - previous.shape.absoluteEnd(previous.assignment.day)
            if gap < minRest {
                add(next.assignment.day, "rest",
                    "\(id) 在 \(next.assignment.day) 上班前只休息了 \(hoursText(gap)) 小时，少于 \(hoursText(minRest)) 小时")
            }
        }
        let workedDays = Set(known.map(\.assignment.day.dayNumber)).sorted()
        for day in runBreaches(workedDays, limit: rules.maxConsecutiveDays) {
            add(LocalDay(dayNumber: day), "consecutive_days", "\(id) 连续上班超过 \(rules.maxConsecutiveDays) 天")
        }
        let nightDays = Set(known.filter(\.shape.night).map(\.assignment.day.dayNumber)).sorted()
        for day in runBreaches(nightDays, limit: rules.maxNightsInARow) {
            add(LocalDay(dayNumber: day), "nights_in_a_row", "\(id) 连续夜班超过 \(rules.maxNightsInARow) 个")
        }
        if !days.isEmpty {
            let minutes = known.filter { period.contains($0.assignment.day) }.reduce(0) { $0 + $1.shape.paid }
            let average = Double(minutes) / 60 / (Double(days.count) / 7)
            let limit = min(agent.weeklyHours, rules.maxAverageWeeklyHours)
            if average > limit + 1e-6 {
                add(nil, "weekly_hours", "\(id) 平均周工时 \(hoursText(Int((average * 60).rounded()))) 小时，超过 \(hoursText(Int((limit * 60).rounded()))) 小时")
            }
        }
        return out
    }

    /// For sorted distinct day numbers: the first day of each run that goes past `limit`.
    private static func runBreaches(_ sortedDays: [Int], limit: Int) -> [Int] {
        var out: [Int] = []
        var run = 0
        var previous = Int.min
        for day in sortedDays {
            run = (previous != Int.min && day == previous + 1) ? run + 1 : 1
            if run == limit + 1 { out.append(day) }
            previous = day
        }
        return out
    }

    private static func hoursText(_ minutes: Int) -> String {
        minutes % 60 == 0 ? String(minutes / 60) : String(format: "%.1f", Double(minutes) / 60)
    }
}

/// A template reduced to the numbers the rules need, computed once per call
/// (`isNight` walks the shift minute by minute).
struct RosterShiftShape: Sendable {
    let code: String
    let start: Int
    let length: Int
    let paid: Int
    let night: Bool

    init(_ template: ShiftTemplate) {
        code = template.code
        start = template.startMinute
        length = template.lengthMinutes
        paid = template.paidMinutes
        night = template.isNight
    }

    static func table(_ templates: [ShiftTemplate]) -> [String: RosterShiftShape] {
        Dictionary(templates.map { ($0.code, RosterShiftShape($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Minutes since 1970-01-01 local midnight at which the shift starts on `day`.
    func absoluteStart(_ day: LocalDay) -> Int { day.dayNumber * 1440 + start }
    func absoluteEnd(_ day: LocalDay) -> Int { day.dayNumber * 1440 + start + length }
}
