import Foundation
import Testing
@testable import KefuCore

@Suite struct LiveStateTests {
    typealias T = LiveTime
    private var sequence = 0

    private mutating func call(_ type: ContactEventType, _ callId: String, _ at: Date,
                               queue: String? = nil, agent: String? = nil, reason: String? = nil) -> CTIEvent {
        sequence += 1
        return CTIEvent(id: "e\(sequence)", type, at: at, callId: callId, queue: queue, agentWorkId: agent, reason: reason)
    }

    private mutating func agent(_ type: AgentEventType, _ workId: String, _ at: Date, reason: String? = nil) -> CTIEvent {
        sequence += 1
        return CTIEvent(id: "e\(sequence)", type, at: at, agentWorkId: workId, reason: reason)
    }

    /// The service-level worked example (threshold 20 s), see `serviceLevelFollowsAsterisk`.
    private mutating func workedExample() -> [CTIEvent] {
        [
            call(.enqueued, "c1", T.at(9, 0, 0), queue: "inbound"),
            call(.answered, "c1", T.at(9, 0, 10), agent: "1001"),   // waited 10 s: in SL
            call(.completed, "c1", T.at(9, 5)),
            call(.enqueued, "c2", T.at(9, 1, 0), queue: "inbound"),
            call(.answered, "c2", T.at(9, 1, 30), agent: "1002"),   // waited 30 s: late
            call(.completed, "c2", T.at(9, 6)),
            call(.enqueued, "c3", T.at(9, 2, 0), queue: "inbound"),
            call(.abandoned, "c3", T.at(9, 2, 15)),                 // gave up after 15 s: in SL
            call(.enqueued, "c4", T.at(9, 3, 0), queue: "inbound"),
            call(.abandoned, "c4", T.at(9, 4, 0)),                  // gave up after 60 s
            call(.enqueued, "c5", T.at(9, 4, 0), queue: "inbound"),
            call(.answered, "c5", T.at(9, 4, 20), agent: "1003"),   // exactly 20 s: in SL (<=)
            call(.completed, "c5", T.at(9, 10)),
            call(.enqueued, "c6", T.at(9, 5, 0), queue: "inbound"),
            call(.voicemail, "c6", T.at(9, 6, 0)),
            call(.enqueued, "c7", T.at(9, 7, 0), queue: "inbound"),
            call(.enqueued, "c8", T.at(9, 8, 0), queue: "vip"),
        ]
    }

    @Test mutating func serviceLevelFollowsAsterisk() {
        let state = LiveState(configuration: T.configuration(), events: workedExample())
        let inbound = state.todayTotals(at: T.at(12), queue: "inbound")
        #expect(inbound.enqueued == 7)
        #expect(inbound.answered == 3)
        #expect(inbound.answeredWithinThreshold == 2)
        #expect(inbound.completed == 3)
        #expect(inbound.completedWithinThreshold == 2)
        #expect(inbound.abandoned == 2)
        #expect(inbound.abandonedWithinThreshold == 1)
        #expect(inbound.voicemail == 1)
        #expect(inbound.offered == 6)
        #expect(inbound.answerRate == 0.5)                     // 3 / 6
        #expect(inbound.serviceLevel == 2.0 / 3.0)             // servicelevelperf: 2 / 3
        #expect(inbound.serviceLevel2 == 0.6)                  // servicelevelperf2: (2 + 1) / (3 + 2)
        #expect(inbound.abandonRate == 2.0 / 6.0)
        let center = state.todayTotals(at: T.at(12))
        #expect(center.enqueued == 8)
        #expect(center.serviceLevel == inbound.serviceLevel)
        #expect(QueueTotals().answerRate == nil)
        #expect(QueueTotals().serviceLevel2 == nil)
    }

    @Test mutating func serviceLevelIsCountedAtCompletionNotAtAnswer() {
        var state = LiveState(configuration: T.configuration())
        state.apply([call(.enqueued, "c1", T.at(9), queue: "q"), call(.answered, "c1", T.at(9, 0, 5), agent: "1001")])
        var totals = state.todayTotals(at: T.at(9, 1), queue: "q")
        #expect(totals.answeredWithinThreshold == 1)
        #expect(totals.serviceLevel == nil) // Asterisk counts callscompletedinsl when the talk ends
        state.apply(call(.completed, "c1", T.at(9, 3)))
        totals = state.todayTotals(at: T.at(9, 3), queue: "q")
        #expect(totals.serviceLevel == 1)
    }

