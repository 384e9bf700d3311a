import Foundation

/// The simulated floor's emergency staffing and its figures: the real `EmergencyEngine`
/// watching the queue, pool staff signed in and out, and the KPIs at the end.
extension Simulator {

    var waitingCount: Int {
        calls.values.reduce(0) { $0 + ($1.phase == .waiting || $1.phase == .ringing ? 1 : 0) }
    }

    mutating func tick() {
        observe()
        let busy = calls.values.contains { $0.phase != .done && $0.phase != .scheduled } || nowMs < endMs
        let stepsInForce = !emergency.applied.isEmpty
        if (busy || stepsInForce), Double(nowMs - endMs) / 1000 < Self.drainLimit {
            agenda.push(nowMs + Self.observeEverySeconds * 1000, .observe)
        }
    }

    /// One look by the engine; in automatic mode a due step is carried out and
    /// the engine looks again at once, so the next step's timing starts now.
    mutating func observe() {
        for _ in 0..<4 {
            let before = emergency.stageNumber
            let decision = engine.observe(observation(), state: emergency)
            emergency = decision.state
            guard let recommendation = decision.recommendation else { return }
            if decision.appliedAutomatically {
                carryOut(recommendation)
                let kind: SimulationTimelineKind = recommendation.direction == .escalate ? .applied : .released
                if kind == .applied { kpis.stepsApplied += 1 } else { kpis.stepsReleased += 1 }
                note(kind, recommendation.reason)
                let after = emergency.stageNumber
                if after != before {
                    let text = after == 0 ? "应急响应解除（第 \(before) 级 → 0 级）"
                        : after > before ? "应急响应升至第 \(after) 级（原第 \(before) 级）"
                        : "应急响应降至第 \(after) 级（原第 \(before) 级）"
                    note(.stageChange, text)
                    kpis.maxEmergencyStage = max(kpis.maxEmergencyStage, after)
                }
                continue
            }
            if decision.isNew { note(.recommendation, recommendation.reason) }
            return
        }
    }

    func observation() -> EmergencyObservation {
        var available: [AgentGroup: Int] = [:]
        for agent in agents where agent.isPool && agent.state == .loggedOut {
            for group in agent.config.groups where group != .inbound && group != .vip { available[group, default: 0] += 1 }
        }
        let intervalIndex = Int(min(nowMs, max(0, endMs - 1)) / intervalMs)
        let perHour = scenario.meanArrivals(interval: intervalIndex) * 60 / Double(scenario.intervalMinutes)
        let handle = scenario.ahtSeconds + scenario.holdShare * scenario.holdSeconds + scenario.acwSeconds / 2
        return EmergencyObservation(now: now, waiting: waitingCount, available: available, supervisorsOnDuty: 1,
                                    seatsInUse: agents.filter { $0.state != .loggedOut }.count,
                                    arrivalsPerHour: nowMs < endMs ? perHour : nil,
                                    averageHandleSeconds: nowMs < endMs ? handle : nil)
    }

    static func key(_ ladder: EmergencyLadder, _ stage: Int) -> String { "\(ladder.rawValue)-\(stage)" }

    mutating func carryOut(_ recommendation: EmergencyRecommendation) {
        let key = Self.key(recommendation.ladder, recommendation.stageNumber)
        let reason = "应急第\(recommendation.stageNumber)步"
        switch recommendation.direction {
        case .escalate:
            var chosen: [String] = []
            let action = recommendation.action
            if action.groups.isEmpty {
                for _ in 0..<max(0, action.seats) {
                    virtualCount += 1
                    let prefix = action.kind == .overtime ? "ot" : "ext"
                    let workId = "\(prefix)-\(recommendation.stageNumber)-\(virtualCount)"
                    agentIndex[workId] = agents.count
                    agents.append(SimAgent(config: SimulationAgent(workId: workId, groups: [.inbound], signedIn: false),
                                           isPool: false))
                    chosen.append(workId)
                }
            } else {
                for group in action.groups {
                    for index in agents.indices where chosen.count < action.seats && agents[index].isPool
                        && agents[index].state == .loggedOut && agents[index].config.groups.contains(group)
                        && !chosen.contains(agents[index].config.workId) {
                        chosen.append(agents[index].config.workId)
                    }
                }
            }
            for workId in chosen { if let index = agentIndex[workId] { signIn(index, reason: reason) } }
            pulledBy[key, default: []] += chosen
            dispatch()
        case .release:
            for workId in pulledBy.removeValue(forKey: key) ?? [] {
                guard let index = agentIndex[workId] else { continue }
                switch agents[index].state {
                case .available, .paused: signOut(index)
                case .loggedOut: break
                case .ringing, .talking, .held, .afterWork: agents[index].leaving = true
                }
            }
        }
    }

    mutating func note(_ kind: SimulationTimelineKind, _ text: String) {
        timeline.append(SimulationTimelineEntry(at: now, kind: kind, text: text, stage: emergency.stageNumber,
                                                waiting: waitingCount))
    }

    // MARK: - Events and figures

    mutating func nextEventId() -> String {
        eventCount += 1
        return "\(idPrefix)-e\(eventCount)"
    }

    mutating func emit(_ event: CTIEvent) {
        events.append(event)
    }

    func currentKPIs() -> SimulationKPIs {
        var k = kpis
        k.unfinished = calls.values.filter { $0.phase != .scheduled && $0.phase != .done }.count
        k.serviceLevel = k.answered > 0 ? Double(k.answeredWithinThreshold) / Double(k.answered) : nil
        k.serviceLevel2 = totals.serviceLevel2
        k.answerRate = totals.answerRate
        k.abandonRate = totals.abandonRate
        k.averageWaitSeconds = k.answered > 0 ? Double(waitSumMs) / Double(k.answered) / 1000 : 0
        k.averageHandleSeconds = totals.completed > 0 ? Double(handleSumMs) / Double(totals.completed) / 1000 : 0
        for call in calls.values where call.phase == .waiting || call.phase == .ringing {
            k.maxWaitSeconds = max(k.maxWaitSeconds, Double(nowMs - call.arrivalMs) / 1000)
        }
        var handle: Int64 = 0, staffed: Int64 = 0
        for agent in agents {
            handle += agent.handleMs
            staffed += agent.signedInMs
            if agent.state != .loggedOut {
                staffed += nowMs - agent.signedInSinceMs
                if agent.state == .talking || agent.state == .held || agent.state == .afterWork {
                    handle += nowMs - agent.handleSinceMs
                }
            }
        }
        k.occupancy = staffed > 0 ? Double(handle) / Double(staffed) : 0
        k.endedAt = events.last?.at
        return k
    }
}
