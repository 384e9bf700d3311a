import Foundation
import Testing
@testable import KefuCore

/// The seed's reference interval: 100 calls per half hour, AHT 3 min, 80/20.
private enum Reference {
    static func target(shrinkage: Double = 0, patience: Double? = nil, asa: Double? = nil,
                       occupancy: Double = 1) -> StaffingTarget {
        StaffingTarget(calls: 100, intervalSeconds: 1800, ahtSeconds: 180, targetServiceLevel: 0.8,
                       answerWithinSeconds: 20, targetASA: asa, patienceSeconds: patience,
                       shrinkage: shrinkage, maxOccupancy: occupancy)
    }

    /// Independent Erlang A check for small systems: π by plain products and
    /// each caller's "answered within t" by uniformizing its position chain.
    static func bruteForceErlangA(n: Int, lambda: Double, mu: Double, theta: Double, t: Double,
                                  queueCap: Int) -> (serviceLevel: Double, abandon: Double) {
        var pi = [1.0]
        for k in 1...n { pi.append(pi[k - 1] * lambda / (Double(k) * mu)) }
        for j in 1...queueCap { pi.append(pi[n + j - 1] * lambda / (Double(n) * mu + Double(j) * theta)) }
        let total = pi.reduce(0, +)
        let nMu = Double(n) * mu
        var abandon = 0.0
        var position = [Double](repeating: 0, count: queueCap + 1)
        for j in 0...queueCap {
            position[j] = pi[n + j] / total
            abandon += position[j] * (Double(j) + 1) * theta / (nMu + (Double(j) + 1) * theta)
        }
        let uniform = nMu + Double(queueCap + 1) * theta
        var served = 0.0
        var poisson = exp(-uniform * t)
        var servedByT = poisson * served
        var step = 0
        while Double(step) < uniform * t + 12 * (uniform * t).squareRoot() + 30 {
            var next = position
            for i in 0...queueCap {
                let out = nMu + Double(i) * theta + theta
                next[i] = position[i] * (1 - out / uniform) + (i < queueCap ? position[i + 1] * (nMu + Double(i + 1) * theta) / uniform : 0)
            }
            served += position[0] * nMu / uniform
            position = next
            step += 1
            poisson *= uniform * t / Double(step)
            servedByT += poisson * served
        }
        let noWait = pi[0..<n].reduce(0, +) / total
        return (noWait + servedByT, abandon)
    }
}

@Suite("Workforce Erlang") struct WorkforceErlangTests {
    @Test func referenceIntervalNeedsFourteenAgents() throws {
        let result = try Erlang.staffing(for: Reference.target(shrinkage: 0.3))
        #expect(result.agents == 14)
        #expect(result.scheduled == 20)
        #expect(abs(result.serviceLevel - 0.888) <= 0.001)
        #expect(abs(result.asa - 7.8) <= 0.05)
        #expect(abs(result.probWait - 0.174) <= 0.001)
        #expect(abs(result.occupancy - 10.0 / 14) < 1e-12)
        #expect(result.abandonRate == nil)
    }

