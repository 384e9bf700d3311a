import Foundation
import Testing
@testable import KefuCore

/// Shared fixtures for the SLA tests, namespaced so they cannot clash with other test files.
enum Shanghai {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static let hour = 3600

    /// An instant from explicit Shanghai wall-clock components.
    static func date(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day,
                                                  hour: hour, minute: minute, second: second))!
    }

    /// 9:00–18:00 Mon–Fri; National Day week 2026-10-01..07 off, Sat 2026-10-10 worked (调休).
    static func nationalDayCalendar() -> ServiceCalendar {
        ServiceCalendar(kind: .workingDays, timeZone: zone,
                        holidays: Set((1...7).map { LocalDay(year: 2026, month: 10, day: $0) }),
                        makeupWorkdays: [LocalDay(year: 2026, month: 10, day: 10)])
    }
}

private let shanghai = Shanghai.zone
private let hour = Shanghai.hour
private func shanghaiDate(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Date {
    Shanghai.date(y, mo, d, h, mi, s)
}
private func nationalDayCalendar() -> ServiceCalendar { Shanghai.nationalDayCalendar() }

@Suite struct LocalDayTests {
    @Test func parsesGoodStrings() throws {
        let day = try #require(LocalDay("2026-10-01"))
        #expect(day == LocalDay(year: 2026, month: 10, day: 1))
        #expect(day.description == "2026-10-01")
        #expect(LocalDay("2024-02-29") == LocalDay(year: 2024, month: 2, day: 29))
        #expect(LocalDay("2000-02-29") != nil)
    }

    @Test(arguments: ["2026-02-30", "2025-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                      "2026-1-01", "2026/10/01", "2026-10-01T00", " 2026-10-01", "", "abcd-ef-gh", "2026-10-00"])
    func rejectsBadStrings(_ text: String) {
        #expect(LocalDay(text) == nil)
    }

    @Test func componentsNormalizeAndArithmeticCrossesBoundaries() {
        #expect(LocalDay(year: 2026, month: 2, day: 30) == LocalDay(year: 2026, month: 3, day: 2))
        #expect(LocalDay(year: 2026, month: 13, day: 1) == LocalDay(year: 2027, month: 1, day: 1))
        let day = LocalDay(year: 2026, month: 12, day: 31)
        #expect(day.adding(days: 1).description == "2027-01-01")
        #expect(day.adding(days: -365).description == "2025-12-31")
        #expect(LocalDay(year: 2024, month: 2, day: 28).adding(days: 1).description == "2024-02-29")
        #expect(LocalDay(year: 1969, month: 12, day: 31).adding(days: 1).description == "1970-01-01")
        #expect(LocalDay(year: 2026, month: 10, day: 1) < LocalDay(year: 2026, month: 10, day: 2))
        #expect(LocalDay(year: 2025, month: 12, day: 31) < LocalDay(year: 2026, month: 1, day: 1))
    }

    @Test func weekdayIsISO() {
        #expect(LocalDay(year: 2026, month: 10, day: 1).weekday() == 4)   // Thursday
        #expect(LocalDay(year: 2026, month: 10, day: 5).weekday() == 1)   // Monday
        #expect(LocalDay(year: 2026, month: 10, day: 10).weekday() == 6)  // Saturday
        #expect(LocalDay(year: 2026, month: 10, day: 11).weekday() == 7)  // Sunday
        #expect(LocalDay(year: 1970, month: 1, day: 1).weekday() == 4)
        #expect(LocalDay(year: 1969, month: 12, day: 29).weekday() == 1)
    }

    @Test func convertsToAndFromInstants() {
        // 2026-10-01 00:30 Shanghai is still 2026-09-30 in UTC.
        let instant = shanghaiDate(2026, 10, 1, 0, 30)
        #expect(LocalDay(instant, in: shanghai).description == "2026-10-01")
        #expect(LocalDay(instant, in: TimeZone(identifier: "UTC")!).description == "2026-09-30")
        #expect(LocalDay(year: 2026, month: 10, day: 1).start(in: shanghai) == shanghaiDate(2026, 10, 1))
        #expect(LocalDay(shanghaiDate(2026, 10, 1, 23, 59, 59), in: shanghai).description == "2026-10-01")
    }

    @Test func codableAsPlainString() throws {
        let data = try JSONEncoder().encode([LocalDay(year: 2026, month: 10, day: 1)])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-10-01"]"#)
        #expect(try JSONDecoder().decode([LocalDay].self, from: data) == [LocalDay(year: 2026, month: 10, day: 1)])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalDay].self, from: Data(#"["2026-02-30"]"#.utf8)) }
    }
}

@Suite struct ServiceCalendarTests {
    let work = ServiceCalendar(kind: .workingDays, timeZone: shanghai)

    @Test func allDayCountsEverySecond() {
        let calendar = ServiceCalendar.allDay(timeZone: shanghai)
        let start = shanghaiDate(2026, 10, 2, 23, 15)
        #expect(calendar.adding(seconds: 48 * hour, to: start) == shanghaiDate(2026, 10, 4, 23, 15))
        #expect(calendar.countedSeconds(from: start, to: shanghaiDate(2026, 10, 4, 23, 15)) == 48 * hour)
        #expect(calendar.countedSeconds(from: start, to: start.addingTimeInterval(-5)) == 0)
        #expect(calendar.isWorkingDay(LocalDay(year: 2026, month: 10, day: 4)))
    }

    @Test func workingDayRules() {
        let calendar = nationalDayCalendar()
        #expect(calendar.isWorkingDay(LocalDay(year: 2026, month: 9, day: 30)))    // Wed
        #expect(!calendar.isWorkingDay(LocalDay(year: 2026, month: 10, day: 1)))   // holiday
        #expect(!calendar.isWorkingDay(LocalDay(year: 2026, month: 10, day: 3)))   // Sat in holiday
        #expect(calendar.isWorkingDay(LocalDay(year: 2026, month: 10, day: 8)))    // Thu
        #expect(calendar.isWorkingDay(LocalDay(year: 2026, month: 10, day: 10)))   // makeup Sat
        #expect(!calendar.isWorkingDay(LocalDay(year: 2026, month: 10, day: 11)))  // Sun
    }

    @Test func startInsideHours() {
        let start = shanghaiDate(2026, 9, 14, 10, 30)  // Monday
        #expect(work.adding(seconds: 0, to: start) == start)
        #expect(work.adding(seconds: 2 * hour, to: start) == shanghaiDate(2026, 9, 14, 12, 30))
        #expect(work.adding(seconds: 8 * hour, to: start) == shanghaiDate(2026, 9, 15, 9, 30))
        #expect(work.adding(seconds: 7 * hour + 1800, to: start) == shanghaiDate(2026, 9, 14, 18))  // exact fit ends at closing
    }

    @Test func startBeforeOpeningAndAfterClosing() {
        #expect(work.adding(seconds: 0, to: shanghaiDate(2026, 9, 14, 7)) == shanghaiDate(2026, 9, 14, 9))
        #expect(work.adding(seconds: hour, to: shanghaiDate(2026, 9, 14, 7)) == shanghaiDate(2026, 9, 14, 10))
        #expect(work.adding(seconds: 0, to: shanghaiDate(2026, 9, 14, 18)) == shanghaiDate(2026, 9, 15, 9))
        #expect(work.adding(seconds: hour, to: shanghaiDate(2026, 9, 14, 20)) == shanghaiDate(2026, 9, 15, 10))
        #expect(work.countedSeconds(from: shanghaiDate(2026, 9, 14, 7), to: shanghaiDate(2026, 9, 14, 20)) == 9 * hour)
    }

    @Test func fridayEveningRollsToMonday() {
        #expect(work.adding(seconds: hour, to: shanghaiDate(2026, 9, 18, 19)) == shanghaiDate(2026, 9, 21, 10))
        #expect(work.adding(seconds: 2 * hour, to: shanghaiDate(2026, 9, 18, 17)) == shanghaiDate(2026, 9, 21, 10))
        #expect(work.countedSeconds(from: shanghaiDate(2026, 9, 18, 17), to: shanghaiDate(2026, 9, 21, 10)) == 2 * hour)
    }

    @Test func holidayWeekAndMakeupSaturday() {
        let calendar = nationalDayCalendar()
        // Wed 30 Sep 17:00 + 2h: 1h on the 30th, then Oct 1–7 off → Thu Oct 8 10:00.
        #expect(calendar.adding(seconds: 2 * hour, to: shanghaiDate(2026, 9, 30, 17)) == shanghaiDate(2026, 10, 8, 10))
        // Fri Oct 9 17:00 + 2h: makeup Saturday Oct 10 is worked.
        #expect(calendar.adding(seconds: 2 * hour, to: shanghaiDate(2026, 10, 9, 17)) == shanghaiDate(2026, 10, 10, 10))
        // Started during the holiday: counting begins at the first opening after it.
        #expect(calendar.adding(seconds: 0, to: shanghaiDate(2026, 10, 3, 12)) == shanghaiDate(2026, 10, 8, 9))
        #expect(calendar.countedSeconds(from: shanghaiDate(2026, 9, 28), to: shanghaiDate(2026, 10, 12)) == 6 * 9 * hour)  // Sep 28–30, Oct 8–10
    }

    @Test func fortyEightHourTargetAcrossWeekend() {
        let calendar = ServiceCalendar(kind: .workingDays, timeZone: shanghai, workdayStartMinute: 0, workdayEndMinute: 24 * 60)
        let start = shanghaiDate(2026, 9, 18, 15)  // Friday 15:00
        #expect(calendar.adding(seconds: 48 * hour, to: start) == shanghaiDate(2026, 9, 22, 15))
        #expect(ServiceCalendar.allDay(timeZone: shanghai).adding(seconds: 48 * hour, to: start) == shanghaiDate(2026, 9, 20, 15))
        // 48 working hours at 9 h/day: Fri 3h, then 5 days × 9h = 45h → next Friday 18:00.
        #expect(work.adding(seconds: 48 * hour, to: start) == shanghaiDate(2026, 9, 25, 18))
    }

    /// Counts working hours one hour at a time: slow but obviously right.
    func bruteForceHours(_ calendar: ServiceCalendar, from: Date, hours: Int) -> Int {
        (0..<hours).reduce(0) { total, index in
            let instant = from.addingTimeInterval(Double(index * hour))
            let day = LocalDay(instant, in: shanghai)
            let minute = Int(instant.timeIntervalSince(day.start(in: shanghai))) / 60
            let open = calendar.isWorkingDay(day) && minute >= calendar.workdayStartMinute && minute < calendar.workdayEndMinute
            return total + (open ? hour : 0)
        }
    }

    @Test func longSpansAreFastAndExact() {
        let calendar = nationalDayCalendar()
        let start = shanghaiDate(2026, 1, 5, 9)
        let end = shanghaiDate(2028, 1, 5, 9)
        let expected = bruteForceHours(calendar, from: start, hours: Int(end.timeIntervalSince(start)) / hour)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(calendar.countedSeconds(from: start, to: end) == expected)
            #expect(calendar.adding(seconds: expected, to: start) == shanghaiDate(2028, 1, 4, 18))
            #expect(calendar.adding(seconds: expected + 1, to: start) == shanghaiDate(2028, 1, 5, 9, 0, 1))
        }
        #expect(elapsed < .milliseconds(200))  // generous: debug build on a busy machine
        // Ten years finishes at once and round-trips.
        let tenYears = 10 * 52 * 5 * 9 * hour + 1234
        let tenYearsLater = calendar.adding(seconds: tenYears, to: start)
        #expect(calendar.countedSeconds(from: start, to: tenYearsLater) == tenYears)
    }

    @Test(arguments: [ServiceCalendar.Kind.workingDays, .allDay])
    func addingAndCountingAreInverse(_ kind: ServiceCalendar.Kind) {
        var calendar = nationalDayCalendar()
        calendar.kind = kind
        let spans = [0, 1, 59, hour, 9 * hour - 1, 9 * hour, 9 * hour + 1, 48 * hour, 200 * hour + 17, 5000 * hour]
        // Every 2 h 13 min across two weeks around the holiday: inside, before, after hours, weekends.
        for step in 0..<160 {
            let start = shanghaiDate(2026, 9, 26).addingTimeInterval(Double(step * 133 * 60))
            for span in spans {
                let end = calendar.adding(seconds: span, to: start)
                #expect(end >= start)
                #expect(calendar.countedSeconds(from: start, to: end) == span, "start \(start) span \(span)")
            }
        }
    }
}
