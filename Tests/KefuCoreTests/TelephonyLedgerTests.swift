import Foundation
import Testing
@testable import KefuCore

@Suite struct TelephonyLedgerTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .current
    static let configuration = LiveConfiguration(timeZone: zone)
    /// 2026-03-02 (a Monday) at hh:mm:ss in the center's zone.
    static func at(_ h: Int, _ m: Int, _ s: Int = 0) -> Date {
        LocalDay(year: 2026, month: 3, day: 2).start(in: zone).addingTimeInterval(Double(h * 3600 + m * 60 + s))
    }

    /// One agent's morning: a call in threshold, an abandon past it, a call answered late, a break.
    static var morning: [CTIEvent] {
        var n = 0
        func e(_ type: ContactEventType, _ call: String, _ t: Date, queue: String? = nil, agent: String? = nil) -> CTIEvent {
            n += 1
            return CTIEvent(id: "e\(n)", type, at: t, callId: call, queue: queue, caller: "13812345678", agentWorkId: agent)
        }
        func a(_ type: AgentEventType, _ t: Date, reason: String? = nil) -> CTIEvent {
            n += 1
            return CTIEvent(id: "e\(n)", type, at: t, agentWorkId: "1001", reason: reason)
        }
        return [
            a(.loggedIn, at(9, 50)),
            e(.enqueued, "A", at(9, 58), queue: "咨询"), e(.offered, "A", at(9, 58, 10), agent: "1001"), e(.answered, "A", at(9, 58, 15), agent: "1001"),
            e(.completed, "A", at(10, 3, 15)), a(.ready, at(10, 4, 15)),
            e(.enqueued, "B", at(10, 5), queue: "咨询"), e(.abandoned, "B", at(10, 5, 30)),
            e(.enqueued, "C", at(10, 6), queue: "咨询"), e(.answered, "C", at(10, 6, 40), agent: "1001"), e(.completed, "C", at(10, 8, 40)),
            a(.notReady, at(10, 9, 40), reason: "用餐"), a(.loggedOut, at(10, 20)),
        ]
    }

    static func day() -> (Date, Date) {
        let d = LocalDay(year: 2026, month: 3, day: 2)
        return (d.start(in: zone), d.adding(days: 1).start(in: zone))
    }

    @Test func figuresFollowTheWallboardsFold() {
        let (from, until) = Self.day()
        var ledger = TelephonyLedger(configuration: Self.configuration, countFrom: from, countUntil: until, keepsRecords: true)
        ledger.apply(Self.morning)
        ledger.finish(at: until)
        let total = ledger.queues.values.reduce(QueueCallFigures(), +)
        let live = LiveState(configuration: Self.configuration, events: Self.morning)
        #expect(total.totals == live.totals(on: LocalDay(year: 2026, month: 3, day: 2)).values.reduce(QueueTotals(), +))
        #expect(total.totals.offered == 3 && total.totals.answered == 2 && total.totals.abandoned == 1)
        #expect(total.totals.serviceLevel == 0.5 && total.totals.serviceLevel2 == 1.0 / 3.0)
        #expect(total.averageSpeedOfAnswer == 27.5)
        // (300 + 120 talk + 60 + 60 after-call work) / 2 calls.
        #expect(total.averageHandlingTime == 270)

        let agent = ledger.agents.values.reduce(AgentTimeFigures(), +)
        #expect(agent.answered == 2 && agent.completed == 2)
        #expect(agent.talkSeconds == 420 && agent.wrapSeconds == 120 && agent.idleSeconds == 640 && agent.notReadySeconds == 620)
        #expect(agent.occupancy == 540.0 / 1180.0)

        // Time is split where the quarter-hours part; outcomes sit where they were decided.
        let early = TelephonySlot(Self.at(9, 45), in: Self.zone), ten = TelephonySlot(Self.at(10, 0), in: Self.zone)
        #expect(early.minute == 585 && early.weekday == 1 && early.day == LocalDay(year: 2026, month: 3, day: 2))
        #expect(ledger.agents[.init(slot: early, workId: "1001")]?.idleSeconds == 495)
        #expect(ledger.agents[.init(slot: early, workId: "1001")]?.talkSeconds == 105)
        #expect(ledger.agents[.init(slot: ten, workId: "1001")]?.notReadySeconds == 320)
        #expect(ledger.queues[.init(slot: early, queue: "咨询")]?.totals.answered == 1)
        #expect(ledger.queues[.init(slot: ten, queue: "咨询")]?.totals.completed == 2)
        #expect(ledger.queues[.init(slot: ten, queue: "咨询")]?.wrapSeconds == 120)

        #expect(ledger.records.map(\.outcome) == [.answered, .abandoned, .answered])
        #expect(ledger.records.map(\.waitSeconds) == [15, 30, 40])
        #expect(ledger.records.map(\.talkSeconds) == [300, nil, 120])
        #expect(ledger.records.map(\.withinThreshold) == [true, false, false])
    }

    /// A queue's occupancy counts the waiting its own calls ended, so an agent's free time
    /// is shared among the queues they served and adds up to the floor's.
    @Test func eachQueueHasTheOccupancyOfTheTimeSpentOnIt() {
        var n = 0
        func e(_ type: ContactEventType, _ call: String, _ t: Date, queue: String? = nil, agent: String? = nil) -> CTIEvent {
            n += 1
            return CTIEvent(id: "q\(n)", type, at: t, callId: call, queue: queue, caller: "13812345678", agentWorkId: agent)
        }
        func a(_ type: AgentEventType, _ t: Date) -> CTIEvent {
            n += 1
            return CTIEvent(id: "q\(n)", type, at: t, agentWorkId: "1001")
        }
        let events = [
            a(.loggedIn, Self.at(9, 0)),
            e(.enqueued, "X", Self.at(9, 10), queue: "咨询"), e(.answered, "X", Self.at(9, 10), agent: "1001"), e(.completed, "X", Self.at(9, 15)),
            a(.ready, Self.at(9, 16)),
            e(.enqueued, "Y", Self.at(9, 20), queue: "投诉"), e(.answered, "Y", Self.at(9, 20), agent: "1001"), e(.completed, "Y", Self.at(9, 30)),
            a(.ready, Self.at(9, 31)), a(.notReady, Self.at(9, 41)),
        ]
        let (from, until) = Self.day()
        var ledger = TelephonyLedger(configuration: Self.configuration, countFrom: from, countUntil: until)
        ledger.apply(events)
        ledger.finish(at: until)
        let byQueue = Dictionary(grouping: ledger.queues, by: \.key.queue).mapValues { $0.map(\.value).reduce(QueueCallFigures(), +) }
        let advice = byQueue["咨询"] ?? QueueCallFigures(), complaints = byQueue["投诉"] ?? QueueCallFigures()
        #expect(advice.agentTalkSeconds == 300 && advice.wrapSeconds == 60 && advice.agentIdleSeconds == 600)
        #expect(advice.occupancy == 360.0 / 960.0)
        // The waiting before Y, and the waiting after it that ended in a break.
        #expect(complaints.agentTalkSeconds == 600 && complaints.wrapSeconds == 60 && complaints.agentIdleSeconds == 840)
        #expect(complaints.occupancy == 660.0 / 1500.0)
        let agent = ledger.agents.values.reduce(AgentTimeFigures(), +)
        #expect(agent.talkSeconds + agent.wrapSeconds + agent.idleSeconds == 960 + 1500)
        // Talk is split where the quarter-hours part, like the agent's own.
        #expect(ledger.queues[.init(slot: TelephonySlot(Self.at(9, 15), in: Self.zone), queue: "投诉")]?.agentTalkSeconds == 600)
        #expect(ledger.queues[.init(slot: TelephonySlot(Self.at(9, 0), in: Self.zone), queue: "咨询")]?.agentTalkSeconds == 300)
    }

    @Test func earlierEventsOnlySetTheScene() {
        let (_, until) = Self.day()
        var ledger = TelephonyLedger(configuration: Self.configuration, countFrom: Self.at(10, 0), countUntil: until)
        ledger.apply(Self.morning)
        let total = ledger.queues.values.reduce(QueueCallFigures(), +)
        // A was answered before the window: its end counts here, its answer does not.
        #expect(total.totals.answered == 1 && total.totals.completed == 2 && total.talkSeconds == 420)
        let agent = ledger.agents.values.reduce(AgentTimeFigures(), +)
        #expect(agent.talkSeconds == 315 && agent.idleSeconds == 145)
    }

    @Test func timeStillRunningIsBookedUpToTheEnd() {
        let events = Self.morning.dropLast()
        var ledger = TelephonyLedger(configuration: Self.configuration, countFrom: Self.day().0, countUntil: Self.at(10, 30))
        ledger.apply(Array(events))
        ledger.finish(at: Self.at(10, 30))
        #expect(ledger.agents.values.reduce(AgentTimeFigures(), +).notReadySeconds == 1220)
    }

    @Test func reportSumsIntervalsAndTheWeek() {
        let (from, until) = Self.day()
        var ledger = TelephonyLedger(configuration: Self.configuration, countFrom: from, countUntil: until)
        ledger.apply(Self.morning)
        ledger.finish(at: until)
        let cells = ledger.queues.map { TelephonyReport.Cell(weekday: $0.key.slot.weekday, minute: $0.key.slot.minute, queue: $0.key.queue, figures: $0.value) }
        var floor: [Int: AgentTimeFigures] = [:]
        for (k, f) in ledger.agents { floor[k.slot.minute, default: AgentTimeFigures()] = floor[k.slot.minute, default: AgentTimeFigures()] + f }
        let day = LocalDay(year: 2026, month: 3, day: 2)
        let report = TelephonyReport(range: day...day.adding(days: 1), cells: cells, days: [day: cells.map(\.figures).reduce(QueueCallFigures(), +)],
                                     agents: [:], floor: floor)
        #expect(report.byInterval(.hour).map(\.minute) == [540, 600])
        #expect(report.byInterval(.hour).map(\.figures.totals.offered) == [1, 2])
        #expect(report.byInterval(.half).map(\.minute) == [570, 600])
        #expect(report.heatMap[0][9] == 1 && report.heatMap[0][10] == 2 && report.heatMap[1].allSatisfy { $0 == 0 })
        #expect(report.byDay.count == 2 && report.byDay[1].figures.totals.offered == 0)
        #expect(report.byQueue.map(\.queue) == ["咨询"])
        #expect(TelephonyReport.clock(585) == "09:45" && TelephonySlot(index: -1).minute == 1425)
    }

    @Test func anHourRepeatedByDaylightSavingIsCountedOnce() throws {
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        let day = LocalDay(year: 2026, month: 11, day: 1) // clocks go back from 02:00 to 01:00
        let start = day.start(in: zone)
        let events = [CTIEvent(id: "i", .loggedIn, at: start.addingTimeInterval(1800), agentWorkId: "1001"),
                      CTIEvent(id: "o", .loggedOut, at: start.addingTimeInterval(1800 + 4 * 3600), agentWorkId: "1001")]
        var ledger = TelephonyLedger(configuration: LiveConfiguration(timeZone: zone), countFrom: start, countUntil: day.adding(days: 1).start(in: zone))
        ledger.apply(events)
        #expect(ledger.agents.values.reduce(AgentTimeFigures(), +).idleSeconds == 4 * 3600)
    }
}
