import Foundation

/// Erlang B / Erlang C queueing formulas (M/M/n), the standard way to turn
/// forecast calls into agents. Everything is computed from the Erlang B
/// recursion B(n) = A·B(n−1) / (n + A·B(n−1)), which never forms A^n or n!,
/// so 5,000 Erlangs and thousands of agents stay within Double.
public enum Erlang {
    /// Erlang B: probability that all `servers` are busy in a loss system.
    /// 1 for zero servers, 0 without traffic.
    public static func blocking(servers: Int, trafficErlangs: Double) -> Double {
        guard servers > 0 else { return 1 }
        guard trafficErlangs > 0 else { return trafficErlangs.isNaN ? .nan : 0 }
        var b = 1.0
        for n in 1...servers { b = nextBlocking(b, servers: n, traffic: trafficErlangs) }
        return b
    }

    /// Erlang C: probability an arriving call waits. Derived from Erlang B
    /// (C = nB / (n − A(1 − B))); a queue with servers ≤ traffic never drains, so 1.
    public static func probabilityOfWaiting(servers: Int, trafficErlangs: Double) -> Double {
        if trafficErlangs.isNaN { return .nan }
        guard trafficErlangs > 0 else { return 0 }
        guard Double(servers) > trafficErlangs else { return 1 }
        return waiting(fromBlocking: blocking(servers: servers, trafficErlangs: trafficErlangs),
                       servers: servers, traffic: trafficErlangs)
    }

    /// Share of calls answered within `answerWithinSeconds`:
    /// SL = 1 − C·exp(−(n − A)·t / AHT); 0 when the queue is unstable.
    public static func serviceLevel(servers: Int, trafficErlangs: Double, ahtSeconds: Double,
                                    answerWithinSeconds: Double) -> Double {
        let c = probabilityOfWaiting(servers: servers, trafficErlangs: trafficErlangs)
        return serviceLevel(probWait: c, servers: servers, traffic: trafficErlangs, aht: ahtSeconds,
                            within: answerWithinSeconds)
    }

    /// Average speed of answer, ASA = C·AHT / (n − A); `.infinity` when the
    /// queue is unstable (servers ≤ traffic).
    public static func averageSpeedOfAnswer(servers: Int, trafficErlangs: Double, ahtSeconds: Double) -> Double {
        let c = probabilityOfWaiting(servers: servers, trafficErlangs: trafficErlangs)
        return averageSpeedOfAnswer(probWait: c, servers: servers, traffic: trafficErlangs, aht: ahtSeconds)
    }

    /// Smallest agent count meeting SL (and ASA if set) and maxOccupancy; Erlang A when patienceSeconds is set
    /// (then `maxAbandonRate` too).
    /// Searching upward from the first feasible count guarantees minimality:
    /// the result meets the targets and one agent fewer does not.
    public static func staffing(for target: StaffingTarget) throws -> StaffingResult {
        try target.validate()
        if target.patienceSeconds != nil { return try staffingErlangA(target) }
        return try staffingErlangC(target)
    }

    /// Per-interval plan: intervals with 0 calls → .zero; negative → error naming the interval index.
    /// The template supplies AHT, targets and shrinkage; its own `calls` is ignored.
    public static func staffingPlan(calls: [Double], template: StaffingTarget) throws -> [StaffingResult] {
        try template.validateExceptCalls()
        for (index, value) in calls.enumerated() where !(value.isFinite && value >= 0) {
            let what = value.isFinite ? "为负数" : "不是有限的数字"
            throw WorkforceError.invalidInput(
                field: "calls", reason: "第 \(index + 1) 个时段（序号 \(index)）的话务量\(what)：\(value)")
        }
        return try calls.map { value in
            guard value > 0 else { return .zero }
            var target = template
            target.calls = value
            return try staffing(for: target)
        }
    }

    // MARK: - Internals shared with the staffing search

    /// One step of the Erlang B recursion, from n − 1 to n servers.
    @inline(__always)
    static func nextBlocking(_ previous: Double, servers n: Int, traffic a: Double) -> Double {
        let ab = a * previous
        return ab / (Double(n) + ab)
    }

    static func waiting(fromBlocking b: Double, servers n: Int, traffic a: Double) -> Double {
        guard Double(n) > a else { return 1 }
        return min(1, Double(n) * b / (Double(n) - a * (1 - b)))
    }

    static func serviceLevel(probWait c: Double, servers n: Int, traffic a: Double, aht: Double,
                             within t: Double) -> Double {
        guard Double(n) > a else { return 0 }
        return max(0, 1 - c * exp(-(Double(n) - a) * t / aht))
    }

