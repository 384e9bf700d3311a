import Foundation
import Testing
@testable import KefuCore

/// The handover's rules (R9.1): who hands over, who may receive, when an arrival is late,
/// and what a flagged item must name.
@Suite struct ShiftHandoverTests {
    @Test func anotherShiftLeadReceives() {
        #expect(ShiftHandover.mayHandOver(.shiftLead) && !ShiftHandover.mayHandOver(.teamLead))
        #expect(ShiftHandover.receiveProblem(outgoing: "3001", incoming: "3002", incomingRole: .shiftLead) == nil)
        #expect(ShiftHandover.receiveProblem(outgoing: "3001", incoming: "3001", incomingRole: .shiftLead) == "交班人和接班人不能是同一人")
        #expect(ShiftHandover.receiveProblem(outgoing: "3001", incoming: "1001", incomingRole: .agent) == "接班人须为值班长")
    }

    @Test func arrivingLessThanTenMinutesEarlyIsLate() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ShiftHandover.lateArrivalMinutes(arrivedAt: start.addingTimeInterval(-15 * 60), shiftStart: start, leadArrivalMinutes: 10) == 0)
        #expect(ShiftHandover.lateArrivalMinutes(arrivedAt: start.addingTimeInterval(-10 * 60), shiftStart: start, leadArrivalMinutes: 10) == 0)
        #expect(ShiftHandover.lateArrivalMinutes(arrivedAt: start.addingTimeInterval(-9 * 60 - 30), shiftStart: start, leadArrivalMinutes: 10) == 1)
        #expect(ShiftHandover.lateArrivalMinutes(arrivedAt: start.addingTimeInterval(5 * 60), shiftStart: start, leadArrivalMinutes: 15) == 20)
    }

    @Test func aFlaggedItemNamesWhatItIsAbout() {
        #expect(ShiftHandover.itemProblem(kind: .order, ref: "GD20261207-0001", text: "客户 18 点前要答复") == nil)
        #expect(ShiftHandover.itemProblem(kind: .order, ref: "明天", text: "回电") != nil)
        #expect(ShiftHandover.itemProblem(kind: .person, ref: "", text: "病假顶班") == "请填写工号")
        #expect(ShiftHandover.itemProblem(kind: .other, ref: "", text: " ") == "请写明要跟进的事项")
        #expect(ShiftHandover.itemProblem(kind: .call, ref: "13800138000", text: String(repeating: "长", count: 301)) == "事项不超过 300 字")
    }
}
