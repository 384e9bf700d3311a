import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// The telephony KPIs through HTTP (R10.3): the rollups agree with one fold of every event,
/// a late event is taken in, calls across midnight count where they were decided, the list
/// behind a figure shows the calls, and only the report readers get any of it.
@Suite("Telephony reports (R10.3)")
struct CallReportTests {
    static func events() -> [[String: String]] {
        func at(_ d: Int, _ h: Int, _ m: Int, _ s: Int = 0) -> String { AttendanceTests.at(d, h, m, s) }
        return [
            ["id": "l1", "type": "logged_in", "at": at(5, 22, 0), "agentWorkId": "1001"],
            ["id": "l2", "type": "logged_in", "at": at(5, 22, 30), "agentWorkId": "1002"],
            // Answered in threshold, with after-call work.
            ["id": "a1", "type": "enqueued", "at": at(5, 22, 10), "callId": "A", "queue": "咨询", "caller": "13800001111"],
            ["id": "a2", "type": "answered", "at": at(5, 22, 10, 12), "callId": "A", "agentWorkId": "1001"],
            ["id": "a3", "type": "completed", "at": at(5, 22, 14, 12), "callId": "A"],
            ["id": "a4", "type": "ready", "at": at(5, 22, 15, 0), "agentWorkId": "1001"],
            // Waiting across midnight: answered and ended on the 6th.
            ["id": "b1", "type": "enqueued", "at": at(5, 23, 59, 50), "callId": "B", "queue": "投诉", "caller": "13800002222"],
            ["id": "b2", "type": "offered", "at": at(6, 0, 0, 10), "callId": "B", "agentWorkId": "1002"],
            ["id": "b3", "type": "answered", "at": at(6, 0, 0, 20), "callId": "B"],
            ["id": "b4", "type": "completed", "at": at(6, 0, 5, 20), "callId": "B"],
            // Abandoned after 45 s; one left for voicemail.
            ["id": "c1", "type": "enqueued", "at": at(6, 9, 0), "callId": "C", "queue": "咨询", "caller": "13800003333"],
            ["id": "c2", "type": "abandoned", "at": at(6, 9, 0, 45), "callId": "C"],
            ["id": "d1", "type": "enqueued", "at": at(6, 9, 30), "callId": "D", "queue": "咨询"],
            ["id": "d2", "type": "voicemail", "at": at(6, 9, 31), "callId": "D"],
            ["id": "n1", "type": "not_ready", "at": at(6, 1, 0), "agentWorkId": "1001", "reason": "用餐"],
            ["id": "o1", "type": "logged_out", "at": at(6, 2, 0), "agentWorkId": "1001"],
        ]
    }

    /// The same period folded in one pass over every stored event.
    static func recount(_ app: Application, from: LocalDay, to: LocalDay, now: Date, queue: String? = nil) async throws -> (QueueCallFigures, AgentTimeFigures) {
        let tz = AttendanceTests.tz
        let company = try #require(try await Company.query(on: app.db).first()?.id)
        let events = try await CTIEventStore(db: app.db).events(from: from.start(in: tz).addingTimeInterval(-86_400), to: to.adding(days: 1).start(in: tz),
                                                                 company: company)
        var ledger = TelephonyLedger(configuration: app.live.configuration, countFrom: from.start(in: tz), countUntil: to.adding(days: 1).start(in: tz))
        ledger.apply(events)
        ledger.finish(at: min(now, to.adding(days: 1).start(in: tz)))
        return (ledger.queues.filter { queue == nil || $0.key.queue == queue }.values.reduce(QueueCallFigures(), +),
                ledger.agents.values.reduce(AgentTimeFigures(), +))
    }

