import Foundation
import Testing
@testable import KefuCore

@Suite struct EscalationPolicyTests {
    let hour = Shanghai.hour
    let policy = EscalationPolicy.standard

    /// 10 working hours from Monday 2026-09-14 09:00 (no holidays that week).
    func timer() -> SLATimer {
        SLATimer(start: Shanghai.date(2026, 9, 14, 9), targetSeconds: 10 * hour,
                 calendar: ServiceCalendar(kind: .workingDays, timeZone: Shanghai.zone))
    }

    @Test func standardLadder() {
        #expect(policy.steps.map(\.level) == [1, 2, 3])
        #expect(policy.steps.map(\.percent) == [80, 100, 150])
        #expect(policy.steps.map(\.notifyRole) == ["owner", "shift_lead", "team_lead"])
    }

    @Test func nextStepWalksTheLadder() {
        #expect(policy.nextStep(after: 0)?.level == 1)
        #expect(policy.nextStep(after: 1)?.notifyRole == "shift_lead")
        #expect(policy.nextStep(after: 2)?.percent == 150)
        #expect(policy.nextStep(after: 3) == nil)
        #expect(policy.nextStep(after: 9) == nil)
        #expect(EscalationPolicy(steps: []).nextStep(after: 0) == nil)
    }

    @Test func nextDueAtFollowsTheTimer() {
        let timer = timer()
        #expect(policy.nextDueAt(after: 0, timer: timer) == Shanghai.date(2026, 9, 14, 17))      // 8 h
        #expect(policy.nextDueAt(after: 1, timer: timer) == Shanghai.date(2026, 9, 15, 10))      // 10 h
        #expect(policy.nextDueAt(after: 2, timer: timer) == Shanghai.date(2026, 9, 15, 15))      // 15 h
        #expect(policy.nextDueAt(after: 3, timer: timer) == nil)
        var paused = timer
        paused.pause(at: Shanghai.date(2026, 9, 14, 10))
        #expect(policy.nextDueAt(after: 0, timer: paused) == nil)
    }

    @Test func dueStepsFireOnceEach() {
        let timer = timer()
        #expect(policy.dueSteps(after: 0, timer: timer, now: Shanghai.date(2026, 9, 14, 16, 59, 59)).isEmpty)
        let first = policy.dueSteps(after: 0, timer: timer, now: Shanghai.date(2026, 9, 14, 17))
        #expect(first.map(\.level) == [1])
        // Once level 1 is recorded, it is not returned again.
        #expect(policy.dueSteps(after: 1, timer: timer, now: Shanghai.date(2026, 9, 14, 17, 30)).isEmpty)
        #expect(policy.dueSteps(after: 1, timer: timer, now: Shanghai.date(2026, 9, 15, 10)).map(\.level) == [2])
    }

    @Test func sweepCatchesUpAfterDowntime() {
        let timer = timer()
        let late = Shanghai.date(2026, 9, 16, 12)
        let due = policy.dueSteps(after: 0, timer: timer, now: late)
        #expect(due.map(\.level) == [1, 2, 3])
        #expect(due.map(\.notifyRole) == ["owner", "shift_lead", "team_lead"])
        #expect(policy.dueSteps(after: 2, timer: timer, now: late).map(\.level) == [3])
        #expect(policy.dueSteps(after: 3, timer: timer, now: late).isEmpty)
        #expect(policy.nextDueAt(after: 3, timer: timer) == nil)
    }

    @Test func nothingFallsDueWhilePausedAndPauseDelaysSteps() {
        var timer = timer()
        timer.pause(at: Shanghai.date(2026, 9, 14, 12))
        #expect(policy.dueSteps(after: 0, timer: timer, now: Shanghai.date(2026, 9, 20)).isEmpty)
        timer.resume(at: Shanghai.date(2026, 9, 15, 12))  // 9 counted hours paused
        #expect(policy.nextDueAt(after: 0, timer: timer) == Shanghai.date(2026, 9, 15, 17))
        #expect(policy.dueSteps(after: 0, timer: timer, now: Shanghai.date(2026, 9, 15, 16)).isEmpty)
        #expect(policy.dueSteps(after: 0, timer: timer, now: Shanghai.date(2026, 9, 15, 17)).map(\.level) == [1])
    }

    @Test func stepsAreSortedByLevelAndCodable() throws {
        let shuffled = EscalationPolicy(steps: [
            EscalationStep(level: 3, percent: 150, notifyRole: "team_lead"),
            EscalationStep(level: 1, percent: 80, notifyRole: "owner"),
            EscalationStep(level: 2, percent: 100, notifyRole: "shift_lead"),
        ])
        #expect(shuffled == policy)
        let json = #"{"steps":[{"level":2,"percent":120,"notifyRole":"shift_lead"},{"level":1,"percent":50,"notifyRole":"owner"}]}"#
        let decoded = try JSONDecoder().decode(EscalationPolicy.self, from: Data(json.utf8))
        #expect(decoded.steps.map(\.level) == [1, 2])
        let roundTrip = try JSONDecoder().decode(EscalationPolicy.self, from: JSONEncoder().encode(policy))
        #expect(roundTrip == policy)
    }
}
