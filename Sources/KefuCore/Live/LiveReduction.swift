import Foundation

/// The fold of events into calls, agents and day totals: one event at a time,
/// in timestamp order. Kept apart from `LiveState` so the ordering, dedup and
/// replay concerns there never mix with the call-handling rules here.
struct LiveReduction: Sendable {
    var calls: [String: LiveCall] = [:]
    var agents: [String: LiveAgent] = [:]
    var totals: [LocalDay: [String: QueueTotals]] = [:]

    mutating func apply(_ event: CTIEvent, configuration: LiveConfiguration) {
        // The state is moved into the step and back, never shared, so its dictionaries are
        // changed in place instead of copied on every event (a year's report folds millions).
        var step = Step(state: LiveReduction(), event: event, configuration: configuration)
        swap(&step.state, &self)
        defer { swap(&step.state, &self) }
        switch event.type {
        case .contact(let type):
            guard let callId = event.callId else { return }
            step.contact(type, callId: callId)
        case .agent(let type):
            guard let workId = event.agentWorkId else { return }
            step.agent(type, workId: workId)
        }
    }
}

/// One event's effect; a value so `apply` stays a plain assignment.
private struct Step {
    var state: LiveReduction
    let event: CTIEvent
    let configuration: LiveConfiguration
    var at: Date { event.at }

    // MARK: Contact events

    mutating func contact(_ type: ContactEventType, callId: String) {
        switch type {
        case .ivrSelected:
            var call = state.calls[callId] ?? LiveCall(callId: callId, phase: .ivr)
            if let choice = event.reason ?? event.queue { call.ivrSelections.append(choice) }
            call.caller = event.caller ?? call.caller
            state.calls[callId] = call
        case .enqueued:
            guard let queue = event.queue else { return }
            enqueue(callId: callId, queue: queue)
        case .offered:
            guard let workId = event.agentWorkId else { return }
            var call = state.calls[callId] ?? newWaitingCall(callId)
            guard call.phase != .connected, call.phase != .onHold else { return }
            call.ringingAgents.insert(workId)
            state.calls[callId] = call
            var agent = ensureAgent(workId)
            if agent.callState == nil || agent.callState == .reserved {
                agent.callId = callId
                agent.callState = .reserved
                agent.callStateSince = at
            }
            state.agents[workId] = agent
        case .answered:
            answer(callId: callId)
        case .hold, .unhold:
            guard var call = state.calls[callId], call.phase == .connected || call.phase == .onHold else { return }
            let held = type == .hold
            if held, call.holdSince == nil { call.holdSince = at }
            if !held { call.holdSince = nil }
            call.phase = held ? .onHold : .connected
            state.calls[callId] = call
            if let workId = call.agentWorkId, var agent = state.agents[workId], agent.callId == callId {
                let newState: AgentState = held ? .onHold : .onContact
                if agent.callState != newState {
                    agent.callState = newState
                    agent.callStateSince = at
                }
                state.agents[workId] = agent
            }
        case .transferred:
            transfer(callId: callId)
        case .completed:
            guard let call = state.calls[callId] else { return }
            switch call.phase {
            case .connected, .onHold: finishTalk(call)
            case .waiting: abandon(call)
            case .ivr, .ringingAgent: release(call)
            }
            state.calls[callId] = nil
        case .abandoned:
            guard let call = state.calls[callId] else {
                // An abandon whose enqueue was never reported still counts, without a wait.
                if let queue = event.queue { count(queue) { $0.abandoned += 1 } }
                return
            }
            switch call.phase {
            case .waiting: abandon(call)
            case .connected, .onHold: finishTalk(call)
            case .ivr, .ringingAgent: release(call)
            }
            state.calls[callId] = nil
        case .voicemail:
            let call = state.calls[callId]
            switch call?.phase {
            case .connected?, .onHold?:
                finishTalk(call!)
            default:
                if let call { release(call) }
                if let queue = call?.queue ?? event.queue { count(queue) { $0.voicemail += 1 } }
            }
            state.calls[callId] = nil
        }
    }

    private func newWaitingCall(_ callId: String) -> LiveCall {
        var call = LiveCall(callId: callId, phase: .waiting)
        call.queue = event.queue
        call.caller = event.caller
        return call
    }

    private mutating func enqueue(callId: String, queue: String) {
        var call = state.calls[callId] ?? LiveCall(callId: callId, phase: .waiting)
        if call.phase == .waiting, call.queue == queue, call.enqueuedAt != nil {
            // Same queue entry reported twice under different ids: keep the first wait.
            call.caller = event.caller ?? call.caller
            call.requestedWorkId = event.agentWorkId ?? call.requestedWorkId
            state.calls[callId] = call
            return
        }
        switch call.phase {
        case .connected, .onHold: finishTalk(call)
        case .waiting, .ringingAgent, .ivr: release(call)
        }
        call.phase = .waiting
        call.queue = queue
        call.caller = event.caller ?? call.caller
        call.enqueuedAt = at
        call.requestedWorkId = event.agentWorkId
        call.answeredAt = nil
        call.agentWorkId = nil
        call.ringingAgents = []
        call.holdSince = nil
        call.waitAtAnswer = nil
        call.answeredFromQueue = false
        state.calls[callId] = call
        count(queue) { $0.enqueued += 1 }
    }

