import Foundation
import Testing
@testable import KefuCore

/// Deterministic random source so a failing instance can be replayed.
private struct SchedulerTestRNG {
    var state: UInt64
    mutating func next(_ range: ClosedRange<Int>) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return range.lowerBound + Int(z % UInt64(range.count))
    }
}

/// The pyworkforce README example (2 days × 24 hours, Night wraps past midnight).
private let readmeJSON = """
{"numDays": 2, "periods": 24,
 "required": [[9, 11, 17, 9, 7, 12, 5, 11, 8, 9, 18, 17, 8, 12, 16, 8, 7, 12, 11, 10, 13, 19, 16, 7],
              [13, 13, 12, 15, 18, 20, 13, 16, 17, 8, 13, 11, 6, 19, 11, 20, 19, 17, 10, 13, 14, 23, 16, 8]],
 "shifts": {"Morning": [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            "Afternoon": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
            "Night": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1],
            "Mixed": [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]}}
"""

/// Every assignment with each shift in 0...limit: the optimum by enumeration (nil = infeasible).
private func bruteForce(_ problem: ShiftProblem, _ options: ScheduleOptions, limit: Int) -> Int? {
    let shifts = problem.shiftNames.count
    let costs = problem.cost ?? [Int](repeating: 1, count: shifts)
    var total = 0
    for d in 0..<problem.numDays {
        var best: Int?
        var x = [Int](repeating: 0, count: shifts)
        while true {
            if let v = dayValue(problem, options, day: d, x: x, costs: costs), v < (best ?? .max) { best = v }
            var i = 0
            while i < shifts && x[i] == limit { x[i] = 0; i += 1 }
            if i == shifts { break }
            x[i] += 1
        }
        guard let best else { return nil }
        total += best
    }
    return total
}

/// The day's objective for `x`, straight from the definition (nil when a constraint breaks).
private func dayValue(_ problem: ShiftProblem, _ options: ScheduleOptions, day d: Int, x: [Int], costs: [Int]) -> Int? {
    if let cap = options.maxPerShift, x.contains(where: { $0 > cap }) { return nil }
    var value = 0
    for p in 0..<problem.periods {
        let cov = x.indices.reduce(0) { $0 + x[$1] * problem.coverage[$1][p] }
        if let cap = options.maxPerPeriod, cov > cap { return nil }
        let need = problem.required[d][p]
        switch options.objective {
        case .minResources: if cov < need { return nil }
        case .minAbsDifference: value += abs(cov - need)
        }
    }
    if options.objective == .minResources { value = zip(x, costs).reduce(0) { $0 + $1.0 * $1.1 } }
    return value
}

private func randomProblem(_ rng: inout SchedulerTestRNG) throws -> ShiftProblem {
    let days = rng.next(1...2), periods = rng.next(3...6), count = rng.next(2...4)
    var shifts: [String: [Int]] = [:]
    for s in 0..<count {
        var cov = [Int](repeating: 0, count: periods)
        if s == 0 {  // wraps past midnight: ones at both ends
            let head = rng.next(1...periods - 2), tail = rng.next(1...periods - 1 - head)
            for p in 0..<head { cov[p] = 1 }
            for p in periods - tail..<periods { cov[p] = 1 }
        } else if rng.next(0...3) == 0 {  // an arbitrary pattern (split shift)
            cov = (0..<periods).map { _ in rng.next(0...1) }
        } else {
            let start = rng.next(0...periods - 1), length = rng.next(1...periods - start)
            for p in start..<start + length { cov[p] = 1 }
        }
        shifts["S\(s)"] = cov
    }
    let required = (0..<days).map { _ in (0..<periods).map { _ in rng.next(0...4) } }
    let cost = rng.next(0...1) == 0 ? nil : Dictionary(uniqueKeysWithValues: shifts.keys.map { ($0, rng.next(0...5)) })
    return try ShiftProblem(numDays: days, periods: periods, required: required, shifts: shifts, cost: cost)
}