    @Test mutating func perQueueThresholds() {
        var configuration = T.configuration(serviceLevel: 20)
        configuration.serviceLevelSecondsByQueue = ["vip": 10]
        let state = LiveState(configuration: configuration, events: [
            call(.enqueued, "v", T.at(9), queue: "vip"),
            call(.abandoned, "v", T.at(9, 0, 15)),
        ])
        #expect(state.todayTotals(at: T.at(9, 1), queue: "vip").abandonedWithinThreshold == 0)
    }

    @Test mutating func waitingCallsAndLongestWait() {
        let state = LiveState(configuration: T.configuration(), events: workedExample())
        #expect(state.waitingCalls().map(\.callId) == ["c7", "c8"])
        #expect(state.waitingCalls(in: "vip").map(\.callId) == ["c8"])
        #expect(state.waitingCountByQueue == ["inbound": 1, "vip": 1])
        #expect(state.longestWait(at: T.at(9, 10)) == 180)
        #expect(state.longestWait(at: T.at(9, 10), in: "vip") == 120)
        #expect(state.longestWait(at: T.at(9, 10), in: "other") == nil)
        #expect(state.call("c7")?.enqueuedAt == T.at(9, 7))
        #expect(state.call("c1") == nil) // finished calls leave live state
    }

    @Test mutating func idempotentByEventId() {
        let events = workedExample()
        var state = LiveState(configuration: T.configuration(), events: events)
        let before = state.todayTotals(at: T.at(12))
        let report = state.apply(events)
        #expect(report.applied.isEmpty)
        #expect(report.duplicates.count == events.count)
        #expect(state.todayTotals(at: T.at(12)) == before)
        // Same id twice in one batch: the first copy wins.
        let first = CTIEvent(id: "dup", .enqueued, at: T.at(10), callId: "d1", queue: "inbound")
        let second = CTIEvent(id: "dup", .enqueued, at: T.at(10), callId: "d2", queue: "inbound")
        let again = state.apply([first, second])
        #expect(again.applied == ["dup"])
        #expect(again.duplicates == ["dup"])
        #expect(state.call("d1") != nil)
        #expect(state.call("d2") == nil)
    }

    @Test mutating func outOfOrderGivesTheSamePicture() {
        let events = workedExample() + [
            agent(.loggedIn, "1001", T.at(8, 55)),
            call(.enqueued, "c9", T.at(9, 20), queue: "inbound"),
            call(.offered, "c9", T.at(9, 20, 5), agent: "1001"),
            call(.answered, "c9", T.at(9, 20, 8), agent: "1001"),
            call(.hold, "c9", T.at(9, 21)),
        ]
        let ordered = LiveState(configuration: T.configuration(), events: events)
        var shuffled = LiveState(configuration: T.configuration())
        var generator = SimulationRandom(seed: 7)
        let mixed = events.shuffled(using: &generator)
        var replays = 0
        for chunk in stride(from: 0, to: mixed.count, by: 3) {
            if shuffled.apply(Array(mixed[chunk..<min(chunk + 3, mixed.count)])).replayed { replays += 1 }
        }
        #expect(replays > 0)
        #expect(shuffled.calls == ordered.calls)
        #expect(shuffled.agents == ordered.agents)
        #expect(shuffled.todayTotals(at: T.at(12)) == ordered.todayTotals(at: T.at(12)))
        #expect(shuffled.events.map(\.at) == shuffled.events.map(\.at).sorted())
        #expect(shuffled.agent("1001")?.state == .onHold)
    }

    @Test mutating func lateAnswerBeforeEnqueueIsReplayedInPlace() {
        var state = LiveState(configuration: T.configuration())
        state.apply(call(.answered, "c1", T.at(9, 0, 30), agent: "1001"))
        let report = state.apply(call(.enqueued, "c1", T.at(9), queue: "q"))
        #expect(report.replayed)
        let totals = state.todayTotals(at: T.at(10), queue: "q")
        #expect(totals.answered == 1)
        #expect(totals.answeredWithinThreshold == 0) // waited 30 s
        #expect(state.call("c1")?.waitAtAnswer == 30)
    }