    @Test func rollupsAgreeWithARecountAndFollowLateEvents() async throws {
        let tz = AttendanceTests.tz
        let clock = ManualClock(AttendanceTests.day(6).start(in: tz).addingTimeInterval(17 * 3600))
        try await withKefu(clock: clock) { app, u in
            let token = try await CTIToken.add(name: "pbx", on: app.db, now: clock.now())
            let r = try await switchPost(app, "/cti/events", token: token, json: Self.events())
            #expect(r.status == .ok || r.status == .created || r.status == .accepted, "\(r.json)")
            let path = "/reports/calls?from=2026-12-05&to=2026-12-06&interval=60"
            let report = try await api(app, .GET, path, token: u.shiftLead)
            #expect(report.status == .ok, "\(report.json)")
            let total = try #require(report["total"] as? [String: Any])
            #expect(total["offered"] as? Int == 4 && total["answered"] as? Int == 2 && total["abandoned"] as? Int == 1 && total["voicemail"] as? Int == 1)
            // A waited 12 s, B 30 s: SL1 counts A only; SL2 also counts C's late abandon against the center.
            #expect(total["serviceLevel1"] as? Double == 0.5 && total["averageSpeedOfAnswer"] as? Double == 21)
            #expect(total["serviceLevel2"] as? Double == FiguresRound.round(1.0 / 3.0))
            let (calls, time) = try await Self.recount(app, from: AttendanceTests.day(5), to: AttendanceTests.day(6), now: clock.now())
            #expect(total["waitSeconds"] as? Int == calls.waitSeconds && total["talkSeconds"] as? Int == calls.talkSeconds
                    && total["wrapSeconds"] as? Int == calls.wrapSeconds && total["completed"] as? Int == calls.totals.completed)
            let agents = try #require(report["agents"] as? [[String: Any]])
            #expect(agents.map { $0["idleSeconds"] as? Int ?? 0 }.reduce(0, +) == time.idleSeconds)
            #expect(agents.map { $0["talkSeconds"] as? Int ?? 0 }.reduce(0, +) == time.talkSeconds)
            #expect(agents.map { $0["notReadySeconds"] as? Int ?? 0 }.reduce(0, +) == time.notReadySeconds)
            // Each queue's occupancy is the rollups' sum of the same fold, read per queue.
            let queues = try #require(report["queues"] as? [[String: Any]])
            #expect(!queues.isEmpty && queues.allSatisfy { $0.keys.contains("occupancy") })
            let advice = try await Self.recount(app, from: AttendanceTests.day(5), to: AttendanceTests.day(6), now: clock.now(), queue: "咨询").0
            #expect(advice.occupancy != nil)
            #expect(queues.first { $0["queue"] as? String == "咨询" }?["occupancy"] as? Double == advice.occupancy.map(FiguresRound.round))
            // B was decided on the 6th, where the day table puts it.
            let days = try #require(report["days"] as? [[String: Any]])
            #expect(days.map { ($0["figures"] as? [String: Any])?["answered"] as? Int } == [1, 1])
            let heat = try #require(report["heatMap"] as? [[Int]])
            #expect(heat.flatMap { $0 }.reduce(0, +) == 4 && heat.count == 7)

            // A late event for the 5th (a call the switch reported late) is taken in.
            let late = try await switchPost(app, "/cti/events", token: token, json: [
                ["id": "e1", "type": "enqueued", "at": AttendanceTests.at(5, 23, 0), "callId": "E", "queue": "咨询"],
                ["id": "e2", "type": "abandoned", "at": AttendanceTests.at(5, 23, 0, 5), "callId": "E"],
            ])
            #expect(late.status == .ok || late.status == .created || late.status == .accepted)
            let again = try await api(app, .GET, path, token: u.shiftLead)
            #expect((again["total"] as? [String: Any])?["offered"] as? Int == 5)
            #expect((again["days"] as? [[String: Any]])?.first.flatMap { ($0["figures"] as? [String: Any])?["abandoned"] as? Int } == 1)

            // Who may read, and bad input.
            #expect(try await api(app, .GET, path, token: u.agent).status == .forbidden)
            #expect(try await api(app, .GET, "/reports/calls?from=2026-12-05&to=2026-12-06&interval=20", token: u.shiftLead).status == .unprocessableEntity)
            #expect(try await api(app, .GET, "/reports/calls?from=2026-12-06&to=2026-12-05", token: u.shiftLead).status == .unprocessableEntity)
            #expect(try await api(app, .GET, "/reports/calls?from=&to=2026-12-05", token: u.shiftLead).status == .badRequest)

            // The pages: the report with its heat map, and the calls behind a figure.
            let lead = try await PageSession.signIn(app, "3001")
            let page = try await lead.get("/reports/calls?period=custom&from=2026-12-05&to=2026-12-06&interval=30")
            #expect(page.0 == .ok && page.1.contains("呼入量热力图") && page.1.contains("id=\"calls-queues\"") && page.1.contains("id=\"calls-sl2\""))
            let list = try await lead.get("/reports/calls/list?from=2026-12-06&to=2026-12-06&outcome=answered")
            #expect(list.0 == .ok && list.1.contains("data-call=\"B\"") && !list.1.contains("data-call=\"C\"") && list.1.contains("138****2222"))
            let abandoned = try await lead.get("/reports/calls/list?from=2026-12-05&to=2026-12-06&queue=%E5%92%A8%E8%AF%A2&outcome=abandoned")
            #expect(abandoned.1.contains("data-call=\"C\"") && abandoned.1.contains("data-call=\"E\"") && !abandoned.1.contains("data-call=\"A\""))
            let long = try await lead.get("/reports/calls/list?from=2026-11-01&to=2026-12-06")
            #expect(long.0 == .ok && long.1.contains("id=\"calls-days\""))
            #expect(try await lead.get("/reports/calls/list?from=2026-12-06&to=2026-12-06&outcome=nobody").0 == .unprocessableEntity)
            let csv = try await lead.get("/reports/calls.csv?from=2026-12-05&to=2026-12-06&interval=60")
            #expect(csv.0 == .ok && csv.1.contains("SL2") && csv.1.contains("咨询"))
            #expect(try await PageSession.signIn(app, "1001").get("/reports/calls").0 == .forbidden)
        }
    }
}

/// The API's rounding of ratios, for comparing with computed values.
enum FiguresRound {
    static func round(_ v: Double) -> Double { (v * 10_000).rounded() / 10_000 }
}
