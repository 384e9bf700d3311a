import Foundation
import Testing
@testable import KefuCore

@Suite struct SLATimerTests {
    let hour = Shanghai.hour
    let work = Shanghai.nationalDayCalendar()
    let allDay = ServiceCalendar.allDay(timeZone: Shanghai.zone)

    @Test func dueAtUsesCalendarAndPercent() {
        let timer = SLATimer(start: Shanghai.date(2026, 9, 28, 9), targetSeconds: 10 * hour, calendar: work)
        #expect(timer.dueAt() == Shanghai.date(2026, 9, 29, 10))
        #expect(timer.dueAt(percent: 80) == Shanghai.date(2026, 9, 28, 17))
        #expect(timer.dueAt(percent: 150) == Shanghai.date(2026, 9, 29, 15))
        #expect(timer.dueAt(percent: 0) == Shanghai.date(2026, 9, 28, 9))
        let round = SLATimer(start: Shanghai.date(2026, 10, 1, 20), targetSeconds: 48 * hour, calendar: allDay)
        #expect(round.dueAt() == Shanghai.date(2026, 10, 3, 20))
    }

    @Test func pausedTimerHasNoDueDate() {
        var timer = SLATimer(start: Shanghai.date(2026, 9, 28, 9), targetSeconds: 4 * hour, calendar: work)
        timer.pause(at: Shanghai.date(2026, 9, 28, 10))
        #expect(timer.isPaused)
        #expect(timer.dueAt() == nil)
        #expect(timer.dueAt(percent: 80) == nil)
    }

    @Test(arguments: [(10, 14), (17, 9), (17, 10 + 7 * 24), (12, 12)])
    func pauseAndResumeShiftDueByPausedCountedTime(pauseHour: Int, resumeAfterHours: Int) {
        // Working-day calendar across the National Day week, and round the clock.
        for calendar in [work, allDay] {
            var timer = SLATimer(start: Shanghai.date(2026, 9, 28, 9), targetSeconds: 20 * hour, calendar: calendar)
            let before = timer.dueAt()!
            let pausedAt = Shanghai.date(2026, 9, 29, pauseHour)
            let resumedAt = pausedAt.addingTimeInterval(Double(resumeAfterHours * hour))
            timer.pause(at: pausedAt)
            timer.resume(at: resumedAt)
            let paused = calendar.countedSeconds(from: pausedAt, to: resumedAt)
            #expect(timer.pausedSeconds == paused)
            #expect(!timer.isPaused)
            let after = timer.dueAt()!
            #expect(calendar.countedSeconds(from: before, to: after) == paused)
            #expect(calendar.countedSeconds(from: timer.start, to: after) == 20 * hour + paused)
        }
    }

    @Test func pauseOverHolidayCostsNothing() {
        var timer = SLATimer(start: Shanghai.date(2026, 9, 28, 9), targetSeconds: 30 * hour, calendar: work)
        let before = timer.dueAt()
        timer.pause(at: Shanghai.date(2026, 9, 30, 18))
        timer.resume(at: Shanghai.date(2026, 10, 8, 9))
        #expect(timer.pausedSeconds == 0)
        #expect(timer.dueAt() == before)
    }

    @Test func repeatedPauseAndResumeAreNoOps() {
        var timer = SLATimer(start: Shanghai.date(2026, 9, 14), targetSeconds: 24 * hour, calendar: allDay)
        timer.resume(at: Shanghai.date(2026, 9, 14, 1))
        #expect(timer.pausedSeconds == 0)
        timer.pause(at: Shanghai.date(2026, 9, 14, 2))
        timer.pause(at: Shanghai.date(2026, 9, 14, 5))
        #expect(timer.pausedSince == Shanghai.date(2026, 9, 14, 2))
        timer.resume(at: Shanghai.date(2026, 9, 14, 3))
        timer.resume(at: Shanghai.date(2026, 9, 14, 9))
        #expect(timer.pausedSeconds == hour)
        timer.pause(at: Shanghai.date(2026, 9, 14, 10))
        timer.resume(at: Shanghai.date(2026, 9, 14, 12))
        #expect(timer.pausedSeconds == 3 * hour)
        #expect(timer.dueAt() == Shanghai.date(2026, 9, 15, 3))
    }

    @Test func elapsedExcludesClosedAndRunningPauses() {
        var timer = SLATimer(start: Shanghai.date(2026, 9, 14, 9), targetSeconds: 9 * hour,
                             calendar: ServiceCalendar(kind: .workingDays, timeZone: Shanghai.zone))
        #expect(timer.elapsedSeconds(at: Shanghai.date(2026, 9, 14, 8)) == 0)
        #expect(timer.elapsedSeconds(at: Shanghai.date(2026, 9, 14, 12)) == 3 * hour)
        timer.pause(at: Shanghai.date(2026, 9, 14, 12))
        #expect(timer.elapsedSeconds(at: Shanghai.date(2026, 9, 14, 15)) == 3 * hour)  // running pause
        timer.resume(at: Shanghai.date(2026, 9, 14, 15))
        #expect(timer.elapsedSeconds(at: Shanghai.date(2026, 9, 14, 16)) == 4 * hour)
        #expect(timer.elapsedSeconds(at: Shanghai.date(2026, 9, 15, 9)) == 6 * hour)  // night not counted
        #expect(timer.fractionUsed(at: Shanghai.date(2026, 9, 14, 16)) == 4.0 / 9.0)
        #expect(timer.fractionUsed(at: Shanghai.date(2026, 9, 16, 9)) > 1.0)
    }

    @Test func zeroTargetIsUsedUpOnceStarted() {
        let start = Shanghai.date(2026, 9, 14, 9)
        let timer = SLATimer(start: start, targetSeconds: 0, calendar: allDay)
        #expect(timer.fractionUsed(at: start.addingTimeInterval(-1)) == 0)
        #expect(timer.fractionUsed(at: start) == 1.0)
        #expect(timer.dueAt() == start)
    }

    @Test func dueAtMatchesElapsed() {
        // At the due instant exactly the target has elapsed, and not a second before.
        var timer = SLATimer(start: Shanghai.date(2026, 9, 29, 16, 20), targetSeconds: 13 * hour + 7, calendar: work)
        timer.pause(at: Shanghai.date(2026, 9, 30, 10))
        timer.resume(at: Shanghai.date(2026, 10, 8, 11))
        let due = timer.dueAt()!
        #expect(timer.elapsedSeconds(at: due) == 13 * hour + 7)
        #expect(timer.elapsedSeconds(at: due.addingTimeInterval(-1)) == 13 * hour + 6)
    }
}