    @Test func matchesPyworkforce() {
        // pyworkforce ErlangC(transactions: 100, aht: 3, interval: 30): 13 → 0.28527, 0.79559.
        #expect(abs(Erlang.probabilityOfWaiting(servers: 13, trafficErlangs: 10) - 0.285270453036493) < 1e-12)
        #expect(abs(Erlang.serviceLevel(servers: 13, trafficErlangs: 10, ahtSeconds: 180, answerWithinSeconds: 20)
            - 0.7955947884177831) < 1e-12)
        #expect(abs(Erlang.probabilityOfWaiting(servers: 45, trafficErlangs: 40) - 0.3407061108423803) < 1e-12)
        // Erlang B textbook value: 10 servers, 5 Erlangs.
        #expect(abs(Erlang.blocking(servers: 10, trafficErlangs: 5) - 0.018384570336) < 1e-10)
    }

    @Test func fiveThousandErlangsStayFinite() throws {
        var target = Reference.target()
        target.calls = 5000 * 1800 / 180
        let result = try Erlang.staffing(for: target)
        #expect(result.agents == 5013)  // pyworkforce agrees
        #expect(result.serviceLevel.isFinite && result.serviceLevel >= 0.8)
        #expect(Erlang.serviceLevel(servers: 5012, trafficErlangs: 5000, ahtSeconds: 180, answerWithinSeconds: 20) < 0.8)
        let b = Erlang.blocking(servers: 20_000, trafficErlangs: 5000)
        #expect(b >= 0 && b < 1e-100)
        #expect(Erlang.blocking(servers: 100, trafficErlangs: 5000) > 0.97)
    }

    @Test func unstableQueueWaitsForever() {
        #expect(Erlang.probabilityOfWaiting(servers: 10, trafficErlangs: 10) == 1)
        #expect(Erlang.serviceLevel(servers: 9, trafficErlangs: 10, ahtSeconds: 180, answerWithinSeconds: 20) == 0)
        #expect(Erlang.averageSpeedOfAnswer(servers: 10, trafficErlangs: 12, ahtSeconds: 180) == .infinity)
        #expect(Erlang.blocking(servers: 0, trafficErlangs: 3) == 1)
        #expect(Erlang.probabilityOfWaiting(servers: 3, trafficErlangs: 0) == 0)
    }

    @Test(arguments: [
        Reference.target(),
        Reference.target(asa: 5),
        Reference.target(occupancy: 0.6),
        StaffingTarget(calls: 37, intervalSeconds: 900, ahtSeconds: 240, targetServiceLevel: 0.95,
                       answerWithinSeconds: 10),
        StaffingTarget(calls: 2, intervalSeconds: 1800, ahtSeconds: 300, targetServiceLevel: 0.5,
                       answerWithinSeconds: 0),
    ])
    func staffingIsTheMinimum(target: StaffingTarget) throws {
        let result = try Erlang.staffing(for: target)
        func meets(_ n: Int) -> Bool {
            let a = target.trafficErlangs
            let sl = Erlang.serviceLevel(servers: n, trafficErlangs: a, ahtSeconds: target.ahtSeconds,
                                         answerWithinSeconds: target.answerWithinSeconds)
            let asa = Erlang.averageSpeedOfAnswer(servers: n, trafficErlangs: a, ahtSeconds: target.ahtSeconds)
            return sl >= target.targetServiceLevel && asa <= (target.targetASA ?? .infinity)
                && a / Double(n) <= target.maxOccupancy
        }
        #expect(meets(result.agents))
        #expect(!meets(result.agents - 1))
    }

    @Test func targetsOnlyAddAgents() throws {
        let plain = try Erlang.staffing(for: Reference.target()).agents
        #expect(try Erlang.staffing(for: Reference.target(asa: 2)).agents > plain)
        let capped = try Erlang.staffing(for: Reference.target(occupancy: 0.6))
        #expect(capped.agents == 17)  // ceil(10 / 0.6)
        #expect(capped.occupancy <= 0.6)
    }

    @Test func shrinkageRoundsWithTolerance() {
        #expect(StaffingResult.scheduled(agents: 14, shrinkage: 0.3) == 20)
        #expect(StaffingResult.scheduled(agents: 15, shrinkage: 0.3) == 22)
        #expect(StaffingResult.scheduled(agents: 7, shrinkage: 0) == 7)
        #expect(StaffingResult.scheduled(agents: 0, shrinkage: 0.5) == 0)
    }

    private static func spoiled(_ field: String, _ spoil: (inout StaffingTarget) -> Void) -> (String, StaffingTarget) {
        var target = Reference.target()
        spoil(&target)
        return (field, target)
    }

    @Test(arguments: [
        spoiled("calls") { $0.calls = 0 },
        spoiled("calls") { $0.calls = -3 },
        spoiled("calls") { $0.calls = .nan },
        spoiled("interval") { $0.intervalSeconds = 0 },
        spoiled("aht") { $0.ahtSeconds = 0 },
        spoiled("aht") { $0.ahtSeconds = .infinity },
        spoiled("target-sl") { $0.targetServiceLevel = 0 },
        spoiled("target-sl") { $0.targetServiceLevel = 1.2 },
        spoiled("answer-within") { $0.answerWithinSeconds = -1 },
        spoiled("target-asa") { $0.targetASA = 0 },
        spoiled("patience") { $0.patienceSeconds = -5 },
        spoiled("shrinkage") { $0.shrinkage = 1 },
        spoiled("max-occupancy") { $0.maxOccupancy = 0 },
        spoiled("max-abandon") { $0.maxAbandonRate = 1.5 },
    ])
    func badInputNamesTheField(field: String, target: StaffingTarget) {
        do {
            _ = try Erlang.staffing(for: target)
            Issue.record("accepted a bad \(field)")
        } catch let WorkforceError.invalidInput(name, reason) {
            #expect(name == field)
            #expect(!reason.isEmpty)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func noCallsMessageIsChinese() {
        var target = Reference.target()
        target.calls = 0
        #expect(throws: WorkforceError.invalidInput(field: "calls", reason: "话务量必须大于 0")) {
            try Erlang.staffing(for: target)
        }
    }

    @Test func planZeroAndNegativeIntervals() throws {
        let plan = try Erlang.staffingPlan(calls: [0, 100, 0, 50], template: Reference.target(shrinkage: 0.3))
        #expect(plan.count == 4)
        #expect(plan[0] == .zero && plan[2] == .zero)
        #expect(plan[1].agents == 14 && plan[1].scheduled == 20)
        #expect(plan[3].agents > 0 && plan[3].agents < 14)
        do {
            _ = try Erlang.staffingPlan(calls: [10, 20, -1], template: Reference.target())
            Issue.record("negative calls accepted")
        } catch let WorkforceError.invalidInput(field, reason) {
            #expect(field == "calls")
            #expect(reason.contains("第 3 个时段"))
        }
        var badAHT = Reference.target()
        badAHT.ahtSeconds = 0
        #expect(throws: WorkforceError.self) { try Erlang.staffingPlan(calls: [0], template: badAHT) }
        #expect(try Erlang.staffingPlan(calls: [], template: Reference.target()).isEmpty)
    }

    @Test func resultsRoundTripThroughJSON() throws {
        let result = try Erlang.staffing(for: Reference.target(patience: 120))
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(StaffingResult.self, from: data) == result)
        let target = Reference.target(shrinkage: 0.3, patience: 90, asa: 15)
        #expect(try JSONDecoder().decode(StaffingTarget.self, from: JSONEncoder().encode(target)) == target)
    }

    @Test func ruleOfThumb() throws {
        #expect(try RuleOfThumb.seats(busyHourCalls: 200, maxCallsPerAgentPerHour: 12) == 17)
        #expect(try RuleOfThumb.seats(busyHourCalls: 240, maxCallsPerAgentPerHour: 12) == 20)
        #expect(try RuleOfThumb.seats(busyHourCalls: 0.3, maxCallsPerAgentPerHour: 0.1) == 3)
        #expect(try RuleOfThumb.seats(busyHourCalls: 0, maxCallsPerAgentPerHour: 12) == 0)
        #expect(throws: WorkforceError.invalidInput(field: "max-calls-per-agent",
                                                    reason: "每名座席每小时最多接听量必须在 0.1–1000 之间")) {
            try RuleOfThumb.seats(busyHourCalls: 10, maxCallsPerAgentPerHour: 0)
        }
        #expect(throws: WorkforceError.self) { try RuleOfThumb.seats(busyHourCalls: -1, maxCallsPerAgentPerHour: 10) }
    }
}

