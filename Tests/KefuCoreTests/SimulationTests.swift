import Foundation
import Testing
@testable import KefuCore

/// Scenarios shared by the simulation tests. `surge` is the same scenario as
/// Benchmarks/live/scenarios/surge.json.
private enum Scenarios {
    static let start = "2026-03-02T09:00:00+08:00"

    static func inbound(_ count: Int, vip: Int = 0) -> [SimulationAgent] {
        (0..<count).map { i in
            SimulationAgent(workId: String(1001 + i), groups: i < vip ? [.inbound, .vip] : [.inbound], vip: i < vip,
                            signedIn: true)
        }
    }

    static func pool(experts: Int = 1, outbound: Int = 2, qc: Int = 2, backOffice: Int = 2) -> [SimulationAgent] {
        func people(_ n: Int, _ base: Int, _ group: AgentGroup) -> [SimulationAgent] {
            (0..<n).map { SimulationAgent(workId: String(base + $0), groups: [group], signedIn: false) }
        }
        return people(experts, 2001, .floatingExperts) + people(outbound, 3001, .outbound)
            + people(qc, 4001, .qc) + people(backOffice, 5001, .backOffice)
    }

    static let surge = SimulationScenario(
        seed: 4, start: start, durationMinutes: 120, intervalMinutes: 15,
        arrivals: [7.9, 11.2, 19.1, 19.1, 19.1, 19.1, 6.8, 4.5], vipShare: 0.1, ahtSeconds: 480,
        ahtDistribution: .lognormal, patienceSeconds: 900, ringSeconds: 10, noAnswerShare: 0.03,
        holdShare: 0.15, holdSeconds: 25, acwSeconds: 10, agents: inbound(6, vip: 1) + pool(),
        emergencyMode: .automatic)

    static let quiet = SimulationScenario(
        seed: 11, start: start, durationMinutes: 120, arrivals: [10], vipShare: 0.2, ahtSeconds: 180,
        patienceSeconds: 300, agents: inbound(8, vip: 2) + pool())
}

@Suite struct SimulationTests {
    @Test func sameSeedSameRun() throws {
        let a = try Simulator.run(Scenarios.surge)
        let b = try Simulator.run(Scenarios.surge)
        #expect(a == b)
        #expect(a.events.count > 100)
        var other = Scenarios.surge
        other.seed = 5
        let c = try Simulator.run(other)
        #expect(c.events != a.events)
    }

    @Test func steppingGivesTheSameEventsAsOneRun() throws {
        let whole = try Simulator.run(Scenarios.surge)
        var simulator = try Simulator(scenario: Scenarios.surge)
        var events: [CTIEvent] = []
        var timeline: [SimulationTimelineEntry] = []
        var t = simulator.start
        while !simulator.isFinished {
            t += 37
            let step = simulator.run(until: t)
            #expect(step.events.allSatisfy { $0.at <= t })
            events += step.events
            timeline += step.timeline
        }
        #expect(events == whole.events)
        #expect(timeline == whole.timeline)
        #expect(simulator.result.kpis == whole.kpis)
    }

    @Test func lowLoadNeverCallsTheEmergency() throws {
        let result = try Simulator.run(Scenarios.quiet)
        #expect(result.kpis.offered > 20)
        #expect(result.kpis.maxEmergencyStage == 0)
        #expect(result.timeline.isEmpty)
        #expect(!result.events.contains { $0.reason?.hasPrefix("应急") == true })
    }

    @Test func surgeClimbsTheLadderAndSignsOutAfterwards() throws {
        let result = try Simulator.run(Scenarios.surge)
        let stages = result.timeline.filter { $0.kind == .stageChange }.map(\.stage)
        #expect(stages == [1, 2, 3, 2, 1, 0])
        #expect(result.kpis.maxEmergencyStage == 3)
        let applied = result.timeline.filter { $0.kind == .applied }
        #expect(applied.count == 3)
        // Waiting > 5 for 5 minutes before the first step, in the engine's own words.
        #expect(applied.first.map { $0.waiting > 5 && $0.text.contains("流动专家组") && $0.text.contains("已持续 5 分") } == true)
        let start = Scenarios.surge.startDate!
        #expect(applied.first.map { $0.at.timeIntervalSince(start) >= 300 } == true)
        #expect(result.timeline.filter { $0.kind == .released }.count == 3)
        #expect(result.emergency.applied.isEmpty)
        // The pulled-in people were signed in, then out again.
        for workId in ["2001", "3001", "3002", "4001", "4002"] {
            let theirs = result.events.filter { $0.agentWorkId == workId && $0.type.rawValue.hasPrefix("logged") }
            #expect(theirs.map(\.type.rawValue) == ["logged_in", "logged_out"], "\(workId)")
        }
        #expect(!result.events.contains { $0.agentWorkId == "5001" })
        // A release comes after the surge has calmed: the order is escalate…, release….
        let kinds = result.timeline.filter { $0.kind != .stageChange }.map(\.kind)
        #expect(kinds == [.applied, .applied, .applied, .released, .released, .released])
    }

    @Test func manualModeRecordsButDoesNotApply() throws {
        var scenario = Scenarios.surge
        scenario.emergencyMode = .manual
        let result = try Simulator.run(scenario)
        #expect(result.kpis.maxEmergencyStage == 0)
        #expect(result.timeline.contains { $0.kind == .recommendation && $0.text.contains("流动专家组") })
        #expect(!result.timeline.contains { $0.kind == .applied || $0.kind == .stageChange })
        #expect(!result.events.contains { $0.agentWorkId == "2001" })
    }

