import Foundation
import Testing
@testable import KefuCore

/// Shift swaps (交接班 7, R4.5): both consent, the lead approves, both answer for a miss.
@Suite("Workforce shift swaps")
struct WorkforceSwapTests {
    static let monday = LocalDay(year: 2026, month: 3, day: 2)
    static let tuesday = LocalDay(year: 2026, month: 3, day: 3)
    static let mine = RosterAssignment(workId: "W1", day: monday, shiftCode: "A")
    static let theirs = RosterAssignment(workId: "W2", day: tuesday, shiftCode: "C")
    static let roster = [mine, theirs, RosterAssignment(workId: "W3", day: monday, shiftCode: "B", role: .reserve)]

    static func swap(peerShift: RosterAssignment? = theirs) throws -> ShiftSwap {
        try ShiftSwap(requester: "W1", peer: "W2", requesterShift: mine, peerShift: peerShift)
    }

    static func reason(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let WorkforceError.invalidInput(field, reason) { return field == "swap" ? reason : "field \(field)" } catch {
            return "\(error)"
        }
    }

    @Test func happyPathSwapsTheTwoShifts() throws {
        var swap = try Self.swap()
        #expect(swap.state == .requested)
        try swap.accept(by: "W2")
        #expect(swap.state == .accepted)
        let after = try swap.applied(to: Self.roster)
        let agents = ["W1", "W2", "W3"].map { RosterAgent(workId: $0, name: $0) }
        #expect(RosterValidator.violations(of: after, templates: ShiftTemplate.defaults, agents: agents, rules: RosterRules(),
                                           days: RosterDemand.days(year: 2026, month: 3)).isEmpty)
        try swap.approve(byLead: "L1")
        #expect(swap.state == .approved)
        #expect(swap.decidedBy == "L1")
        #expect(after == [RosterAssignment(workId: "W2", day: Self.monday, shiftCode: "A"),
                          RosterAssignment(workId: "W1", day: Self.tuesday, shiftCode: "C"),
                          Self.roster[2]])
        #expect(try swap.applied(to: Self.roster) == after)
        #expect(swap.responsibleForMiss == ["W1", "W2"])
    }

    @Test func peerMayJustCoverTheShift() throws {
        var swap = try Self.swap(peerShift: nil)
        try swap.accept(by: "W2")
        try swap.approve(byLead: "L1")
        let after = try swap.applied(to: Self.roster)
        #expect(after[0] == RosterAssignment(workId: "W2", day: Self.monday, shiftCode: "A"))
        #expect(after[1] == Self.theirs)
        #expect(Set(swap.responsibleForMiss) == ["W1", "W2"])
    }

    @Test func reserveRoleMovesWithTheShift() throws {
        let reserve = Self.roster[2]
        let swap = try ShiftSwap(requester: "W3", peer: "W1", requesterShift: reserve, peerShift: nil)
        let after = try swap.applied(to: Self.roster)
        #expect(after[2] == RosterAssignment(workId: "W1", day: Self.monday, shiftCode: "B", role: .reserve))
    }

    @Test func invalidRequestsAreRefused() {
        #expect(Self.reason { _ = try ShiftSwap(requester: "W1", peer: "W1", requesterShift: Self.mine, peerShift: nil) } == "不能和自己换班")
        #expect(Self.reason { _ = try ShiftSwap(requester: "W2", peer: "W1", requesterShift: Self.mine, peerShift: nil) }
            == "申请人只能换出自己的班次")
        #expect(Self.reason { _ = try ShiftSwap(requester: "W1", peer: "W3", requesterShift: Self.mine, peerShift: Self.theirs) }
            == "换入的班次必须是被换班人自己的班次")
        #expect(Self.reason { _ = try ShiftSwap(requester: "", peer: "W2", requesterShift: Self.mine, peerShift: nil) } != nil)
    }

    @Test func onlyThePeerAnswersTheRequest() throws {
        var swap = try Self.swap()
        #expect(Self.reason { try swap.accept(by: "W1") } == "只有被换班人可以同意")
        #expect(Self.reason { try swap.accept(by: "L1") } == "只有被换班人可以同意")
        #expect(Self.reason { try swap.decline(by: "W1") } == "只有被换班人可以拒绝")
        try swap.decline(by: "W2")
        #expect(swap.state == .declined)
        #expect(Self.reason { try swap.accept(by: "W2") }?.contains("只有待对方同意的换班可以同意") == true)
        #expect(Self.reason { try swap.decline(by: "W2") } != nil)
        #expect(Self.reason { try swap.cancel(by: "W1") }?.contains("不能撤回") == true)
        #expect(Self.reason { try swap.approve(byLead: "L1") } != nil)
        #expect(Self.reason { _ = try swap.applied(to: Self.roster) }?.contains("对方拒绝") == true)
    }

    @Test func leadDecidesOnlyAfterBothConsented() throws {
        var swap = try Self.swap()
        #expect(Self.reason { try swap.approve(byLead: "L1") } == "换班需双方同意后才能审批（当前：待对方同意）")
        #expect(Self.reason { try swap.reject(byLead: "L1") } == "换班需双方同意后才能驳回（当前：待对方同意）")
        try swap.accept(by: "W2")
        #expect(Self.reason { try swap.accept(by: "W2") } != nil)
        #expect(Self.reason { try swap.approve(byLead: "W1") } == "班长不能审批自己参与的换班")
        #expect(Self.reason { try swap.approve(byLead: "W2") } == "班长不能审批自己参与的换班")
        #expect(Self.reason { try swap.reject(byLead: "W2") } == "班长不能驳回自己参与的换班")
        try swap.reject(byLead: "L1")
        #expect(swap.state == .rejected)
        #expect(swap.decidedBy == "L1")
        #expect(Self.reason { try swap.approve(byLead: "L1") } != nil)
        #expect(Self.reason { try swap.cancel(by: "W1") } != nil)
    }

    @Test func requesterMayWithdrawBeforeApproval() throws {
        var early = try Self.swap()
        #expect(Self.reason { try early.cancel(by: "W2") } == "只有申请人可以撤回换班")
        try early.cancel(by: "W1")
        #expect(early.state == .cancelled)
        #expect(Self.reason { try early.accept(by: "W2") } != nil)

        var late = try Self.swap()
        try late.accept(by: "W2")
        try late.cancel(by: "W1")
        #expect(late.state == .cancelled)

        var approved = try Self.swap()
        try approved.accept(by: "W2")
        try approved.approve(byLead: "L1")
        #expect(Self.reason { try approved.cancel(by: "W1") } == "换班已结束，不能撤回（当前：已批准）")
        #expect(Self.reason { try approved.reject(byLead: "L1") } != nil)
    }

    @Test func applyingAStaleSwapFails() throws {
        let swap = try Self.swap()
        #expect(Self.reason { _ = try swap.applied(to: [Self.theirs]) }?.contains("已不在排班表中") == true)
        #expect(Self.reason { _ = try swap.applied(to: [Self.mine]) }?.contains("被换班人的班次") == true)
    }

    @Test func swapRoundTripsThroughJSON() throws {
        var swap = try Self.swap()
        try swap.accept(by: "W2")
        let data = try JSONEncoder().encode(swap)
        #expect(try JSONDecoder().decode(ShiftSwap.self, from: data) == swap)
        #expect(ShiftSwapState.accepted.label == "待班长审批")
    }
}
