import Foundation
import Testing
import KefuCore

@Suite struct RetentionRuleTests {
    @Test func theCutoffIsMonthsBeforeTodaysStart() throws {
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let now = try #require(ISO8601DateFormatter().date(from: "2026-12-07T09:30:00+08:00"))
        let cutoff = RetentionRule(months: 36).cutoff(now: now, timeZone: zone)
        #expect(LocalDay(cutoff, in: zone).description == "2023-12-07")
        #expect(RetentionRule(months: 11).problem != nil)
        #expect(RetentionRule(months: 361).problem != nil)
        #expect(RetentionRule.seedDefault.problem == nil)
    }
}
