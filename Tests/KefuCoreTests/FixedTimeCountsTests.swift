import Foundation
import Testing
@testable import KefuCore

@Suite struct FixedTimeCountsCoreTests {
    @Test func timesAreParsedAndDueOnce() {
        #expect((try? FixedTimeCounts.parse("17:00, 10:00,14:00、10:00").get()) == [600, 840, 1020])
        for bad in ["", "9:7", "24:00", "10:60", "ten"] { #expect((try? FixedTimeCounts.parse(bad).get()) == nil, "\(bad)") }
        let tz = TimeZone(identifier: "Asia/Shanghai") ?? .current
        let day = LocalDay(year: 2026, month: 12, day: 5)
        let at = day.start(in: tz).addingTimeInterval(14 * 3600)
        #expect(FixedTimeCounts.due(times: [600, 840, 1020], day: day, now: at, timeZone: tz, kept: [600]) == [840])
    }
}