private func expectInvalid(_ json: String, field: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try ShiftProblem(json: Data(json.utf8))
        Issue.record("accepted invalid input (\(field))", sourceLocation: sourceLocation)
    } catch let WorkforceError.invalidInput(got, reason) {
        #expect(got == field, sourceLocation: sourceLocation)
        #expect(!reason.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Workforce shift scheduler")
struct WorkforceSchedulerTests {
    @Test func matchesBruteForceOnRandomInstances() throws {
        var rng = SchedulerTestRNG(state: 20240605)
        for trial in 0..<1000 {
            let problem = try randomProblem(&rng)
            for objective in ScheduleObjective.allCases {
                let maxShift = rng.next(0...2) == 0 ? nil : rng.next(1...4)
                let maxPeriod = rng.next(0...2) == 0 ? nil : rng.next(2...8)
                let options = ScheduleOptions(objective: objective, maxPerShift: maxShift, maxPerPeriod: maxPeriod)
                // Required ≤ 4, so no optimum needs more than 4 on a shift even without a cap.
                let expected = bruteForce(problem, options, limit: min(4, maxShift ?? 4))
                let got = try ShiftScheduler.solve(problem, options: options)
                let context = "trial \(trial) \(objective) caps \(String(describing: maxShift))/\(String(describing: maxPeriod))"
                guard let expected else {
                    #expect(got.status == .infeasible, "\(context)")
                    #expect(got.infeasibleReason != nil, "\(context)")
                    continue
                }
                #expect(got.status == .optimal, "\(context)")
                #expect(got.objective == Double(expected), "\(context): \(problem)")
                let costs = problem.cost ?? [Int](repeating: 1, count: problem.shiftNames.count)
                let recomputed = got.assignment.enumerated().map { d, x in
                    dayValue(problem, options, day: d, x: x, costs: costs)
                }
                #expect(recomputed.allSatisfy { $0 != nil }, "\(context)")
                #expect(recomputed.compactMap { $0 }.reduce(0, +) == expected, "\(context)")
            }
        }
    }

    /// Three periods on a ring, each shift covering two of them: the LP answer is ½ everywhere,
    /// so only branch and bound reaches the integer optimum.
    @Test func oddCycleOfWrappingShiftsNeedsBranching() throws {
        let problem = try ShiftProblem(numDays: 1, periods: 3, required: [[1, 1, 1]],
                                       shifts: ["A": [1, 1, 0], "B": [0, 1, 1], "C": [1, 0, 1]])
        let res = try ShiftScheduler.solve(problem, options: .init(objective: .minResources))
        #expect(res.status == .optimal && res.objective == 2)
        let abs = try ShiftScheduler.solve(problem, options: .init(objective: .minAbsDifference))
        #expect(abs.status == .optimal && abs.objective == 1)
        let tight = try ShiftScheduler.solve(problem, options: .init(objective: .minResources, maxPerPeriod: 1))
        #expect(tight.status == .infeasible)
    }

    @Test func readmeExampleRoundTripsAndMatchesPyworkforce() throws {
        let problem = try ShiftProblem(json: Data(readmeJSON.utf8))
        #expect(problem.shiftNames == ["Afternoon", "Mixed", "Morning", "Night"])
        #expect(problem.coverage[3][0] == 1 && problem.coverage[3][23] == 1)
        #expect(try ShiftProblem(json: problem.encodedJSON()) == problem)
        let abs = try ShiftScheduler.solve(problem, options: .init(objective: .minAbsDifference, maxPerShift: 25, maxPerPeriod: 27))
        #expect(abs.status == .optimal && abs.objective == 157)
        let res = try ShiftScheduler.solve(problem, options: .init(objective: .minResources, maxPerShift: 25, maxPerPeriod: 27))
        #expect(res.status == .optimal && res.objective == 113)
        let uncapped = try ShiftScheduler.solve(problem, options: .init(objective: .minResources))
        #expect(uncapped.objective == 113)
    }

    @Test func cliJSONKeysDaysAndShiftsByName() throws {
        let problem = try ShiftProblem(json: Data(readmeJSON.utf8))
        let solution = try ShiftScheduler.solve(problem, options: .init(objective: .minResources))
        let object = try #require(JSONSerialization.jsonObject(with: solution.cliJSON()) as? [String: Any])
        #expect(object["status"] as? String == "optimal")
        #expect(object["objective"] as? Double == 113)
        let days = try #require(object["assignment"] as? [String: [String: Int]])
        #expect(Set(days.keys) == ["0", "1"])
        #expect(days["1"]?["Night"] == solution.assignment[1][3])
        let infeasible = try ShiftScheduler.solve(problem, options: .init(objective: .minResources, maxPerShift: 5))
        let body = try #require(JSONSerialization.jsonObject(with: infeasible.cliJSON()) as? [String: Any])
        #expect(body["objective"] is NSNull)
        #expect(body["infeasibleReason"] as? String == infeasible.infeasibleReason)
    }

    @Test func capsBelowTheRequirementAreInfeasibleWithAReason() throws {
        let problem = try ShiftProblem(json: Data(readmeJSON.utf8))
        let perShift = try ShiftScheduler.solve(problem, options: .init(objective: .minResources, maxPerShift: 5))
        #expect(perShift.status == .infeasible && perShift.objective == nil && perShift.assignment.isEmpty)
        // Hour 0 is worked by Night alone.
        #expect(perShift.infeasibleReason == "第 1 天第 1 时段需要 9 人，但覆盖该时段的班次最多只能排 5 人（每班上限 5）")
        let perPeriod = try ShiftScheduler.solve(problem, options: .init(objective: .minResources, maxPerPeriod: 10))
        #expect(perPeriod.infeasibleReason?.hasPrefix("第 1 天第 2 时段需要 11 人") == true)
        // Each period alone fits, but the two shifts overlap in the middle: only the LP sees it.
        let overlap = try ShiftProblem(numDays: 1, periods: 3, required: [[2, 0, 2]],
                                       shifts: ["A": [1, 1, 0], "B": [0, 1, 1]])
        let joint = try ShiftScheduler.solve(overlap, options: .init(objective: .minResources, maxPerPeriod: 3))
        #expect(joint.status == .infeasible)
        #expect(joint.infeasibleReason == "第 1 天的需求在每时段上限 3 人下无法同时满足")
        // Min-abs-difference always has a schedule: nobody is a valid (poor) answer.
        let abs = try ShiftScheduler.solve(problem, options: .init(objective: .minAbsDifference, maxPerShift: 1, maxPerPeriod: 1))
        #expect(abs.status == .optimal)
    }

    @Test func uncoveredPeriodIsInfeasibleOnlyForMinResources() throws {
        let problem = try ShiftProblem(numDays: 1, periods: 4, required: [[3, 2, 0, 5]],
                                       shifts: ["Day": [0, 1, 1, 0], "Late": [0, 0, 1, 1]])
        let res = try ShiftScheduler.solve(problem, options: .init(objective: .minResources))
        #expect(res.status == .infeasible)
        #expect(res.infeasibleReason == "第 1 天第 1 时段需要 3 人，但没有班次覆盖该时段")
        let abs = try ShiftScheduler.solve(problem, options: .init(objective: .minAbsDifference))
        #expect(abs.status == .optimal)
        // Period 1 stays 3 short; |d−2| + (d+l) + |l−5| ≥ 2 + 5 whatever Day = d and Late = l.
        #expect(abs.objective == 10)
    }

    @Test func nonPositiveCapsAndTimeLimitThrow() throws {
        let problem = try ShiftProblem(json: Data(readmeJSON.utf8))
        #expect(throws: WorkforceError.invalidInput(field: "max-per-shift", reason: "每班人数上限必须大于 0（实际 0）")) {
            try ShiftScheduler.solve(problem, options: .init(objective: .minResources, maxPerShift: 0))
        }
        #expect(throws: WorkforceError.invalidInput(field: "max-per-period", reason: "每时段人数上限必须大于 0（实际 -2）")) {
            try ShiftScheduler.solve(problem, options: .init(objective: .minAbsDifference, maxPerPeriod: -2))
        }
        #expect(throws: WorkforceError.self) {
            try ShiftScheduler.solve(problem, options: .init(objective: .minResources, timeLimitSeconds: 0))
        }
    }

    @Test func identicalDaysGetIdenticalRowsAndTinyTimeLimitStillAnswers() throws {
        let row = [4, 6, 9, 9, 7, 5, 3, 8]
        let problem = try ShiftProblem(numDays: 3, periods: 8, required: [row, row, row],
                                       shifts: ["A": [1, 1, 1, 0, 0, 0, 0, 1], "B": [0, 1, 1, 1, 1, 0, 0, 0],
                                                "C": [0, 0, 0, 1, 1, 1, 1, 0], "D": [1, 0, 0, 0, 0, 1, 1, 1]])
        let solution = try ShiftScheduler.solve(problem, options: .init(objective: .minResources, timeLimitSeconds: 1e-9))
        #expect(solution.status != .infeasible)
        #expect(solution.assignment[0] == solution.assignment[1] && solution.assignment[1] == solution.assignment[2])
        let full = try ShiftScheduler.solve(problem, options: .init(objective: .minResources))
        #expect(try #require(solution.objective) >= #require(full.objective))
    }

    @Test func badInputIsRejectedWithTheField() {
        let shifts = #""shifts": {"A": [1, 0], "B": [0, 1]}"#
        expectInvalid(#"{"numDays": 0, "periods": 2, "required": [], \#(shifts)}"#, field: "numDays")
        expectInvalid(#"{"numDays": 1, "periods": 0, "required": [[]], \#(shifts)}"#, field: "periods")
        expectInvalid(#"{"numDays": 2, "periods": 2, "required": [[1, 1]], \#(shifts)}"#, field: "required")
        expectInvalid(#"{"numDays": 1, "periods": 2, "required": [[1, 1, 1]], \#(shifts)}"#, field: "required[0]")
        expectInvalid(#"{"numDays": 2, "periods": 2, "required": [[1, 1], [1, -3]], \#(shifts)}"#, field: "required[1][1]")
        expectInvalid(#"{"numDays": 1, "periods": 2, "required": [[1, 1.5]], \#(shifts)}"#, field: "required[0][1]")
        expectInvalid(#"{"numDays": 1, "periods": 2, "required": [[1, 1]], "shifts": {}}"#, field: "shifts")
        expectInvalid(#"{"numDays": 1, "periods": 2, "required": [[1, 1]], "shifts": {"A": [1]}}"#, field: "shifts.A")
        expectInvalid(#"{"numDays": 1, "periods": 2, "required": [[1, 1]], "shifts": {"A": [1, 2]}}"#, field: "shifts.A[1]")
        expectInvalid(#"{"numDays": 1, "periods": 2, "required": [[1, "2"]], \#(shifts)}"#, field: "required[0][1]")
        expectInvalid(#"{"numDays": 1.5, "periods": 2, "required": [[1, 1]], \#(shifts)}"#, field: "numDays")
        expectInvalid(#"{"numDays": 1, "periods": 2, "required": [[1, 1]], \#(shifts), "cost": {"A": 1}}"#, field: "cost")
        expectInvalid(#"{"numDays": 1, "periods": 2, "required": [[1, 1]], \#(shifts), "cost": {"A": 1, "B": 1, "C": 1}}"#, field: "cost")
        expectInvalid(#"{"numDays": 1, "periods": 2, "required": [[1, 1]], \#(shifts), "cost": {"A": 1, "B": -1}}"#, field: "cost.B")
        expectInvalid(#"{"numDays": 1, "periods": 2, \#(shifts)}"#, field: "required")
        expectInvalid(#"{"numDays": 1, "periods": 2, "required": [[1, 1]], "#, field: "json")
        expectInvalid("not json", field: "json")
        #expect(throws: WorkforceError.self) {
            try ShiftProblem(numDays: 1, periods: 1, required: [[-1]], shifts: ["A": [1]])
        }
    }
}
