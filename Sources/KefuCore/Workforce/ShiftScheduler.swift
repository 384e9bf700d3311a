import Foundation

/// Picks how many people work each shift on each day (pyworkforce's
/// `MinRequiredResources` / `MinAbsDifference`), exactly, with no solver library.
///
/// Days share no constraint, so each day is its own small integer program:
/// LP relaxation by a bounded dual simplex (`ScheduleSimplex`), then branch and
/// bound (`ScheduleBranchAndBound`). Days with the same requirement vector are
/// solved once. The result is deterministic: no randomness, no threads.
public enum ShiftScheduler {
    /// Throws only for bad options (caps ≤ 0); a problem without a schedule
    /// comes back with status `infeasible` and a Chinese reason, because that is
    /// an answer for the planner, not a programming error.
    public static func solve(_ problem: ShiftProblem, options: ScheduleOptions) throws -> ScheduleSolution {
        if let cap = options.maxPerShift, cap <= 0 {
            throw WorkforceError.invalidInput(field: "max-per-shift", reason: "每班人数上限必须大于 0（实际 \(cap)）")
        }
        if let cap = options.maxPerPeriod, cap <= 0 {
            throw WorkforceError.invalidInput(field: "max-per-period", reason: "每时段人数上限必须大于 0（实际 \(cap)）")
        }
        guard options.timeLimitSeconds > 0, options.timeLimitSeconds.isFinite else {
            throw WorkforceError.invalidInput(field: "time-limit", reason: "时间上限必须是大于 0 的秒数")
        }
        let deadline = ContinuousClock.now + .seconds(min(options.timeLimitSeconds, 1e9))
        let groups = ScheduleCoverageGroups(coverage: problem.coverage, periods: problem.periods)
        let shiftCost = options.objective == .minResources
            ? (problem.cost ?? [Int](repeating: 1, count: problem.shiftNames.count))
            : [Int](repeating: 0, count: problem.shiftNames.count)
        var cache: [[Int]: ScheduleBranchAndBound.Result] = [:]
        var assignment: [[Int]] = []
        var total = 0
        var proven = true
        for d in 0..<problem.numDays {
            let required = problem.required[d]
            if options.objective == .minResources, let reason = coverageGap(problem, day: d, options: options) {
                return infeasible(problem, reason)
            }
            let result: ScheduleBranchAndBound.Result
            if let cached = cache[required] {
                result = cached
            } else {
                let day = ScheduleDay(objective: options.objective, required: required, coverage: problem.coverage,
                                      cost: shiftCost, maxPerPeriod: options.maxPerPeriod)
                if let model = ScheduleDayModel(objective: options.objective, groups: groups, required: required,
                                                shiftCost: shiftCost, coverage: problem.coverage,
                                                maxPerShift: options.maxPerShift, maxPerPeriod: options.maxPerPeriod) {
                    result = ScheduleBranchAndBound(model: model, day: day, deadline: deadline).solve()
                } else {
                    result = .infeasible
                }
                cache[required] = result
            }
            switch result {
            case .infeasible:
                return infeasible(problem, "第 \(d + 1) 天的需求在\(capsText(options))下无法同时满足")
            case let .solved(x, value, isProven):
                assignment.append(x)
                total += value
                proven = proven && isProven
            }
        }
        return ScheduleSolution(status: proven ? .optimal : .feasible, objective: Double(total),
                                shiftNames: problem.shiftNames, assignment: assignment)
    }

    /// The first period of `day` that no schedule can cover on its own — the
    /// most useful thing to tell a planner, because it names what to change.
    private static func coverageGap(_ problem: ShiftProblem, day d: Int, options: ScheduleOptions) -> String? {
        for (p, need) in problem.required[d].enumerated() where need > 0 {
            let prefix = "第 \(d + 1) 天第 \(p + 1) 时段需要 \(need) 人，"
            let covering = problem.shifts(covering: p).count
            if covering == 0 { return prefix + "但没有班次覆盖该时段" }
            if let cap = options.maxPerPeriod, cap < need {
                return prefix + "但每时段最多只能排 \(cap) 人（每时段上限 \(cap)）"
            }
            if let cap = options.maxPerShift, covering * cap < need {
                return prefix + "但覆盖该时段的班次最多只能排 \(covering * cap) 人（每班上限 \(cap)）"
            }
        }
        return nil
    }

    private static func capsText(_ options: ScheduleOptions) -> String {
        var parts: [String] = []
        if let cap = options.maxPerShift { parts.append("每班上限 \(cap) 人") }
        if let cap = options.maxPerPeriod { parts.append("每时段上限 \(cap) 人") }
        return parts.isEmpty ? "现有班次" : parts.joined(separator: "、")
    }

    private static func infeasible(_ problem: ShiftProblem, _ reason: String) -> ScheduleSolution {
        ScheduleSolution(status: .infeasible, objective: nil, shiftNames: problem.shiftNames, assignment: [],
                         infeasibleReason: reason)
    }
}
