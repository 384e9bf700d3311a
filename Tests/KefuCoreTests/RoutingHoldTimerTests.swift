import Foundation
import Testing
@testable import KefuCore

@Suite struct RoutingHoldTimerTests {
    let start = Date(timeIntervalSince1970: 1_789_000_000)

    @Test func promptsAtThirtyAndSixtySeconds() {
        let timer = HoldTimer(startedAt: start)
        #expect(timer.prompt(at: start + 5).level == .none)
        #expect(timer.prompt(at: start + 29.9).message == nil)
        let limit = timer.prompt(at: start + 30)
        #expect(limit.level == .limit)
        #expect(limit.message == "保持已达 30 秒，请恢复通话或征得客户同意")
        let reminder = timer.prompt(at: start + 60)
        #expect(reminder.level == .reminder)
        #expect(reminder.message == "客户已等待 1 分钟，请再次提醒客户")
        #expect(reminder.reminderCount == 1)
        #expect(HoldPromptLevel.none < .limit && HoldPromptLevel.limit < .reminder)
    }

    @Test func remindersRepeatEveryMinute() {
        let timer = HoldTimer(startedAt: start)
        #expect(timer.prompt(at: start + 119).reminderCount == 1)
        let second = timer.prompt(at: start + 120)
        #expect(second.reminderCount == 2)
        #expect(second.message == "客户已等待 2 分钟，请再次提醒客户")
        #expect(timer.nextPromptAt(after: start + 1) == start + 30)
        #expect(timer.nextPromptAt(after: start + 30) == start + 60)
        #expect(timer.nextPromptAt(after: start + 60) == start + 120)
        #expect(timer.nextPromptAt(after: start + 150) == start + 180)
        let once = HoldTimer(startedAt: start, repeatEverySeconds: nil)
        #expect(once.prompt(at: start + 300).reminderCount == 1)
        #expect(once.nextPromptAt(after: start + 61) == nil)
    }

    @Test func holdTimerFollowsTheSimulatedClock() {
        let clock = ManualClock(start)
        let timer = HoldTimer(startedAt: clock.now())
        clock.advance(by: 45)
        #expect(timer.prompt(at: clock.now()).level == .limit)
        clock.advance(by: 15)
        #expect(timer.prompt(at: clock.now()).level == .reminder)
    }

    @Test func hangingUpBeforeTheCustomerWarns() {
        #expect(HangUpGuard.warning(customerStillOnLine: true) == "请等客户先挂机：不得先于客户挂断电话")
        #expect(HangUpGuard.warning(customerStillOnLine: false) == nil)
        #expect(HangUpGuard.warning(customerStillOnLine: true, exception: .abusiveAfterWarnings) == nil)
        #expect(HangUpGuard.warning(customerStillOnLine: true, exception: .badLine) == nil)
    }
}
