import Foundation
import Testing
@testable import KefuCore

/// A recorded FreeSWITCH event-socket session (`events plain CUSTOM callcenter::info`):
/// each event is a `text/event-plain` frame whose body is URL-encoded headers,
/// framed by `Content-Length`. Microsecond timestamps; 1780448400 s is 09:00 Beijing.
enum ESLRecording {
    static let member = "CC-Member-UUID: 7d0c4f42-5a8e-4c43-9a8b-0f5f2e6f1a10\nCC-Member-Session-UUID: 2b1a9e70-1c1e-4d8e-b1f4-9a44c1d2e3f4\nCC-Member-CID-Name: %E7%8E%8B%E5%85%88%E7%94%9F\nCC-Member-CID-Number: 13800138000\n"
    static let member2 = "CC-Member-UUID: 91aa03e2-6b7d-4f55-8d6e-3c2b1a0f9e88\nCC-Member-Session-UUID: 5c6d7e8f-0a1b-4c2d-8e3f-4a5b6c7d8e9f\nCC-Member-CID-Name: \nCC-Member-CID-Number: 13900139000\n"

    static func body(_ seconds: Double, _ sequence: Int, _ lines: String) -> String {
        let micros = Int((1_780_448_400 + seconds) * 1_000_000)
        return "Event-Name: CUSTOM\nCore-UUID: 6e2f9c1a-0d3b-4b9e-9f2a-7c1d5e3b2a10\nFreeSWITCH-Hostname: fs1\n"
            + "Event-Date-Timestamp: \(micros)\nEvent-Calling-File: mod_callcenter.c\nEvent-Sequence: \(sequence)\n"
            + "Event-Subclass: callcenter%3A%3Ainfo\n" + lines + "\n"
    }

    static let bodies: [String] = [
        body(0, 5001, "CC-Queue: support%40default\nCC-Action: member-queue-start\n" + member),
        body(2, 5002, "CC-Queue: support%40default\nCC-Action: agent-offering\nCC-Agent: 1001%40default\nCC-Agent-System: single_box\n" + member),
        body(8, 5003, "CC-Queue: support%40default\nCC-Action: bridge-agent-start\nCC-Agent: 1001%40default\nCC-Agent-UUID: a1b2c3d4-0000-4000-8000-000000001001\nCC-Agent-Called-Time: 1780448402\nCC-Agent-Answered-Time: 1780448408\nCC-Member-Joined-Time: 1780448400\n" + member),
        body(8, 5004, "CC-Agent: 1001%40default\nCC-Action: agent-state-change\nCC-Agent-State: In%20a%20queue%20call\n"),
        body(188, 5005, "CC-Queue: support%40default\nCC-Action: bridge-agent-end\nCC-Hangup-Cause: NORMAL_CLEARING\nCC-Agent: 1001%40default\nCC-Agent-Called-Time: 1780448402\nCC-Agent-Answered-Time: 1780448408\nCC-Bridge-Terminated-Time: 1780448588\n" + member),
        body(188, 5006, "CC-Queue: support%40default\nCC-Action: member-queue-end\nCC-Member-Joined-Time: 1780448400\nCC-Member-Leaving-Time: 1780448588\nCC-Cause: Terminated\nCC-Agent: 1001%40default\n" + member),
        body(190, 5007, "CC-Agent: 1001%40default\nCC-Action: agent-state-change\nCC-Agent-State: Waiting\n"),
        // An abandon after 15 s.
        body(300, 5010, "CC-Queue: support%40default\nCC-Action: member-queue-start\n" + member2),
        body(315, 5011, "CC-Queue: support%40default\nCC-Action: member-queue-end\nCC-Member-Joined-Time: 1780448700\nCC-Member-Leaving-Time: 1780448715\nCC-Cause: Cancel\nCC-Cancel-Reason: NONE\n" + member2),
        // A break and back.
        body(600, 5020, "CC-Agent: 1002%40default\nCC-Action: agent-status-change\nCC-Agent-Status: On%20Break\n"),
        body(620, 5021, "CC-Agent: 1002%40default\nCC-Action: agent-state-change\nCC-Agent-State: Waiting\n"),
        body(2400, 5022, "CC-Agent: 1002%40default\nCC-Action: agent-status-change\nCC-Agent-Status: Available\n"),
    ]