    @Test mutating func tiesOnTimestampKeepArrivalOrder() {
        var state = LiveState(configuration: T.configuration())
        state.apply([agent(.notReady, "1001", T.at(9), reason: "会议"), agent(.ready, "1001", T.at(9))])
        #expect(state.agent("1001")?.state == .available)
        state.apply([agent(.ready, "1002", T.at(9)), agent(.notReady, "1002", T.at(9), reason: "会议")])
        #expect(state.agent("1002")?.state == .notReady(reason: "会议"))
    }

    @Test mutating func agentStateTransitions() {
        var state = LiveState(configuration: T.configuration())
        state.apply([
            agent(.loggedIn, "1001", T.at(8, 55)),
            agent(.loggedIn, "1002", T.at(8, 56)),
            call(.enqueued, "c1", T.at(9), queue: "inbound"),
            call(.offered, "c1", T.at(9, 0, 5), agent: "1001"),
            call(.offered, "c1", T.at(9, 0, 5), agent: "1002"),
        ])
        #expect(state.agent("1001")?.state == .reserved)
        #expect(state.agent("1002")?.state == .reserved)
        #expect(state.agent("1001")?.callId == "c1")
        #expect(state.waitingCalls().map(\.callId) == ["c1"]) // ringing calls still wait in the queue

        state.apply(call(.answered, "c1", T.at(9, 0, 10), agent: "1001"))
        #expect(state.agent("1001")?.state == .onContact)
        #expect(state.agent("1001")?.since == T.at(9, 0, 10))
        #expect(state.agent("1002")?.state == .available)     // ring-all: the others stop ringing
        #expect(state.agent("1002")?.since == T.at(8, 56))    // ringing does not reset idle time
        #expect(state.waitingCalls().isEmpty)

        state.apply(call(.hold, "c1", T.at(9, 2)))
        #expect(state.agent("1001")?.state == .onHold)
        #expect(state.holdStart(callId: "c1") == T.at(9, 2))
        state.apply(call(.unhold, "c1", T.at(9, 3)))
        #expect(state.agent("1001")?.state == .onContact)
        #expect(state.holdStart(callId: "c1") == nil)

        // A break asked for during the call begins when the call ends.
        state.apply(agent(.notReady, "1001", T.at(9, 4), reason: "午餐"))
        #expect(state.agent("1001")?.state == .onContact)
        state.apply(call(.completed, "c1", T.at(9, 5)))
        #expect(state.agent("1001")?.state == .notReady(reason: "午餐"))
        #expect(state.agent("1001")?.since == T.at(9, 5))
        #expect(state.agent("1001")?.state.label == "示忙·午餐")

        state.apply(agent(.ready, "1001", T.at(9, 30)))
        #expect(state.agent("1001")?.state == .available)

        // completed → 话后处理 until ready.
        state.apply([
            call(.enqueued, "c2", T.at(9, 40), queue: "inbound"),
            call(.answered, "c2", T.at(9, 40, 3), agent: "1002"),
            call(.completed, "c2", T.at(9, 44)),
        ])
        #expect(state.agent("1002")?.state == .afterContactWork)
        #expect(state.agent("1002")?.since == T.at(9, 44))
        state.apply(agent(.ready, "1002", T.at(9, 45)))
        #expect(state.agent("1002")?.state == .available)
        state.apply(agent(.wrapUp, "1002", T.at(9, 46)))
        #expect(state.agent("1002")?.state == .afterContactWork)

        state.apply(agent(.loggedOut, "1001", T.at(10)))
        #expect(state.agent("1001")?.state == .loggedOut)
        let counts = state.agentCountsByState
        #expect(counts["LoggedOut"] == 1)
        #expect(counts["AfterContactWork"] == 1)
        #expect(counts["Available"] == 0)
        #expect(counts.count == AgentState.allCodes.count)
        #expect(state.agentsByState["AfterContactWork"]?.map(\.workId) == ["1002"])
    }

