import Foundation
import Testing
@testable import KefuCore

@Suite struct LiveCTIEventTests {
    private func results(_ json: String) -> [CTIEventResult] {
        CTIEvent.decodeBatch(Data(json.utf8))
    }

    @Test func acceptsSingleObjectAndArray() {
        let one = results(#"{"id":"e1","type":"enqueued","at":"2026-06-03T09:00:00+08:00","callId":"c1","queue":"inbound","caller":"13800000000"}"#)
        #expect(one.count == 1)
        #expect(one[0].event == CTIEvent(id: "e1", .enqueued, at: LiveTime.at(9), callId: "c1",
                                         queue: "inbound", caller: "13800000000"))
        let many = results(#"""
        [{"id":"e1","type":"logged_in","at":"2026-06-03T01:00:00Z","agentWorkId":"1001"},
         {"id":"e2","type":"not_ready","at":"2026-06-03T01:00:05.250Z","agentWorkId":"1001","reason":"午餐"}]
        """#)
        #expect(many.map(\.event?.id) == ["e1", "e2"])
        #expect(many[1].event?.at == LiveTime.at(9, 0, 5.25))
        #expect(many[1].event?.type == .agent(.notReady))
    }

    @Test func rejectsEachBadElementAloneWithItsReason() {
        let batch = results(#"""
        [
          {"type":"enqueued","at":"2026-06-03T09:00:00+08:00","callId":"c1","queue":"q"},
          {"id":"e2","at":"2026-06-03T09:00:00+08:00","callId":"c1"},
          {"id":"e3","type":"enqueued","callId":"c1","queue":"q"},
          {"id":"e4","type":"ringing","at":"2026-06-03T09:00:00+08:00","callId":"c1"},
          {"id":"e5","type":"answered","at":"2026-06-03 09:00:00","callId":"c1"},
          {"id":"e6","type":"answered","at":"2026-06-03T09:00:00","callId":"c1"},
          {"id":"e7","type":"answered","at":"2026-06-03T09:00:00+08:00"},
          {"id":"e8","type":"ready","at":"2026-06-03T09:00:00+08:00","callId":"c1"},
          {"id":"e9","type":"enqueued","at":"2026-06-03T09:00:00+08:00","callId":"c1"},
          {"id":"e10","type":"offered","at":"2026-06-03T09:00:00+08:00","callId":"c1","queue":"q"},
          {"id":11,"type":"ready","at":"2026-06-03T09:00:00+08:00","agentWorkId":"1"},
          "not an object",
          {"id":"e13","type":"not_ready","at":"2026-06-03T09:00:00+08:00","agentWorkId":"1001"},
          {"id":"e14","type":"answered","at":"2026-02-30T09:00:00+08:00","callId":"c1"},
          {"id":"e15","type":"completed","at":"2026-06-03T09:00:00+08:00","callId":"  "}
        ]
        """#)
        #expect(batch.count == 15)
        #expect(batch[0] == .rejected(index: 0, id: nil, reason: .missingField("id")))
        #expect(batch[1] == .rejected(index: 1, id: "e2", reason: .missingField("type")))
        #expect(batch[2] == .rejected(index: 2, id: "e3", reason: .missingField("at")))
        #expect(batch[3] == .rejected(index: 3, id: "e4", reason: .unknownType("ringing")))
        #expect(batch[4] == .rejected(index: 4, id: "e5", reason: .badTimestamp("2026-06-03 09:00:00")))
        #expect(batch[5] == .rejected(index: 5, id: "e6", reason: .missingOffset("2026-06-03T09:00:00")))
        #expect(batch[6] == .rejected(index: 6, id: "e7", reason: .missingCallId(type: "answered")))
        #expect(batch[7] == .rejected(index: 7, id: "e8", reason: .missingAgentWorkId(type: "ready")))
        #expect(batch[8] == .rejected(index: 8, id: "e9", reason: .missingQueue(type: "enqueued")))
        #expect(batch[9] == .rejected(index: 9, id: "e10", reason: .missingAgentWorkId(type: "offered")))
        #expect(batch[10] == .rejected(index: 10, id: nil, reason: .wrongFieldType("id")))
        #expect(batch[11] == .rejected(index: 11, id: nil, reason: .notAnObject))
        // A break without a reason is allowed: adapters often cannot know it.
        #expect(batch[12].event?.reason == nil)
        #expect(batch[13].rejection == .badTimestamp("2026-02-30T09:00:00+08:00"))
        #expect(batch[14].rejection == .missingCallId(type: "completed"))
    }

    @Test func wholeBodyProblemsGiveOneRejection() {
        #expect(results("{not json") == [.rejected(index: 0, id: nil, reason: .malformedJSON)])
        #expect(results("42") == [.rejected(index: 0, id: nil, reason: .notAnObject)])
        #expect(results("[]").isEmpty)
    }

    @Test func messagesAreBilingual() {
        let message = CTIEventRejection.missingOffset("2026-06-03T09:00:00").message
        #expect(message.contains("时区"))
        #expect(message.contains("offset"))
        #expect(CTIEventRejection.unknownType("x").message.contains("ivr_selected"))
    }

    @Test func timestampsParseOffsetsAndRoundTrip() throws {
        #expect(try CTITimestamp.parse("2026-06-03T09:00:00+0800") == LiveTime.at(9))
        #expect(try CTITimestamp.parse("2026-06-02T20:00:00-05:00") == LiveTime.at(9))
        #expect(try CTITimestamp.parse("2026-06-03T01:00:00.5z") == LiveTime.at(9, 0, 0.5))
        #expect(CTITimestamp.format(LiveTime.at(9)) == "2026-06-03T01:00:00Z")
        #expect(CTITimestamp.format(LiveTime.at(9, 0, 0.125)) == "2026-06-03T01:00:00.125Z")
        #expect(throws: CTIEventRejection.badTimestamp("2026-06-03T24:00:00Z")) {
            try CTITimestamp.parse("2026-06-03T24:00:00Z")
        }
    }

    @Test func codableRoundTripUsesTheSameRules() throws {
        let event = CTIEvent(id: "e1", .hold, at: LiveTime.at(9, 1, 0.5), callId: "c1", agentWorkId: "1001")
        let data = try JSONEncoder().encode(event)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""at":"2026-06-03T01:01:00.5Z""#))
        #expect(try JSONDecoder().decode(CTIEvent.self, from: data) == event)
        let bad = Data(#"{"id":"x","type":"hold","at":"2026-06-03T09:00:00+08:00"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CTIEvent.self, from: bad) }
    }

    @Test func agentStateCodesAndLabels() throws {
        #expect(AgentState.allCodes == ["LoggedOut", "Available", "Reserved", "OnContact", "OnHold", "AfterContactWork", "NotReady"])
        #expect(AgentState.notReady(reason: "午餐").label == "示忙·午餐")
        #expect(AgentState.notReady(reason: nil).label == "示忙")
        #expect(AgentState.afterContactWork.label == "话后处理")
        #expect(AgentState.reserved.label == "振铃")
        #expect(AgentState(code: "NotReady", reason: "培训") == .notReady(reason: "培训"))
        #expect(AgentState(code: "Busy") == nil)
        let data = try JSONEncoder().encode(AgentState.notReady(reason: "午餐"))
        #expect(try JSONDecoder().decode(AgentState.self, from: data) == .notReady(reason: "午餐"))
    }
}