    private mutating func answer(callId: String) {
        var call = state.calls[callId] ?? newWaitingCall(callId)
        let workId = event.agentWorkId
        switch call.phase {
        case .waiting, .ivr:
            if let queue = call.queue ?? event.queue {
                call.queue = queue
                let wait = call.enqueuedAt.map { max(0, at.timeIntervalSince($0)) }
                let within = wait.map { $0 <= Double(configuration.serviceLevelSeconds(for: queue)) } ?? false
                count(queue) {
                    $0.answered += 1
                    if within { $0.answeredWithinThreshold += 1 }
                }
                call.waitAtAnswer = wait
                call.answeredFromQueue = true
            }
            call.answeredAt = at
        case .ringingAgent:
            call.answeredAt = call.answeredAt ?? at
        case .connected, .onHold:
            // Picked up again by someone else (e.g. an attended transfer): hand over.
            if let previous = call.agentWorkId, previous != workId {
                endAgentCall(previous, callId: callId, talked: true)
            }
        }
        for ringing in call.ringingAgents where ringing != workId {
            releaseAgent(ringing, callId: callId)
        }
        call.ringingAgents = []
        call.phase = .connected
        call.holdSince = nil
        if let workId { call.agentWorkId = workId }
        state.calls[callId] = call
        if let workId {
            var agent = ensureAgent(workId)
            agent.callId = callId
            agent.callState = .onContact
            agent.callStateSince = at
            state.agents[workId] = agent
        }
    }

    private mutating func transfer(callId: String) {
        guard var call = state.calls[callId] else { return }
        switch call.phase {
        case .connected, .onHold: finishTalk(call)
        case .waiting, .ivr, .ringingAgent: release(call)
        }
        if let queue = event.queue {
            call.phase = .ivr // so enqueue does not mistake it for the same entry
            state.calls[callId] = call
            enqueue(callId: callId, queue: queue)
        } else if let target = event.agentWorkId {
            call.phase = .ringingAgent
            call.agentWorkId = nil
            call.answeredAt = nil
            call.holdSince = nil
            call.waitAtAnswer = nil
            call.answeredFromQueue = false
            call.ringingAgents = [target]
            state.calls[callId] = call
            var agent = ensureAgent(target)
            if agent.callState == nil || agent.callState == .reserved {
                agent.callId = callId
                agent.callState = .reserved
                agent.callStateSince = at
            }
            state.agents[target] = agent
        } else {
            state.calls[callId] = nil
        }
    }

    /// The talk is over (hang-up or transfer away): Asterisk's `update_queue`.
    private mutating func finishTalk(_ call: LiveCall) {
        if call.answeredFromQueue, let queue = call.queue {
            let within = call.waitAtAnswer.map { $0 <= Double(configuration.serviceLevelSeconds(for: queue)) } ?? false
            count(queue) {
                $0.completed += 1
                if within { $0.completedWithinThreshold += 1 }
            }
        }
        if let workId = call.agentWorkId { endAgentCall(workId, callId: call.callId, talked: true) }
        release(call)
    }

    /// The caller left the queue unanswered: Asterisk's `record_abandoned`.
    private mutating func abandon(_ call: LiveCall) {
        if let queue = call.queue {
            let wait = call.enqueuedAt.map { max(0, at.timeIntervalSince($0)) }
            let within = wait.map { $0 <= Double(configuration.serviceLevelSeconds(for: queue)) } ?? false
            count(queue) {
                $0.abandoned += 1
                if within { $0.abandonedWithinThreshold += 1 }
            }
        }
        release(call)
    }

    /// Stops every phone still ringing for the call.
    private mutating func release(_ call: LiveCall) {
        for workId in call.ringingAgents { releaseAgent(workId, callId: call.callId) }
    }

    private mutating func releaseAgent(_ workId: String, callId: String) {
        guard var agent = state.agents[workId], agent.callId == callId, agent.callState == .reserved else { return }
        agent.callId = nil
        agent.callState = nil
        agent.callStateSince = nil
        state.agents[workId] = agent
    }

    private mutating func endAgentCall(_ workId: String, callId: String, talked: Bool) {
        guard var agent = state.agents[workId], agent.callId == callId else { return }
        agent.callId = nil
        agent.callState = nil
        agent.callStateSince = nil
        if talked {
            if configuration.afterContactWork, agent.presence == .available {
                agent.presence = .afterContactWork
            }
            agent.presenceSince = at
        }
        state.agents[workId] = agent
    }

    // MARK: Agent events

    mutating func agent(_ type: AgentEventType, workId: String) {
        var agent = state.agents[workId] ?? LiveAgent(workId: workId, presence: .loggedOut, since: at)
        func set(_ presence: AgentState) {
            if agent.presence != presence {
                agent.presence = presence
                agent.presenceSince = at
            }
        }
        switch type {
        case .loggedIn:
            if agent.presence == .loggedOut { set(.available) }
        case .loggedOut:
            set(.loggedOut)
            agent.callId = nil
            agent.callState = nil
            agent.callStateSince = nil
        case .ready:
            set(.available)
        case .notReady:
            set(.notReady(reason: event.reason))
        case .wrapUp:
            set(.afterContactWork)
        }
        state.agents[workId] = agent
    }

    /// An agent first seen through a call is evidently signed in.
    private func ensureAgent(_ workId: String) -> LiveAgent {
        if let agent = state.agents[workId] { return agent }
        return LiveAgent(workId: workId, presence: .available, since: at)
    }

    /// Counts on the local day of the event that decided the outcome.
    private mutating func count(_ queue: String, _ change: (inout QueueTotals) -> Void) {
        let day = LocalDay(at, in: configuration.timeZone)
        change(&state.totals[day, default: [:]][queue, default: QueueTotals()])
    }
}