    @Test mutating func completedGoesStraightToAvailableWhenTheSwitchDoesWrapUp() {
        var state = LiveState(configuration: T.configuration(afterContactWork: false))
        state.apply([
            agent(.loggedIn, "1001", T.at(8)),
            call(.enqueued, "c1", T.at(9), queue: "q"),
            call(.answered, "c1", T.at(9, 0, 3), agent: "1001"),
            call(.completed, "c1", T.at(9, 4)),
        ])
        #expect(state.agent("1001")?.state == .available)
        #expect(state.agent("1001")?.since == T.at(9, 4))
    }

    @Test mutating func abandonReleasesRingingAgents() {
        var state = LiveState(configuration: T.configuration())
        state.apply([
            agent(.loggedIn, "1001", T.at(8)),
            call(.enqueued, "c1", T.at(9), queue: "q"),
            call(.offered, "c1", T.at(9, 0, 2), agent: "1001"),
            call(.abandoned, "c1", T.at(9, 0, 40)),
        ])
        #expect(state.agent("1001")?.state == .available)
        #expect(state.todayTotals(at: T.at(10), queue: "q").abandoned == 1)
        #expect(state.todayTotals(at: T.at(10), queue: "q").abandonedWithinThreshold == 0)
    }

    @Test mutating func transfersRequeueOrRingANamedAgent() {
        var state = LiveState(configuration: T.configuration())
        state.apply([
            call(.ivrSelected, "c1", T.at(9), reason: "2"),
            call(.enqueued, "c1", T.at(9, 0, 10), queue: "inbound"),
            call(.answered, "c1", T.at(9, 0, 15), agent: "1001"),
            call(.transferred, "c1", T.at(9, 3), queue: "vip"),
        ])
        #expect(state.agent("1001")?.state == .afterContactWork)
        #expect(state.call("c1")?.queue == "vip")
        #expect(state.call("c1")?.ivrSelections == ["2"])
        #expect(state.waitingCalls(in: "vip").first?.enqueuedAt == T.at(9, 3))
        #expect(state.todayTotals(at: T.at(10), queue: "inbound").completed == 1) // a transfer ends the talk
        #expect(state.todayTotals(at: T.at(10), queue: "vip").enqueued == 1)

        state.apply([
            call(.answered, "c1", T.at(9, 3, 5), agent: "2001"),
            call(.transferred, "c1", T.at(9, 6), agent: "1003"), // the caller asked for 1003 (R1.6)
        ])
        #expect(state.agent("1003")?.state == .reserved)
        #expect(state.waitingCalls().isEmpty)
        state.apply([call(.answered, "c1", T.at(9, 6, 8), agent: "1003"), call(.completed, "c1", T.at(9, 9))])
        let vip = state.todayTotals(at: T.at(10), queue: "vip")
        #expect(vip.answered == 1)   // the named-agent leg is not a queue answer
        #expect(vip.completed == 1)
        #expect(state.agent("1003")?.state == .afterContactWork)

        state.apply([
            call(.enqueued, "c2", T.at(9, 10), queue: "inbound"),
            call(.answered, "c2", T.at(9, 10, 5), agent: "1001"),
            call(.transferred, "c2", T.at(9, 12)), // out of the center
        ])
        #expect(state.call("c2") == nil)
    }

    @Test mutating func todayResetsAtLocalMidnight() {
        var state = LiveState(configuration: T.configuration())
        state.apply([
            call(.enqueued, "late", T.at(23, 59, 40), queue: "q"),
            call(.answered, "late", T.at(23, 59, 50), agent: "1001"),
            call(.enqueued, "night", T.at(23, 59, 55), queue: "q"),
            call(.abandoned, "night", T.at(0, 0, 10, day: 4)),
        ])
        // Midnight in Beijing is 16:00 UTC: the abandon belongs to the 4th.
        #expect(state.todayTotals(at: T.at(23, 59, 59)).answered == 1)
        #expect(state.todayTotals(at: T.at(23, 59, 59)).abandoned == 0)
        let fourth = state.todayTotals(at: T.at(8, day: 4))
        #expect(fourth.answered == 0)
        #expect(fourth.abandoned == 1)
        #expect(fourth.abandonedWithinThreshold == 1) // waited 15 s across midnight
        #expect(state.totals(on: LocalDay(year: 2026, month: 6, day: 3))["q"]?.enqueued == 2)
    }

