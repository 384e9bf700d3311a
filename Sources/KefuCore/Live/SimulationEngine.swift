import Foundation

/// A discrete-event simulation of the inbound floor in simulated time
/// (`kefu simulate`): generated arrivals go through the real `Router`, ring,
/// are answered or time out to the next agent, talk (with holds timed by
/// `HoldTimer`), complete, and the agent does after-contact work; callers
/// whose patience runs out abandon. The real `EmergencyEngine` watches the
/// queue every 15 simulated seconds and on every queue change; in automatic
/// mode its steps sign pool staff (scenario agents of the step's groups who
/// are not signed in) into inbound and sign them out again on release;
/// extended shifts and overtime add temporary seats (`ext-5-1`, `ot-6-1`…).
///
/// Every state change is a canonical `CTIEvent`, so a run can be fed to
/// `LiveState` or stored as if a switch had sent it. No clock, no sleeping:
/// the same scenario and seed give the same events, byte for byte.
///
/// Step through it with `run(until:)` (the server replays at `--speed N`
/// that way) or take the whole run with `Simulator.run(_:)`.
public struct Simulator: Sendable {
    public let scenario: SimulationScenario
    public let start: Date
    /// End of arrivals; the run continues until every call has finished and
    /// every emergency step has been signed out (at most `drainLimit` later).
    public let end: Date
    public static let observeEverySeconds: Int64 = 15
    /// Pause after a ring no-answer (Asterisk autopause), before `ready`.
    public static let noAnswerPauseSeconds: Int64 = 30
    public static let drainLimit: TimeInterval = 4 * 3600

    let idPrefix: String
    let engine: EmergencyEngine
    let endMs: Int64
    let serviceLevelSeconds: Int
    let intervalMs: Int64

    var arrivalRandom: SimulationRandom
    var floorRandom: SimulationRandom
    var agenda = Agenda()
    var nowMs: Int64 = 0
    var calls: [Int: SimCall] = [:]
    var callCount = 0
    var agents: [SimAgent] = []
    var agentIndex: [String: Int] = [:]
    var pulledBy: [String: [String]] = [:]
    var virtualCount = 0
    var eventCount = 0
    var totals = QueueTotals()

    public internal(set) var emergency: EmergencyState
    public internal(set) var events: [CTIEvent] = []
    public internal(set) var timeline: [SimulationTimelineEntry] = []
    public internal(set) var kpis = SimulationKPIs()
    var sentEvents = 0
    var sentTimeline = 0
    var waitSumMs: Int64 = 0
    var handleSumMs: Int64 = 0

    /// `idPrefix` names events and calls (default `sim-<seed>`); `startingAt`
    /// moves the scenario to another start (the server replays "from now").
    public init(scenario: SimulationScenario, idPrefix: String? = nil, startingAt: Date? = nil,
                serviceLevelSeconds: Int = 20) throws(SimulationScenarioError) {
        let problems = scenario.validate()
        guard problems.isEmpty, let scenarioStart = scenario.startDate else {
            throw SimulationScenarioError(problems: problems)
        }
        self.scenario = scenario
        self.start = startingAt ?? scenarioStart
        self.endMs = Int64(scenario.durationMinutes) * 60_000
        self.end = start + Double(endMs) / 1000
        self.idPrefix = idPrefix ?? "sim-\(scenario.seed)"
        self.engine = EmergencyEngine(policy: scenario.policy ?? .seedDefault)
        self.serviceLevelSeconds = serviceLevelSeconds
        self.intervalMs = Int64(scenario.intervalMinutes) * 60_000
        self.arrivalRandom = SimulationRandom(seed: scenario.seed)
        self.floorRandom = SimulationRandom(seed: scenario.seed ^ 0x5DEE_CE66_D1CE_5EED)
        self.emergency = EmergencyState(mode: scenario.emergencyMode)
        kpis.serviceLevelSeconds = serviceLevelSeconds
        for agent in scenario.agents {
            agentIndex[agent.workId] = agents.count
            agents.append(SimAgent(config: agent, isPool: !agent.signedIn))
        }
        // Sign-in of the starting floor at t = 0, then the first interval and the first look.
        for index in agents.indices where agents[index].config.signedIn { signIn(index, reason: nil) }
        agenda.push(0, .interval(0))
        agenda.push(0, .observe)
    }

