import Foundation
import Testing
@testable import KefuCore

/// A recorded AMI session (Asterisk 18, `timestampevents = yes`), as it comes off
/// TCP 5038: CRLF lines, blank line between messages. 1780448400 is 2026-06-03 09:00 in Beijing.
enum AMIRecording {
    static let lines: [String] = [
        "Asterisk Call Manager/5.0.1",
        "Response: Success", "ActionID: login-1", "Message: Authentication accepted", "",
        "Event: FullyBooted", "Privilege: system,all", "Timestamp: 1780448390.000100", "Uptime: 3600", "Status: Fully Booted", "",
        // A full call: join, ring, connect, hold, unhold, complete.
        "Event: QueueCallerJoin", "Privilege: agent,all", "Timestamp: 1780448400.000000",
        "Channel: PJSIP/trunk-00000011", "ChannelState: 6", "ChannelStateDesc: Up",
        "CallerIDNum: 13800138000", "CallerIDName: 王先生", "ConnectedLineNum: <unknown>", "ConnectedLineName: <unknown>",
        "Language: zh", "AccountCode: ", "Context: from-trunk", "Exten: 95000", "Priority: 4",
        "Uniqueid: 1780448400.101", "Linkedid: 1780448400.101", "Queue: inbound", "Position: 1", "Count: 1", "",
        "Event: AgentCalled", "Privilege: agent,all", "Timestamp: 1780448402.000000",
        "Channel: PJSIP/trunk-00000011", "ChannelState: 6", "ChannelStateDesc: Up", "CallerIDNum: 13800138000",
        "Uniqueid: 1780448400.101", "Linkedid: 1780448400.101",
        "DestChannel: Local/1001@agents-00000003;1", "DestChannelState: 0", "DestChannelStateDesc: Down",
        "DestUniqueid: 1780448402.104", "DestLinkedid: 1780448400.101",
        "Queue: inbound", "Interface: Local/1001@agents/n", "MemberName: 张三", "",
        "Event: AgentConnect", "Privilege: agent,all", "Timestamp: 1780448408.000000",
        "Channel: PJSIP/trunk-00000011", "CallerIDNum: 13800138000",
        "Uniqueid: 1780448400.101", "Linkedid: 1780448400.101",
        "DestChannel: Local/1001@agents-00000003;1", "DestUniqueid: 1780448402.104", "DestLinkedid: 1780448400.101",
        "Queue: inbound", "MemberName: 张三", "Interface: Local/1001@agents/n", "RingTime: 6", "HoldTime: 8", "",
        "Event: QueueCallerLeave", "Privilege: agent,all", "Timestamp: 1780448408.000200",
        "Uniqueid: 1780448400.101", "Linkedid: 1780448400.101", "Queue: inbound", "Count: 0", "Position: 1", "",
        "Event: Hold", "Privilege: call,all", "Timestamp: 1780448460.000000",
        "Channel: PJSIP/1001-00000014", "Uniqueid: 1780448402.106", "Linkedid: 1780448400.101", "MusicClass: default", "",
        "Event: Unhold", "Privilege: call,all", "Timestamp: 1780448490.000000",
        "Channel: PJSIP/1001-00000014", "Uniqueid: 1780448402.106", "Linkedid: 1780448400.101", "",
        "Event: AgentComplete", "Privilege: agent,all", "Timestamp: 1780448588.000000",
        "Channel: PJSIP/trunk-00000011", "CallerIDNum: 13800138000",
        "Uniqueid: 1780448400.101", "Linkedid: 1780448400.101",
        "DestChannel: Local/1001@agents-00000003;1", "DestUniqueid: 1780448402.104", "DestLinkedid: 1780448400.101",
        "Queue: inbound", "MemberName: 张三", "Interface: Local/1001@agents/n",
        "HoldTime: 8", "TalkTime: 180", "Reason: caller", "",
        // An abandon: the caller gives up after 15 s while 1002 rings.
        "Event: QueueCallerJoin", "Privilege: agent,all", "Timestamp: 1780448700.000000",
        "Channel: PJSIP/trunk-00000020", "CallerIDNum: 13900139000",
        "Uniqueid: 1780448700.201", "Linkedid: 1780448700.201", "Queue: inbound", "Position: 1", "Count: 1", "",
        "Event: AgentCalled", "Privilege: agent,all", "Timestamp: 1780448701.000000",
        "Channel: PJSIP/trunk-00000020", "Uniqueid: 1780448700.201", "Linkedid: 1780448700.201",
        "Queue: inbound", "Interface: SIP/1002", "MemberName: 李四", "",
        "Event: AgentRingNoAnswer", "Privilege: agent,all", "Timestamp: 1780448713.000000",
        "Uniqueid: 1780448700.201", "Linkedid: 1780448700.201", "Queue: inbound",
        "Interface: SIP/1002", "MemberName: 李四", "RingTime: 12", "",
        "Event: QueueCallerAbandon", "Privilege: agent,all", "Timestamp: 1780448715.000000",
        "Channel: PJSIP/trunk-00000020", "CallerIDNum: 13900139000",
        "Uniqueid: 1780448700.201", "Linkedid: 1780448700.201",
        "Queue: inbound", "Position: 1", "OriginalPosition: 1", "HoldTime: 15", "",
        // A pause with reason, and back.
        "Event: QueueMemberPause", "Privilege: agent,all", "Timestamp: 1780449000.000000",
        "Queue: inbound", "MemberName: 李四", "Interface: SIP/1002", "StateInterface: SIP/1002",
        "Membership: dynamic", "Penalty: 0", "CallsTaken: 3", "LastCall: 1780448000", "LastPause: 1780449000",
        "LoginTime: 1780444800", "InCall: 0", "Status: 1", "Paused: 1", "PausedReason: 午餐", "Ringinuse: 0", "Wrapuptime: 0", "",
        "Response: Success", "ActionID: ping-7", "Ping: Pong", "Timestamp: 1780449001.000000", "",
        "Event: QueueMemberPause", "Privilege: agent,all", "Timestamp: 1780450800.000000",
        "Queue: inbound", "MemberName: 李四", "Interface: SIP/1002", "StateInterface: SIP/1002",
        "Paused: 0", "PausedReason: ", "",
    ]