@Suite("Workforce Erlang A") struct WorkforceErlangATests {
    private func metrics(_ n: Int, patience: Double, calls: Double = 100, aht: Double = 180,
                         within: Double = 20) -> ErlangA.Metrics {
        ErlangA.metrics(servers: n, callsPerSecond: calls / 1800, ahtSeconds: aht, patienceSeconds: patience,
                        answerWithinSeconds: within)
    }

    @Test func convergesToErlangCForPatientCallers() {
        for n in [11, 14, 20] {
            let a = metrics(n, patience: 1e9)
            let c = Double(n)
            #expect(abs(a.serviceLevel - Erlang.serviceLevel(servers: n, trafficErlangs: 10, ahtSeconds: 180,
                                                              answerWithinSeconds: 20)) < 1e-3)
            #expect(abs(a.probWait - Erlang.probabilityOfWaiting(servers: n, trafficErlangs: 10)) < 1e-3)
            #expect(abs(a.asa - Erlang.averageSpeedOfAnswer(servers: n, trafficErlangs: 10, ahtSeconds: 180))
                    < 0.01 * max(1, a.asa))
            #expect(a.abandonRate < 1e-3)
            #expect(abs(a.occupancy - 10 / c) < 1e-3)
        }
    }

    @Test func shorterPatienceMeansMoreAbandons() {
        let rates = [3600.0, 600, 180, 60, 10].map { metrics(10, patience: $0).abandonRate }
        for (longer, shorter) in zip(rates, rates.dropFirst()) { #expect(shorter > longer) }
        #expect(rates.last! < 1)
    }

    @Test func agreesWithIndependentComputation() {
        for (n, lambda, patience, t) in [(3, 1.0 / 60, 60.0, 20.0), (5, 6.0 / 180, 300, 30), (2, 1.0 / 200, 45, 0)] {
            let mu = 1.0 / 180
            let fast = ErlangA.metrics(servers: n, callsPerSecond: lambda, ahtSeconds: 180,
                                       patienceSeconds: patience, answerWithinSeconds: t)
            let slow = Reference.bruteForceErlangA(n: n, lambda: lambda, mu: mu, theta: 1 / patience, t: t,
                                                   queueCap: 300)
            #expect(abs(fast.serviceLevel - slow.serviceLevel) < 1e-9)
            #expect(abs(fast.abandonRate - slow.abandon) < 1e-9)
        }
    }

    @Test func flowBalances() {
        let m = metrics(9, patience: 120)
        let lambda = 100.0 / 1800
        // Abandons per second = θ · mean queue; carried load = agents busy.
        #expect(abs(m.abandonRate * lambda - m.averageQueueLength / 120) < 1e-9)
        #expect(abs(m.occupancy - 10 * (1 - m.abandonRate) / 9) < 1e-9)
        #expect(m.servedServiceLevel >= m.serviceLevel)
    }

    @Test func twoThousandAgentsStayFinite() {
        for n in [1900, 2000, 2100] {
            let m = ErlangA.metrics(servers: n, callsPerSecond: 2000.0 / 180, ahtSeconds: 180,
                                    patienceSeconds: 120, answerWithinSeconds: 20)
            for value in [m.serviceLevel, m.asa, m.probWait, m.abandonRate, m.occupancy, m.averageQueueLength] {
                #expect(value.isFinite && value >= 0)
            }
        }
        // Overloaded and nearly infinitely patient: a huge queue, still finite.
        let jam = ErlangA.metrics(servers: 1000, callsPerSecond: 5000.0 / 180, ahtSeconds: 180,
                                  patienceSeconds: 1e12, answerWithinSeconds: 20)
        #expect(jam.serviceLevel.isFinite && jam.serviceLevel < 0.01)
        #expect(abs(jam.abandonRate - 0.8) < 1e-3)  // only 1000 of 5000 Erlangs can be carried
        #expect(abs(jam.occupancy - 1) < 1e-6)
    }

    @Test func degenerateInputs() {
        let empty = ErlangA.metrics(servers: 3, callsPerSecond: 0, ahtSeconds: 180, patienceSeconds: 60,
                                    answerWithinSeconds: 20)
        #expect(empty.serviceLevel == 1 && empty.abandonRate == 0)
        let nobody = ErlangA.metrics(servers: 0, callsPerSecond: 1, ahtSeconds: 180, patienceSeconds: 60,
                                     answerWithinSeconds: 20)
        #expect(nobody.abandonRate == 1 && nobody.serviceLevel == 0)
        #expect(ErlangA.metrics(servers: 3, callsPerSecond: 1, ahtSeconds: 0, patienceSeconds: 60,
                                answerWithinSeconds: 20).serviceLevel.isNaN)
    }

    @Test func staffingWithAbandonmentIsMinimalAndCheaper() throws {
        let target = Reference.target(shrinkage: 0.3, patience: 120)
        let result = try Erlang.staffing(for: target)
        let erlangC = try Erlang.staffing(for: Reference.target())
        #expect(result.agents <= erlangC.agents)
        #expect(result.serviceLevel >= 0.8)
        #expect(metrics(result.agents - 1, patience: 120).serviceLevel < 0.8)
        #expect(result.abandonRate != nil && result.abandonRate! > 0)
        #expect(result.scheduled == StaffingResult.scheduled(agents: result.agents, shrinkage: 0.3))
    }

    @Test func abandonCapAddsAgents() throws {
        var target = Reference.target(patience: 60)
        target.calls = 2000
        let loose = try Erlang.staffing(for: target)
        target.maxAbandonRate = 0.01
        let capped = try Erlang.staffing(for: target)
        #expect(capped.agents > loose.agents)
        #expect(try #require(capped.abandonRate) <= 0.01)
        let below = ErlangA.metrics(servers: capped.agents - 1, callsPerSecond: target.callsPerSecond,
                                    ahtSeconds: 180, patienceSeconds: 60, answerWithinSeconds: 20)
        #expect(below.abandonRate > 0.01)
    }

    @Test func staffingHugeTrafficWithAbandonment() throws {
        var target = Reference.target(patience: 90)
        target.calls = 5000 * 1800 / 180
        let result = try Erlang.staffing(for: target)
        #expect(result.serviceLevel >= 0.8)
        // Impatient callers shed load: fewer agents than Erlang C's 5013.
        #expect(result.agents > 4000 && result.agents < 5013)
        let below = ErlangA.metrics(servers: result.agents - 1, callsPerSecond: target.callsPerSecond,
                                    ahtSeconds: 180, patienceSeconds: 90, answerWithinSeconds: 20)
        #expect(below.serviceLevel < 0.8)
    }
}
