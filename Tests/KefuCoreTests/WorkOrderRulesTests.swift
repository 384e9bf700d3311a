import Foundation
import Testing
@testable import KefuCore

@Suite("Work order rules")
struct WorkOrderRulesTests {
    @Test func closeNeedsAnsweredSupervisionAndCallback() {
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        func facts(_ s: WorkOrderStatus, _ open: Int, _ cb: Date?) -> CloseFacts {
            CloseFacts(status: s, openSupervisionOrders: open, callbackAt: cb, lastReceiptAt: nil, resolvedAt: nil)
        }
        #expect(CloseRule.blocker(facts(.open, 1, t)) == .openSupervisionOrders(1))
        #expect(CloseRule.blocker(facts(.resolved, 0, nil)) == .noCallback)
        #expect(CloseRule.blocker(facts(.closed, 0, t)) == .alreadyClosed)
        #expect(CloseRule.blocker(facts(.resolved, 0, t)) == nil)
        #expect(CloseBlocker.noCallback.code == "callback_required")
    }

    @Test func manualTransitions() {
        #expect(WorkOrderStatus.open.canChangeManually(to: .pendingCustomer))
        #expect(WorkOrderStatus.pendingCustomer.canChangeManually(to: .open))
        #expect(!WorkOrderStatus.open.canChangeManually(to: .closed))
        #expect(!WorkOrderStatus.closed.canChangeManually(to: .open))
        #expect(!WorkOrderStatus.open.canChangeManually(to: .transferred))
        #expect(WorkOrderStatus.pendingCustomer.rawValue == "pending_customer")
    }

    @Test func duplicateMasterIsTheEarliestOpenOrderInTheWindow() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let a = UUID(), b = UUID(), old = UUID(), closed = UUID()
        let rule = DuplicateRule()
        let candidates: [DuplicateRule.Candidate] = [
            .init(id: old, createdAt: now.addingTimeInterval(-73 * 3600), status: .open, duplicateOf: nil),
            .init(id: closed, createdAt: now.addingTimeInterval(-10 * 3600), status: .closed, duplicateOf: nil),
            .init(id: b, createdAt: now.addingTimeInterval(-1 * 3600), status: .open, duplicateOf: a),
            .init(id: a, createdAt: now.addingTimeInterval(-2 * 3600), status: .transferred, duplicateOf: nil),
        ]
        #expect(rule.master(among: candidates, now: now) == a)
        #expect(rule.master(among: [candidates[2]], now: now) == a)   // a duplicate points at its master
        #expect(rule.master(among: [candidates[0], candidates[1]], now: now) == nil)
        #expect(DuplicateRule(windowSeconds: 3600).master(among: candidates, now: now) == a)
    }

    @Test(arguments: ["13800138000", "+86 138 0013 8000", "0571-88886666", "95555", "400-800-1234", "１３８００１３８０００"])
    func validPhones(_ p: String) { #expect(Validation.isValidPhone(p)) }

    @Test func internationalFormsMeetTheDomesticOnes() {
        #expect(Validation.normalizePhone("+86 138 0013 8000") == "13800138000")
        #expect(Validation.normalizePhone("+86 21 5555 0000") == "02155550000")
        #expect(Validation.normalizePhone("0086 571 8888 6666") == "057188886666")
        #expect(Validation.normalizePhone("+86 400 800 1234") == "4008001234")
        #expect(Validation.normalizePhone("021-5555 0000") == "02155550000")
        #expect(Validation.normalizePhone("95555") == "95555")
    }

    @Test(arguments: ["", "12345", "12800138000", "abc", "138001380001"])
    func invalidPhones(_ p: String) { #expect(!Validation.isValidPhone(p)) }

    @Test func textLimits() {
        #expect(Validation.checkText(String(repeating: "字", count: 20_000), field: "d", label: "描述", max: 20_000) == nil)
        #expect(Validation.checkText(String(repeating: "字", count: 20_001), field: "d", label: "描述", max: 20_000)?.field == "d")
        #expect(Validation.checkText("  ", field: "s", label: "标题", max: 10)?.message == "标题不能为空")
        #expect(Validation.checkText(nil, field: "s", label: "标题", max: 10, required: false) == nil)
    }

    @Test func visitAddressMustBeComplete() {
        let partial = Address(city: "杭州市", district: "西湖区", street: "文三路")
        #expect(partial.missingForVisit().map(\.field) == ["building", "door"])
        let full = Address(city: "杭州市", district: "西湖区", street: "文三路", estate: "阳光小区", building: "3", unit: "2", floor: "5", door: "502", landmark: "地铁站")
        #expect(full.missingForVisit().isEmpty)
        #expect(full.singleLine == "杭州市西湖区文三路阳光小区3栋2单元5层502室（地铁站）")
        #expect(Address.visitNeeded(type: .fault, channel: .phone, requested: false))
        #expect(!Address.visitNeeded(type: .query, channel: .phone, requested: false))
    }

    @Test func orderNumbers() {
        #expect(OrderNumber.make(day: LocalDay(year: 2026, month: 11, day: 23), sequence: 1) == "GD20261123-0001")
        #expect(OrderNumber.make(day: LocalDay(year: 2026, month: 1, day: 2), sequence: 12345) == "GD20260102-12345")
        #expect(OrderNumber.looksLikeNumber("gd20261123-0001"))
        #expect(!OrderNumber.looksLikeNumber(UUID().uuidString))
    }

    @Test func slaDefaults() {
        let complaint = SLAPolicy.defaultPolicy(type: .complaint, priority: .normal)
        #expect(complaint.resolutionSeconds == 48 * 3600)
        #expect(complaint.calendar == .allDay)
        #expect(SLAPolicy.defaultPolicy(type: .complaint, priority: .urgent).resolutionSeconds == 12 * 3600)
        #expect(SLAPolicy.defaults.count == WorkOrderType.allCases.count * Priority.allCases.count)
        #expect(CustomerTier.vip.raise(.normal) == .high)
        #expect(CustomerTier.normal.raise(.normal) == .normal)
    }

    @Test func permissionsCoverEveryRole() {
        for role in Role.allCases { #expect(Permission.signedIn.isGranted(to: role)) }
        #expect(Permission.receiptWrite.isGranted(to: .liaison))
        #expect(!Permission.workOrderWrite.isGranted(to: .liaison))
        #expect(!Permission.adminUsers.isGranted(to: .shiftLead))
        #expect(Permission.shiftBoard.isGranted(to: .shiftLead))
        #expect(Role(rawValue: "complaint_handler") == .complaintHandler)
    }

    @Test func maskingAndClocks() {
        #expect(Masking.phone("13800138000") == "138****8000")
        let clock = OffsetClock(offsetSeconds: 0, base: { Date(timeIntervalSince1970: 0) })
        clock.advance(by: 60); clock.advance(by: -100)
        #expect(clock.now() == Date(timeIntervalSince1970: 60))
    }
}
