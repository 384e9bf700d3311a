import Foundation
import Testing
@testable import KefuCore

@Suite struct OrderFactsTests {
    static let tz = TimeZone(identifier: "Asia/Shanghai") ?? .current
    static let t0 = LocalDay(year: 2026, month: 12, day: 1).start(in: tz).addingTimeInterval(23.5 * 3600)

    func source(status: String = "closed", responded: TimeInterval? = 60, resolved: TimeInterval? = 3600, escalation: Int = 0,
                supervision: [(department: UUID, escalated: Bool)] = [], reopens: Int = 0,
                callbacks: [(reached: Bool, satisfaction: Int?)] = []) -> OrderFacts.Source {
        OrderFacts.Source(createdAt: Self.t0, type: "complaint", channel: "phone", priority: "normal", status: status,
                          firstResponseDueAt: Self.t0.addingTimeInterval(600), firstRespondedAt: responded.map { Self.t0.addingTimeInterval($0) },
                          resolutionDueAt: Self.t0.addingTimeInterval(86_400), resolvedAt: resolved.map { Self.t0.addingTimeInterval($0) },
                          closedAt: status == "closed" ? Self.t0.addingTimeInterval(7200) : nil, escalationLevel: escalation, duplicateOf: nil,
                          supervision: supervision, reopenCount: reopens, callbacks: callbacks)
    }

    @Test func theDayIsTheCentersCalendarDay() {
        // 23:30 in Shanghai on the 1st is still the 1st, though it is the 1st 15:30 UTC.
        #expect(OrderFacts(source(), timeZone: Self.tz).day == LocalDay(year: 2026, month: 12, day: 1))
    }

    @Test func firstContactResolutionSLAAndSatisfaction() {
        let plain = OrderFacts(source(callbacks: [(true, 4), (false, nil)]), timeZone: Self.tz)
        #expect(plain.closed && plain.firstContactResolved && plain.slaMet && !plain.slaBreached && plain.satisfaction == 4)
        let dept = UUID()
        let handed = OrderFacts(source(supervision: [(dept, false), (UUID(), true)]), timeZone: Self.tz)
        #expect(!handed.firstContactResolved && handed.department == dept && handed.escalated && !handed.slaBreached)
        let late = OrderFacts(source(responded: 900), timeZone: Self.tz)
        #expect(late.slaBreached && !late.slaMet)
        let escalatedOpen = OrderFacts(source(status: "open", resolved: nil, escalation: 1), timeZone: Self.tz)
        #expect(escalatedOpen.slaBreached && escalatedOpen.escalated && !escalatedOpen.slaMet && !escalatedOpen.closed)
        let openInTime = OrderFacts(source(status: "open", resolved: nil), timeZone: Self.tz)
        #expect(!openInTime.slaMet && !openInTime.slaBreached)
        let reopened = OrderFacts(source(reopens: 1, callbacks: [(true, 9)]), timeZone: Self.tz)
        #expect(reopened.reopened && !reopened.firstContactResolved && reopened.satisfaction == nil)
    }

    @Test func totalsAddUpAndRatesHaveTheirBase() {
        let a = OrderTotals(OrderFacts(source(callbacks: [(true, 5)]), timeZone: Self.tz))
        let b = OrderTotals(OrderFacts(source(status: "open", resolved: nil, escalation: 1), timeZone: Self.tz))
        let t = a + b
        #expect(t.count == 2 && t.closed == 1 && t.firstContactRate == 1 && t.slaRate == 0.5 && t.averageSatisfaction == 5 && t.sampled == 1)
        #expect(OrderTotals().slaRate == nil && OrderTotals().averageSatisfaction == nil && OrderTotals().reopenRate == nil)
    }
}

@Suite struct ReportPeriodTests {
    let day = LocalDay(year: 2026, month: 12, day: 9)   // a Wednesday

    @Test func periodsAndTheOneBefore() {
        func r(_ p: ReportPeriod) -> String { let x = p.range(containing: day); return "\(x.lowerBound)…\(x.upperBound)" }
        #expect(r(.week) == "2026-12-07…2026-12-13" && r(.month) == "2026-12-01…2026-12-31" && r(.quarter) == "2026-10-01…2026-12-31")
        #expect(r(.halfYear) == "2026-07-01…2026-12-31" && r(.year) == "2026-01-01…2026-12-31")
        let before = ReportPeriod.month.previous(before: LocalDay(year: 2026, month: 3, day: 31))
        #expect(before.lowerBound.description == "2026-02-01" && before.upperBound.description == "2026-02-28")
        #expect(ReportPeriod.week.previous(before: day).lowerBound.description == "2026-11-30")
        let custom = LocalDay(year: 2026, month: 12, day: 1)...LocalDay(year: 2026, month: 12, day: 10)
        let preceding = ReportPeriod.preceding(custom)
        #expect(preceding.lowerBound.description == "2026-11-21" && preceding.upperBound.description == "2026-11-30" && custom.days.count == 10)
    }

    @Test func aRangeIsCheckedAsTyped() {
        #expect((try? ReportPeriod.parse(from: "2026-12-01", to: "2026-12-31").get())?.upperBound.description == "2026-12-31")
        for (f, t) in [("2026-12-31", "2026-12-01"), ("2026-13-01", "2026-12-31"), (nil, "2026-12-31"), ("2025-01-01", "2026-12-31"), ("1999-12-31", "2000-01-02")] {
            #expect((try? ReportPeriod.parse(from: f, to: t).get()) == nil, "\(String(describing: f)) \(t)")
        }
    }
}