    static var crlf: Data { Data(lines.map { $0 + "\r\n" }.joined().utf8) }
    static var lf: Data { Data(lines.map { $0 + "\n" }.joined().utf8) }
}

@Suite struct LiveAMIAdapterTests {
    typealias T = LiveTime

    private func parseInChunks(_ data: Data, size: Int) -> (AMIParser, [[String: String]]) {
        var parser = AMIParser()
        var messages: [[String: String]] = []
        var offset = 0
        while offset < data.count {
            let end = min(offset + size, data.count)
            messages += parser.feed(data.subdata(in: offset..<end))
            offset = end
        }
        return (parser, messages)
    }

    @Test(arguments: [1, 7, 64, 100_000])
    func parserHandlesChunksBannerAndResponses(chunk: Int) {
        let (parser, messages) = parseInChunks(AMIRecording.crlf, size: chunk)
        #expect(parser.banner == "Asterisk Call Manager/5.0.1")
        #expect(messages.count == 14) // 16 messages minus two Responses
        #expect(messages.allSatisfy { $0["Response"] == nil })
        #expect(messages[1]["CallerIDName"] == "王先生")
        #expect(messages[1]["AccountCode"] == "")
        #expect(messages[3]["Interface"] == "Local/1001@agents/n")
        #expect(parseInChunks(AMIRecording.lf, size: chunk).1 == messages)
    }