    /// The bytes on the socket, including the greeting and the reply to `auth`.
    static var stream: Data {
        var text = "Content-Type: auth/request\n\n"
        text += "Content-Type: command/reply\nReply-Text: +OK accepted\n\n"
        text += "Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n"
        for body in bodies {
            text += "Content-Length: \(body.utf8.count)\nContent-Type: text/event-plain\n\n" + body
        }
        return Data(text.utf8)
    }
}

@Suite struct LiveESLAdapterTests {
    typealias T = LiveTime

    private func frames(chunk: Int) -> [ESLFrame] {
        let data = ESLRecording.stream
        var parser = ESLParser()
        var frames: [ESLFrame] = []
        var offset = 0
        while offset < data.count {
            let end = min(offset + chunk, data.count)
            frames += parser.feed(data.subdata(in: offset..<end))
            offset = end
        }
        return frames
    }

    @Test(arguments: [1, 13, 1_000_000])
    func parserFramesByContentLength(chunk: Int) {
        let frames = frames(chunk: chunk)
        #expect(frames.count == 3 + ESLRecording.bodies.count)
        #expect(frames[0].contentType == "auth/request")
        #expect(frames[1].headers["Reply-Text"] == "+OK accepted")
        #expect(frames[0].event == nil)
        let first = frames[3].event
        #expect(first?["Event-Subclass"] == "callcenter::info")
        #expect(first?["CC-Queue"] == "support@default")
        #expect(first?["CC-Member-CID-Name"] == "王先生")
        #expect(frames[6].event?["CC-Agent-State"] == "In a queue call")
    }

    @Test func recordedStreamBecomesCanonicalEvents() throws {
        var adapter = ESLAdapter()
        let events = frames(chunk: 1_000_000).compactMap(\.event).flatMap { adapter.events(from: $0, receivedAt: T.at(12)) }
        let summary = events.map { "\($0.type) \($0.agentWorkId ?? "-")" }
        #expect(summary == [
            "enqueued -", "offered 1001", "answered 1001", "completed -", "completed -", "ready 1001",
            "enqueued -", "abandoned -",
            "not_ready 1002", "ready 1002",
        ])
        try #require(events.count == 10)
        let call = "2b1a9e70-1c1e-4d8e-b1f4-9a44c1d2e3f4"
        #expect(events[0] == CTIEvent(id: "esl:\(call):enqueued", .enqueued, at: T.at(9), callId: call,
                                      queue: "support", caller: "13800138000"))
        #expect(events[2].at == T.at(9, 0, 8))
        #expect(events[3].id == events[4].id) // bridge end and member end: one completion
        #expect(events[7].reason == "NONE")
        #expect(events[8].reason == "On Break")
        // "Waiting" while on break is not "ready".
        #expect(events[9].at == T.at(9, 40))

        var state = LiveState(configuration: T.configuration())
        let report = state.apply(events)
        #expect(report.duplicates.count == 1)
        let totals = state.todayTotals(at: T.at(12), queue: "support")
        #expect(totals.answered == 1)
        #expect(totals.completed == 1)
        #expect(totals.completedWithinThreshold == 1)
        #expect(totals.abandoned == 1)
        #expect(totals.abandonedWithinThreshold == 1)
        #expect(state.agent("1001")?.state == .available) // FreeSWITCH ended its own wrap-up with Waiting
        #expect(state.agent("1001")?.since == T.at(9, 3, 10))
        #expect(state.agent("1002")?.state == .available)
    }

    @Test func ignoresOtherEventsAndMapsNames() {
        var adapter = ESLAdapter(agentWorkId: { "A-" + $0 })
        #expect(adapter.events(from: ["Event-Name": "CHANNEL_ANSWER"], receivedAt: T.at(9)).isEmpty)
        let offering = ["Event-Name": "CUSTOM", "Event-Subclass": "callcenter::info", "CC-Action": "agent-offering",
                        "CC-Agent": "1001@default", "CC-Member-UUID": "m1", "CC-Queue": "q@d"]
        let event = adapter.events(from: offering, receivedAt: T.at(9)).first
        #expect(event?.agentWorkId == "A-1001@default")
        #expect(event?.callId == "m1")
        #expect(event?.queue == "q")
        #expect(event?.at == T.at(9))
        #expect(ESLAdapter.withoutDomain("1001@default") == "1001")
        #expect(ESLAdapter.withoutDomain("1001") == "1001")
    }
}
