import Foundation
import Testing
@testable import KefuCore

@Suite struct LiveZammadCTIAdapterTests {
    typealias T = LiveTime
    let adapter = ZammadCTIAdapter(defaultQueue: "inbound", agentWorkId: { ["Zhang San": "1001"][$0] })

    @Test func inboundCallLifecycle() throws {
        let new = try adapter.events(from: ["event": "newCall", "from": "4930609854180", "to": "4930609811111",
                                            "direction": "in", "callId": "f0ab", "user[]": "Zhang San"],
                                     receivedAt: T.at(9))
        #expect(new == [CTIEvent(id: "zammad:f0ab:newCall", .enqueued, at: T.at(9), callId: "f0ab",
                                 queue: "inbound", caller: "4930609854180", dialled: "4930609811111")])   // `to` picks the branch
        let answer = try adapter.events(from: ["event": "answer", "direction": "in", "callId": "f0ab", "user": "Zhang San",
                                               "from": "4930609854180", "to": "4930609811111"], receivedAt: T.at(9, 0, 12))
        #expect(answer.first?.type == .contact(.answered))
        #expect(answer.first?.agentWorkId == "1001")
        let hangup = try adapter.events(from: ["event": "hangup", "direction": "in", "callId": "f0ab", "cause": "normalClearing"],
                                        receivedAt: T.at(9, 4))
        #expect(hangup.first?.type == .contact(.completed))

        var state = LiveState(configuration: T.configuration())
        state.apply(new + answer + hangup)
        #expect(state.todayTotals(at: T.at(10)).completedWithinThreshold == 1)
        #expect(state.agent("1001")?.state == .afterContactWork)
        // A retried push is stored once.
        #expect(state.apply(new).duplicates == ["zammad:f0ab:newCall"])
    }

    @Test func hangupCausesAndOutboundCalls() throws {
        func type(_ cause: String) throws -> CTIEventType? {
            try adapter.events(from: ["event": "hangup", "callId": "c", "direction": "in", "cause": cause], receivedAt: T.at(9)).first?.type
        }
        #expect(try type("cancel") == .contact(.abandoned))
        #expect(try type("noAnswer") == .contact(.abandoned))
        #expect(try type("forwarded") == .contact(.transferred))
        #expect(try type("answeredElsewhere") == .contact(.completed))
        #expect(try adapter.events(from: ["event": "newCall", "callId": "o", "direction": "out"], receivedAt: T.at(9)).isEmpty)
        #expect(throws: CTIEventRejection.missingCallId(type: "answer")) {
            try adapter.events(from: ["event": "answer"], receivedAt: T.at(9))
        }
        #expect(throws: CTIEventRejection.unknownType("ringing")) {
            try adapter.events(from: ["event": "ringing", "callId": "c"], receivedAt: T.at(9))
        }
    }
}