    /// Runs a whole scenario.
    public static func run(_ scenario: SimulationScenario) throws(SimulationScenarioError) -> SimulationResult {
        var simulator = try Simulator(scenario: scenario)
        return simulator.runToEnd()
    }

    public var now: Date { date(nowMs) }
    public var isFinished: Bool { agenda.isEmpty }

    /// Everything emitted so far, with the figures as of now.
    public var result: SimulationResult {
        SimulationResult(events: events, timeline: timeline, kpis: currentKPIs(), emergency: emergency)
    }

    public mutating func runToEnd() -> SimulationResult {
        while let item = agenda.pop() { process(item) }
        sentEvents = events.count
        sentTimeline = timeline.count
        return result
    }

    /// Processes everything due at or before `time` and returns what happened
    /// since the previous call; simulated time then stands at `time` (or at
    /// the last event once the run is over).
    public mutating func run(until time: Date) -> SimulationStep {
        let limit = Int64((time.timeIntervalSince(start) * 1000).rounded(.down))
        while let next = agenda.peek, next.ms <= limit {
            process(agenda.pop()!)
        }
        if !agenda.isEmpty, limit > nowMs { nowMs = limit }
        let step = SimulationStep(events: Array(events[sentEvents...]), timeline: Array(timeline[sentTimeline...]),
                                  now: now, isFinished: agenda.isEmpty)
        sentEvents = events.count
        sentTimeline = timeline.count
        return step
    }

    // MARK: - The agenda

    func date(_ ms: Int64) -> Date { start + Double(ms) / 1000 }

    static func ms(_ seconds: Double) -> Int64 { Int64((seconds * 1000).rounded()) }

    mutating func process(_ item: Agenda.Item) {
        nowMs = max(nowMs, item.ms)
        switch item.action {
        case .interval(let index): generate(interval: index)
        case .arrival(let id): arrive(id)
        case .answer(let id, let agent, let offer): answer(id, agent: agent, offer: offer)
        case .ringTimeout(let id, let agent, let offer): ringTimeout(id, agent: agent, offer: offer)
        case .patience(let id): patienceRanOut(id)
        case .holdStart(let id): holdStart(id)
        case .holdEnd(let id): holdEnd(id)
        case .talkEnd(let id): talkEnd(id)
        case .acwEnd(let agent): afterWorkEnded(agent)
        case .pauseEnd(let agent): pauseEnded(agent)
        case .observe: tick()
        }
    }

    // MARK: - Arrivals

    mutating func generate(interval index: Int) {
        let from = Int64(index) * intervalMs
        guard from < endMs else { return }
        let to = min(from + intervalMs, endMs)
        let mean = scenario.meanArrivals(interval: index) * Double(to - from) / Double(intervalMs)
        let count = arrivalRandom.poisson(mean: mean)
        var times = (0..<count).map { _ in from + Int64(arrivalRandom.unit() * Double(to - from)) }
        times.sort()
        for time in times {
            callCount += 1
            let id = callCount
            var call = SimCall(id: id, callId: "\(idPrefix)-c\(id)", arrivalMs: time)
            call.isVIP = arrivalRandom.unit() < scenario.vipShare
            call.patienceMs = max(1000, Self.ms(arrivalRandom.exponential(mean: scenario.patienceSeconds)))
            let talk = scenario.ahtDistribution == .lognormal
                ? arrivalRandom.lognormal(mean: scenario.ahtSeconds, sigma: scenario.ahtSigma)
                : arrivalRandom.exponential(mean: scenario.ahtSeconds)
            call.talkMs = max(5000, Self.ms(talk))
            if arrivalRandom.unit() < scenario.holdShare {
                call.holdMs = max(1000, Self.ms(arrivalRandom.exponential(mean: scenario.holdSeconds)))
                call.holdAtMs = Int64(arrivalRandom.unit() * Double(call.talkMs))
            }
            calls[id] = call
            agenda.push(time, .arrival(id))
        }
        if to < endMs { agenda.push(to, .interval(index + 1)) }
    }

    mutating func arrive(_ id: Int) {
        guard var call = calls[id] else { return }
        call.phase = .waiting
        calls[id] = call
        kpis.offered += 1
        totals.enqueued += 1
        emit(CTIEvent(id: nextEventId(), .enqueued, at: now, callId: call.callId, queue: AgentGroup.inbound.rawValue,
                      caller: Self.callerNumber(id), reason: call.isVIP ? "vip" : nil))
        agenda.push(nowMs + call.patienceMs, .patience(id))
        dispatch()
        observe()
    }

