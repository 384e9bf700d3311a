import Foundation
import Testing
@testable import KefuCore

/// R1.5: the callback that lets an order close comes after the last receipt and after resolution.
@Suite("Close rule")
struct CloseRuleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func facts(_ status: WorkOrderStatus = .open, open: Int = 0, callback: TimeInterval?, receipt: TimeInterval? = nil,
               resolved: TimeInterval? = nil) -> CloseFacts {
        CloseFacts(status: status, openSupervisionOrders: open, callbackAt: callback.map { t0 + $0 },
                   lastReceiptAt: receipt.map { t0 + $0 }, resolvedAt: resolved.map { t0 + $0 })
    }

    @Test func aCallbackBeforeTheReceiptDoesNotCount() {
        // The defect: reached the customer while the department was still working, then the receipt came.
        #expect(CloseRule.blocker(facts(.open, callback: 10, receipt: 20)) == .callbackBeforeReceipt)
        #expect(CloseRule.blocker(facts(.open, callback: 30, receipt: 20)) == nil)
        #expect(CloseBlocker.callbackBeforeReceipt.code == "callback_required")
    }

    @Test func aCallbackBeforeTheResolutionDoesNotCount() {
        #expect(CloseRule.blocker(facts(.resolved, callback: 10, resolved: 20)) == .callbackBeforeResolution)
        #expect(CloseRule.blocker(facts(.resolved, callback: 30, receipt: 5, resolved: 20)) == nil)
        // After the resolution but before a later receipt is still too early.
        #expect(CloseRule.blocker(facts(.resolved, callback: 25, receipt: 40, resolved: 20)) == .callbackBeforeReceipt)
    }

    @Test func sameInstantCountsAsAfter() {
        #expect(CloseRule.blocker(facts(.resolved, callback: 20, receipt: 20, resolved: 20)) == nil)
    }

    @Test func theOtherBlockersComeFirst() {
        #expect(CloseRule.blocker(facts(.closed, callback: 30)) == .alreadyClosed)
        #expect(CloseRule.blocker(facts(.transferred, open: 2, callback: 30, receipt: 10)) == .openSupervisionOrders(2))
        #expect(CloseRule.blocker(facts(.resolved, callback: nil, receipt: 10)) == .noCallback)
        #expect(CloseRule.blocker(facts(.open, callback: 1)) == nil)
    }

    @Test func everyBlockerHasAChineseReason() {
        for b in [CloseBlocker.alreadyClosed, .openSupervisionOrders(1), .noCallback, .callbackBeforeReceipt, .callbackBeforeResolution] {
            #expect(!b.reason.isEmpty && b.reason.unicodeScalars.contains { $0.value >= 0x4E00 })
        }
    }
}

@Suite("Order visibility")
struct OrderVisibilityTests {
    let tech = UUID(), finance = UUID()

    @Test func rolesGetTheirScope() {
        #expect(OrderVisibility.of(role: .agent, departmentID: nil) == .all)
        #expect(OrderVisibility.of(role: .admin, departmentID: nil) == .all)
        #expect(OrderVisibility.of(role: .liaison, departmentID: tech) == .department(tech))
        #expect(OrderVisibility.of(role: .liaison, departmentID: nil) == OrderVisibility.none)
        for role in [Role.planner, .knowledgeEditor, .qcInspector] {
            #expect(OrderVisibility.of(role: role, departmentID: tech) == OrderVisibility.none)
            #expect(!Permission.workOrderRead.isGranted(to: role))
        }
    }

    @Test func aDepartmentSeesItsOrdersUntilTheyClose() {
        let v = OrderVisibility.department(tech)
        #expect(v.includes(status: .transferred, supervisedBy: [tech, finance]))
        #expect(v.includes(status: .open, supervisedBy: [tech]))
        #expect(!v.includes(status: .closed, supervisedBy: [tech]))
        #expect(!v.includes(status: .open, supervisedBy: [finance]))
        #expect(!v.includes(status: .open, supervisedBy: []))
        #expect(v.includesSupervision(to: tech) && !v.includesSupervision(to: finance))
        #expect(!v.showsTimelineEvent(kind: "receipt") && !v.showsTimelineEvent(kind: "transferred") && !v.showsTimelineEvent(kind: "callback"))
        #expect(v.showsTimelineEvent(kind: "created") && !v.showsCallbacks)
        #expect(OrderVisibility.all.includes(status: .closed, supervisedBy: []))
        #expect(!OrderVisibility.none.includes(status: .open, supervisedBy: [tech]))
    }
}