    static func averageSpeedOfAnswer(probWait c: Double, servers n: Int, traffic a: Double, aht: Double) -> Double {
        guard Double(n) > a else { return .infinity }
        return c * aht / (Double(n) - a)
    }

    /// Slack on target comparisons so a target met to the last bit of Double
    /// rounding (SL exactly 0.8) counts as met.
    static let tolerance = 1e-12

    /// Erlang C never needs more agents than this many beyond the traffic; a
    /// guard against looping forever on a target of exactly 1 with t = 0.
    private static func searchLimit(traffic a: Double) -> Int {
        Int(a.rounded(.up)) + 100 + Int((a.squareRoot() * 50).rounded(.up))
    }

    private static func staffingErlangC(_ target: StaffingTarget) throws -> StaffingResult {
        let a = target.trafficErlangs
        // Below A + 1 the queue is unstable; below A / maxOccupancy the agents are overloaded.
        let stable = Int(a.rounded(.down)) + 1
        let occupancyFloor = Int((a / target.maxOccupancy - 1e-9).rounded(.up))
        let start = max(1, stable, occupancyFloor)
        var b = 1.0
        for n in 1..<start { b = nextBlocking(b, servers: n, traffic: a) }
        let limit = max(start, searchLimit(traffic: a))
        for n in start...limit {
            b = nextBlocking(b, servers: n, traffic: a)
            let c = waiting(fromBlocking: b, servers: n, traffic: a)
            let sl = serviceLevel(probWait: c, servers: n, traffic: a, aht: target.ahtSeconds,
                                  within: target.answerWithinSeconds)
            let asa = averageSpeedOfAnswer(probWait: c, servers: n, traffic: a, aht: target.ahtSeconds)
            guard sl >= target.targetServiceLevel - tolerance else { continue }
            if let targetASA = target.targetASA, asa > targetASA + tolerance { continue }
            return StaffingResult(agents: n, scheduled: StaffingResult.scheduled(agents: n, shrinkage: target.shrinkage),
                                  serviceLevel: sl, asa: asa, probWait: c, occupancy: a / Double(n))
        }
        throw WorkforceError.infeasible(reason: "在 \(limit) 名座席以内无法达到服务水平目标，请检查目标是否过高")
    }

    private static func staffingErlangA(_ target: StaffingTarget) throws -> StaffingResult {
        let patience = target.patienceSeconds ?? .infinity
        let a = target.trafficErlangs
        let limit = searchLimit(traffic: a) + Int((a / target.maxOccupancy).rounded(.up))
        func evaluate(_ n: Int) -> ErlangA.Metrics {
            ErlangA.metrics(servers: n, callsPerSecond: target.callsPerSecond, ahtSeconds: target.ahtSeconds,
                            patienceSeconds: patience, answerWithinSeconds: target.answerWithinSeconds)
        }
        func meets(_ m: ErlangA.Metrics) -> Bool {
            guard m.serviceLevel >= target.targetServiceLevel - tolerance,
                  m.occupancy <= target.maxOccupancy + tolerance else { return false }
            if let targetASA = target.targetASA, m.asa > targetASA + tolerance { return false }
            if let cap = target.maxAbandonRate, m.abandonRate > cap + tolerance { return false }
            return true
        }
        // SL and ASA improve and occupancy falls as agents are added, so gallop
        // to a feasible count and bisect back to the smallest one. Answered
        // load cannot exceed n, so SL < n / A: every n ≤ A·SL − 1 fails.
        var failing = max(0, Int((a * target.targetServiceLevel).rounded(.down)) - 1)
        var step = max(1, Int(a.squareRoot().rounded()))
        var passing = min(limit, failing + step)
        var passed = evaluate(passing)
        while !meets(passed) {
            failing = passing
            guard passing < limit else {
                throw WorkforceError.infeasible(reason: "在 \(limit) 名座席以内无法达到服务水平目标，请检查目标是否过高")
            }
            step *= 2
            passing = min(limit, passing + step)
            passed = evaluate(passing)
        }
        while passing - failing > 1 {
            let middle = failing + (passing - failing) / 2
            let metrics = evaluate(middle)
            if meets(metrics) { passing = middle; passed = metrics } else { failing = middle }
        }
        return StaffingResult(agents: passing,
                              scheduled: StaffingResult.scheduled(agents: passing, shrinkage: target.shrinkage),
                              serviceLevel: passed.serviceLevel, asa: passed.asa, probWait: passed.probWait,
                              occupancy: passed.occupancy, abandonRate: passed.abandonRate)
    }
}