    @Test mutating func discardingOldEventsKeepsThePicture() {
        var state = LiveState(configuration: T.configuration(), events: workedExample())
        let calls = state.calls
        let totals = state.todayTotals(at: T.at(12))
        state.discardEvents(before: T.at(9, 6))
        #expect(state.events.allSatisfy { $0.at >= T.at(9, 6) })
        #expect(state.calls == calls)
        #expect(state.todayTotals(at: T.at(12)) == totals)
        let late = state.apply(call(.abandoned, "c7", T.at(9, 5)))
        #expect(late.tooOld.count == 1)
        state.apply(call(.answered, "c7", T.at(9, 7, 10), agent: "1001"))
        #expect(state.todayTotals(at: T.at(12), queue: "inbound").answered == 4)
        // A late event inside the horizon still replays correctly from the base.
        state.apply(call(.offered, "c8", T.at(9, 8, 1), agent: "1004"))
        #expect(state.agent("1004")?.state == .reserved)
    }

    /// A floor long enough for many checkpoints, fed in small batches of which some arrive
    /// late (a few milliseconds or, now and then, minutes) with old events discarded on the
    /// way: the picture must be the fold of the same events in order, whichever checkpoint a
    /// late event restarts from.
    @Test mutating func lateEventsAcrossCheckpointsGiveTheSamePicture() {
        var events: [CTIEvent] = []
        for n in 0..<5_000 {
            let start = T.at(8).addingTimeInterval(Double(n) * 7)
            let agentId = String(1000 + n % 40)
            let id = "k\(n)"
            events.append(call(.enqueued, id, start, queue: n % 3 == 0 ? "vip" : "inbound"))
            if n % 5 == 4 {
                events.append(call(.abandoned, id, start.addingTimeInterval(25)))
            } else {
                events.append(call(.offered, id, start.addingTimeInterval(3), agent: agentId))
                events.append(call(.answered, id, start.addingTimeInterval(4), agent: agentId))
                events.append(call(.completed, id, start.addingTimeInterval(40)))
            }
            if n % 11 == 0 { events.append(agent(.notReady, agentId, start.addingTimeInterval(41), reason: "小休")) }
            if n % 11 == 0 { events.append(agent(.ready, agentId, start.addingTimeInterval(60))) }
        }
        let inOrder = events.sorted { $0.at < $1.at }
        let cutoff = T.at(9)
        var ordered = LiveState(configuration: T.configuration(), events: inOrder)
        ordered.discardEvents(before: cutoff)
        // Arrival: in order of time, but every 7th batch holds back one event for 3 batches
        // and every 97th event arrives 40 batches late.
        var generator = SimulationRandom(seed: 12)
        var state = LiveState(configuration: T.configuration())
        var pending: [(due: Int, event: CTIEvent)] = []
        var replays = 0
        var batch = 0
        var i = 0
        while i < inOrder.count || !pending.isEmpty {
            var chunk: [CTIEvent] = []
            for _ in 0..<Int.random(in: 1...4, using: &generator) where i < inOrder.count {
                if i % 97 == 0 { pending.append((batch + 40, inOrder[i])) }
                else if batch % 7 == 0 && chunk.isEmpty { pending.append((batch + 3, inOrder[i])) }
                else { chunk.append(inOrder[i]) }
                i += 1
            }
            chunk += pending.filter { $0.due <= batch || i >= inOrder.count }.map(\.event)
            pending.removeAll { $0.due <= batch || i >= inOrder.count }
            if state.apply(chunk).replayed { replays += 1 }
            // Discard once, while late events are still to come (none of them is that old).
            if batch == 2_000 { state.discardEvents(before: cutoff) }
            batch += 1
        }
        state.discardEvents(before: cutoff)
        #expect(replays > 100)
        #expect(inOrder.count > LiveState.checkpointSpacing * (LiveState.maxCheckpoints + 2))
        #expect(state.calls == ordered.calls)
        #expect(state.agents == ordered.agents)
        #expect(state.totals(on: T.today) == ordered.totals(on: T.today))
        #expect(Set(state.events.map(\.id)) == Set(ordered.events.map(\.id)))
        #expect(state.events.map(\.at) == ordered.events.map(\.at))
    }
}