    @Test func impatientCallersAbandon() throws {
        let scenario = SimulationScenario(
            seed: 3, start: Scenarios.start, durationMinutes: 60, arrivals: [40], ahtSeconds: 300,
            patienceSeconds: 5, agents: Scenarios.inbound(1))
        let k = try Simulator.run(scenario).kpis
        #expect(k.abandoned > k.answered)
        #expect(k.answered + k.abandoned == k.offered)
        #expect(k.unfinished == 0)
        #expect((k.abandonRate ?? 0) > 0.5)
    }

    @Test func vipCallsGoToTheVIPAgent() throws {
        var scenario = SimulationScenario(
            seed: 8, start: Scenarios.start, durationMinutes: 240, arrivals: [1.5], vipShare: 1, ahtSeconds: 60,
            patienceSeconds: 600, agents: [SimulationAgent(workId: "1001"), SimulationAgent(workId: "8001", vip: true)])
        let vip = try Simulator.run(scenario)
        #expect(vip.kpis.vipAnswered > 10)
        #expect(vip.kpis.vipAnsweredByVIPAgent == vip.kpis.vipAnswered)
        // Without VIP callers the longest-idle rule shares the calls out.
        scenario.vipShare = 0
        let plain = try Simulator.run(scenario)
        let answeredBy = Dictionary(grouping: plain.events.filter { $0.type == .contact(.answered) }, by: { $0.agentWorkId ?? "" })
        #expect((answeredBy["1001"]?.count ?? 0) > 0)
        #expect((answeredBy["8001"]?.count ?? 0) > 0)
    }

    @Test func figuresAddUpAndMatchLiveState() throws {
        let scenario = Scenarios.surge
        let result = try Simulator.run(scenario)
        let k = result.kpis
        #expect(k.answered + k.abandoned == k.offered)
        #expect(k.unfinished == 0)
        #expect(k.serviceLevel.map { (0...1).contains($0) } == true)
        #expect(k.serviceLevel2.map { (0...1).contains($0) } == true)
        #expect((0...1).contains(k.occupancy) && k.occupancy > 0.3)
        #expect(k.averageWaitSeconds > 0 && k.averageWaitSeconds <= k.maxWaitSeconds)
        #expect(abs(k.averageHandleSeconds - 480) < 150)
        #expect(k.holds > 0 && k.ringNoAnswers > 0)

        // Canonical, time-ordered, unique, valid events…
        #expect(zip(result.events, result.events.dropFirst()).allSatisfy { $0.at <= $1.at })
        #expect(Set(result.events.map(\.id)).count == result.events.count)
        for event in result.events { _ = try event.validated() }

        // …that LiveState folds into the same figures.
        var live = LiveState(configuration: LiveConfiguration(timeZone: scenario.timeZone))
        let report = live.apply(result.events)
        #expect(report.applied.count == result.events.count)
        let totals = live.todayTotals(at: scenario.startDate!)
        #expect(totals.enqueued == k.offered)
        #expect(totals.answered == k.answered)
        #expect(totals.abandoned == k.abandoned)
        #expect(totals.answeredWithinThreshold == k.answeredWithinThreshold)
        #expect(totals.serviceLevel2 == k.serviceLevel2)
        #expect(live.calls.isEmpty)
        #expect(live.agent("2001")?.state == .loggedOut)
    }

    @Test func badScenariosNameTheField() throws {
        let json = """
        {"start": "2026-03-02T09:00:00", "durationMinutes": 0, "arrivals": [5, -1], "ahtSeconds": 180,
         "patienceSeconds": 60, "vipShare": 2, "agents": [{"workId": "1", "signedIn": false}, {"workId": "1"}]}
        """
        do {
            _ = try SimulationScenario.load(from: Data(json.utf8))
            Issue.record("accepted a bad scenario")
        } catch {
            let fields = Set(error.problems.map(\.field))
            #expect(fields == ["start", "durationMinutes", "arrivals[1]", "vipShare", "agents[1].workId"])
            #expect(error.description.contains("字段 start："))
        }
        do {
            _ = try SimulationScenario.load(from: Data(#"{"start": "2026-03-02T09:00:00+08:00"}"#.utf8))
            Issue.record("accepted a scenario without durationMinutes")
        } catch {
            #expect(error.problems.first?.field == "durationMinutes")
            #expect(error.problems.first?.message == "缺少必填字段")
        }
        let badGroup = """
        {"start": "2026-03-02T09:00:00+08:00", "durationMinutes": 10, "arrivals": [1], "ahtSeconds": 1,
         "patienceSeconds": 1, "agents": [{"workId": "1", "groups": ["kitchen"]}]}
        """
        do {
            _ = try SimulationScenario.load(from: Data(badGroup.utf8))
            Issue.record("accepted an unknown group")
        } catch {
            #expect(error.problems.first?.field == "agents[0].groups[0]")
        }
        #expect(throws: SimulationScenarioError.self) {
            _ = try SimulationScenario.load(from: Data("not json".utf8))
        }
    }

    @Test func randomIsSplitMixAndPoissonHasTheRightMean() {
        var r = SimulationRandom(seed: 0)
        #expect(r.next() == 0xE220_A839_7B1D_CDAF)
        var total = 0
        for _ in 0..<2000 { total += r.poisson(mean: 45) }
        #expect(abs(Double(total) / 2000 - 45) < 1)
        var sum = 0.0
        for _ in 0..<20000 { sum += r.lognormal(mean: 180, sigma: 0.5) }
        #expect(abs(sum / 20000 - 180) < 5)
    }

    @Test func timelineClockUsesTheScenarioOffset() {
        let entry = SimulationTimelineEntry(at: Scenarios.surge.startDate! + 3725, kind: .applied, text: "x", stage: 1, waiting: 6)
        #expect(entry.clock(in: Scenarios.surge.timeZone) == "10:02:05")
    }
}