    static func callerNumber(_ id: Int) -> String {
        let digits = String(id % 100_000_000)
        return "138" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    // MARK: - Routing

    /// Offers waiting calls to free agents through `Router`, VIP first, then
    /// in arrival order; an agent who already let this call ring out is skipped
    /// while someone else is free.
    mutating func dispatch() {
        var floor = agents.filter { $0.state == .available && !$0.leaving }.map { agent in
            RoutingAgent(workId: agent.config.workId, queues: [AgentGroup.inbound.rawValue], state: .available,
                         idleSince: date(agent.idleSinceMs), isVIPAgent: agent.config.vip)
        }
        guard !floor.isEmpty else { return }
        let waiting = calls.values.filter { $0.phase == .waiting }.map { call in
            RoutingCall(id: String(call.id), queue: AgentGroup.inbound.rawValue, isVIP: call.isVIP,
                        enqueuedAt: date(call.arrivalMs))
        }
        for routing in Router.queueOrder(waiting) {
            guard floor.contains(where: { $0.state == .available }), let id = Int(routing.id), let call = calls[id] else { break }
            var decision = Router.choose(for: routing, among: floor, excluding: call.tried)
            if decision.agentWorkId == nil, !call.tried.isEmpty {
                decision = Router.choose(for: routing, among: floor)
            }
            guard let workId = decision.agentWorkId, let slot = floor.firstIndex(where: { $0.workId == workId }),
                  let index = agentIndex[workId] else { continue }
            floor[slot].state = .reserved
            offer(id, to: index, reason: decision.reason)
        }
    }

    mutating func offer(_ id: Int, to index: Int, reason: RoutingReason) {
        guard var call = calls[id] else { return }
        call.phase = .ringing
        call.offers += 1
        call.agent = index
        calls[id] = call
        agents[index].state = .ringing
        agents[index].callId = id
        emit(CTIEvent(id: nextEventId(), .offered, at: now, callId: call.callId, queue: AgentGroup.inbound.rawValue,
                      agentWorkId: agents[index].config.workId))
        if floorRandom.unit() < scenario.noAnswerShare {
            agenda.push(nowMs + Self.ms(scenario.ringSeconds), .ringTimeout(id, index, call.offers))
        } else {
            let delay = floorRandom.uniform(1, min(5, scenario.ringSeconds - 1))
            agenda.push(nowMs + Self.ms(delay), .answer(id, index, call.offers))
        }
    }

    mutating func answer(_ id: Int, agent index: Int, offer: Int) {
        guard var call = calls[id], call.phase == .ringing, call.offers == offer, call.agent == index else { return }
        let wait = nowMs - call.arrivalMs
        call.phase = .talking
        call.answeredMs = nowMs
        calls[id] = call
        agents[index].state = .talking
        agents[index].handleSinceMs = nowMs
        kpis.answered += 1
        totals.answered += 1
        let within = wait <= Int64(serviceLevelSeconds) * 1000
        if within { kpis.answeredWithinThreshold += 1; totals.answeredWithinThreshold += 1 }
        waitSumMs += wait
        kpis.maxWaitSeconds = max(kpis.maxWaitSeconds, Double(wait) / 1000)
        if call.isVIP {
            kpis.vipAnswered += 1
            if agents[index].config.vip { kpis.vipAnsweredByVIPAgent += 1 }
        }
        emit(CTIEvent(id: nextEventId(), .answered, at: now, callId: call.callId, queue: AgentGroup.inbound.rawValue,
                      agentWorkId: agents[index].config.workId))
        if let holdAt = call.holdAtMs { agenda.push(nowMs + holdAt, .holdStart(id)) }
        agenda.push(nowMs + call.talkMs + call.holdMs, .talkEnd(id))
        observe()
    }

    mutating func ringTimeout(_ id: Int, agent index: Int, offer: Int) {
        guard var call = calls[id], call.phase == .ringing, call.offers == offer, call.agent == index else { return }
        call.phase = .waiting
        call.agent = nil
        call.tried.insert(agents[index].config.workId)
        calls[id] = call
        kpis.ringNoAnswers += 1
        agents[index].state = .paused
        agents[index].callId = nil
        emit(CTIEvent(id: nextEventId(), .notReady, at: now, agentWorkId: agents[index].config.workId, reason: "振铃未接"))
        agenda.push(nowMs + Self.noAnswerPauseSeconds * 1000, .pauseEnd(index))
        dispatch()
    }

    mutating func patienceRanOut(_ id: Int) {
        guard var call = calls[id], call.phase == .waiting || call.phase == .ringing else { return }
        let wait = nowMs - call.arrivalMs
        if call.phase == .ringing, let index = call.agent {
            // The caller hung up while the phone rang: the agent is free again, idle as before.
            agents[index].state = .available
            agents[index].callId = nil
        }
        call.phase = .done
        call.agent = nil
        calls[id] = call
        kpis.abandoned += 1
        totals.abandoned += 1
        if wait <= Int64(serviceLevelSeconds) * 1000 { totals.abandonedWithinThreshold += 1 }
        kpis.maxWaitSeconds = max(kpis.maxWaitSeconds, Double(wait) / 1000)
        emit(CTIEvent(id: nextEventId(), .abandoned, at: now, callId: call.callId, queue: AgentGroup.inbound.rawValue))
        calls[id] = nil
        dispatch()
        observe()
    }

    // MARK: - Talk, hold, wrap-up

    mutating func holdStart(_ id: Int) {
        guard var call = calls[id], call.phase == .talking, let index = call.agent else { return }
        call.phase = .held
        call.holdStartedMs = nowMs
        calls[id] = call
        agents[index].state = .held
        kpis.holds += 1
        emit(CTIEvent(id: nextEventId(), .hold, at: now, callId: call.callId, agentWorkId: agents[index].config.workId))
        agenda.push(nowMs + call.holdMs, .holdEnd(id))
    }

    mutating func holdEnd(_ id: Int) {
        guard var call = calls[id], call.phase == .held, let index = call.agent else { return }
        let timer = HoldTimer(startedAt: date(call.holdStartedMs))
        if timer.prompt(at: now).level >= .limit { kpis.holdsOverLimit += 1 }
        call.phase = .talking
        calls[id] = call
        agents[index].state = .talking
        emit(CTIEvent(id: nextEventId(), .unhold, at: now, callId: call.callId, agentWorkId: agents[index].config.workId))
    }

    mutating func talkEnd(_ id: Int) {
        guard let call = calls[id], call.phase == .talking || call.phase == .held, let index = call.agent else { return }
        let talked = nowMs - call.answeredMs
        handleSumMs += talked
        totals.completed += 1
        if call.answeredMs - call.arrivalMs <= Int64(serviceLevelSeconds) * 1000 { totals.completedWithinThreshold += 1 }
        calls[id] = nil
        agents[index].state = .afterWork
        agents[index].callId = nil
        emit(CTIEvent(id: nextEventId(), .completed, at: now, callId: call.callId, queue: AgentGroup.inbound.rawValue,
                      agentWorkId: agents[index].config.workId))
        let acw = Self.ms(floorRandom.uniform(0, scenario.acwSeconds))
        agenda.push(nowMs + acw, .acwEnd(index))
    }

    mutating func afterWorkEnded(_ index: Int) {
        guard agents[index].state == .afterWork else { return }
        agents[index].handleMs += nowMs - agents[index].handleSinceMs
        if agents[index].leaving {
            signOut(index)
        } else {
            becomeReady(index)
        }
        dispatch()
    }

    mutating func pauseEnded(_ index: Int) {
        guard agents[index].state == .paused else { return }
        if agents[index].leaving { signOut(index) } else { becomeReady(index) }
        dispatch()
    }

    // MARK: - Agents

    mutating func signIn(_ index: Int, reason: String?) {
        agents[index].state = .available
        agents[index].leaving = false
        agents[index].idleSinceMs = nowMs
        agents[index].signedInSinceMs = nowMs
        emit(CTIEvent(id: nextEventId(), .loggedIn, at: now, agentWorkId: agents[index].config.workId, reason: reason))
    }

    mutating func becomeReady(_ index: Int) {
        agents[index].state = .available
        agents[index].idleSinceMs = nowMs
        emit(CTIEvent(id: nextEventId(), .ready, at: now, agentWorkId: agents[index].config.workId))
    }

    mutating func signOut(_ index: Int) {
        agents[index].state = .loggedOut
        agents[index].leaving = false
        agents[index].signedInMs += nowMs - agents[index].signedInSinceMs
        emit(CTIEvent(id: nextEventId(), .loggedOut, at: now, agentWorkId: agents[index].config.workId, reason: "应急解除"))
    }
}