    @Test func recordedStreamBecomesCanonicalEvents() {
        var parser = AMIParser()
        let adapter = AMIAdapter()
        let received = T.at(12)
        let events = parser.feed(AMIRecording.crlf).flatMap { adapter.events(from: $0, receivedAt: received) }
        let summary = events.map { "\($0.type) \($0.callId ?? $0.agentWorkId ?? "")" }
        #expect(summary == [
            "enqueued 1780448400.101", "offered 1780448400.101", "answered 1780448400.101",
            "hold 1780448400.101", "unhold 1780448400.101", "completed 1780448400.101",
            "enqueued 1780448700.201", "offered 1780448700.201", "abandoned 1780448700.201",
            "not_ready 1002", "ready 1002",
        ])
        #expect(events[0] == CTIEvent(id: "ami:1780448400.101:enqueued:inbound", .enqueued, at: T.at(9),
                                      callId: "1780448400.101", queue: "inbound", caller: "13800138000"))
        #expect(events[1].agentWorkId == "1001")
        #expect(events[2].agentWorkId == "1001")
        #expect(events[2].at == T.at(9, 0, 8))
        #expect(events[7].agentWorkId == "1002")
        #expect(events[9].reason == "午餐")
        #expect(events[9].at == T.at(9, 10))
        #expect(events.allSatisfy { (try? $0.validated()) != nil })
        #expect(Set(events.map(\.id)).count == events.count)

        // Fed to live state, the recording gives the shift lead's picture.
        var state = LiveState(configuration: T.configuration())
        state.apply(events)
        let totals = state.todayTotals(at: T.at(12), queue: "inbound")
        #expect(totals.answered == 1)
        #expect(totals.answeredWithinThreshold == 1)   // 8 s wait
        #expect(totals.completed == 1)
        #expect(totals.abandoned == 1)
        #expect(totals.abandonedWithinThreshold == 1)  // 15 s
        #expect(totals.serviceLevel2 == 1)
        #expect(state.agent("1001")?.state == .afterContactWork)
        #expect(state.agent("1002")?.state == .available)
        #expect(state.waitingCalls().isEmpty)
    }

    @Test func replayedStreamIsIdempotent() {
        var parser = AMIParser()
        let adapter = AMIAdapter()
        let events = parser.feed(AMIRecording.crlf).flatMap { adapter.events(from: $0, receivedAt: T.at(12)) }
        var state = LiveState(configuration: T.configuration())
        state.apply(events)
        let report = state.apply(events)
        #expect(report.applied.isEmpty)
        #expect(state.todayTotals(at: T.at(12)).offered == 2)
    }

    @Test func agentMappingAndFallbacks() {
        let map = AMIAdapter.defaultAgentWorkId
        #expect(map("SIP/1001", "张三") == "1001")
        #expect(map("PJSIP/2001", nil) == "2001")
        #expect(map("Local/1001@agents/n", nil) == "1001")
        #expect(map(nil, "1005") == "1005")
        let custom = AMIAdapter(agentWorkId: { _, name in name == "张三" ? "A01" : nil })
        let message = ["Event": "AgentConnect", "Linkedid": "x.1", "Queue": "q", "MemberName": "张三", "Interface": "SIP/9"]
        #expect(custom.events(from: message, receivedAt: T.at(9)).first?.agentWorkId == "A01")
        // Without Timestamp the reception time is used.
        #expect(AMIAdapter().events(from: message, receivedAt: T.at(9)).first?.at == T.at(9))
        let transfer = ["Event": "AgentComplete", "Linkedid": "x.1", "Interface": "SIP/9", "Reason": "transfer"]
        #expect(AMIAdapter().events(from: transfer, receivedAt: T.at(9)).first?.type == .contact(.transferred))
        let added = ["Event": "QueueMemberAdded", "Interface": "SIP/7", "Paused": "1", "PausedReason": "培训"]
        #expect(AMIAdapter().events(from: added, receivedAt: T.at(9)).map(\.type) == [.agent(.loggedIn), .agent(.notReady)])
    }
}
