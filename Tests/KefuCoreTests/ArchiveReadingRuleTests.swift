import Foundation
import Testing
@testable import KefuCore

@Suite struct ArchiveReadingRuleTests {
    @Test func readsExplainedByWorkAreNotFlagged() {
        let rule = ArchiveReadingRule()
        #expect(!rule.isUnusual(reads: 20, contacts: 0))   // the free reads
        #expect(!rule.isUnusual(reads: 60, contacts: 30))  // two per contact
        #expect(rule.isUnusual(reads: 61, contacts: 30))
        #expect(rule.isUnusual(reads: 21, contacts: 0))
    }

    @Test func thresholdsAreTheCentersToSet() {
        let strict = ArchiveReadingRule(freeReads: 5, readsPerContact: 1)
        #expect(strict.isUnusual(reads: 6, contacts: 5))
        #expect(!strict.isUnusual(reads: 6, contacts: 6))
        #expect(!strict.isUnusual(reads: 5, contacts: 0))
    }
}

@Suite struct PeriodBoundTests {
    let shanghai = TimeZone(secondsFromGMT: 8 * 3600)!

    @Test func daysAreLocalAndToIncludesTheWholeDay() throws {
        let from = try #require(PeriodBound.from("2026-12-06", timeZone: shanghai))
        let to = try #require(PeriodBound.to("2026-12-06", timeZone: shanghai))
        #expect(from == LocalDay(year: 2026, month: 12, day: 6).start(in: shanghai))
        #expect(to.timeIntervalSince(from) == 86_400)
    }

    @Test func instantsAreTakenAsGivenAndTheRestRefused() throws {
        let at = try #require(PeriodBound.from("2026-12-06T08:00:00+08:00", timeZone: shanghai))
        #expect(at == LocalDay(year: 2026, month: 12, day: 6).start(in: shanghai).addingTimeInterval(8 * 3600))
        #expect(PeriodBound.to("2026-12-06T08:00:00", timeZone: shanghai) == nil)
        #expect(PeriodBound.from("yesterday", timeZone: shanghai) == nil)
        #expect(PeriodBound.from("2026-13-01", timeZone: shanghai) == nil)
    }
}
