import Foundation
import Testing
@testable import KefuCore

@Suite("Workforce holidays")
struct WorkforceHolidaysTests {
    private func day(_ text: String) -> LocalDay { LocalDay(text)! }

    @Test func springFestivalFollowsTheLunarCalendar() {
        #expect(WorkforceHolidays.springFestival(in: 2026) == day("2026-02-17"))
        #expect(WorkforceHolidays.springFestival(in: 2027) == day("2027-02-06"))
        #expect(WorkforceHolidays.springFestival(in: 2025) == day("2025-01-29"))
        let holidays = WorkforceHolidays()
        #expect(holidays.holiday(on: day("2026-02-16")) == nil)
        #expect(holidays.holiday(on: day("2026-02-17")) == "春节")
        #expect(holidays.holiday(on: day("2026-02-23")) == "春节")
        #expect(holidays.holiday(on: day("2026-02-24")) == nil)
        #expect(holidays.holiday(on: day("2027-02-05")) == nil)
        #expect(holidays.holiday(on: day("2027-02-06")) == "春节")
        #expect(holidays.holiday(on: day("2027-02-12")) == "春节")
    }

    @Test func fixedHolidays() {
        let holidays = WorkforceHolidays()
        #expect(holidays.holiday(on: day("2026-01-01")) == "元旦")
        #expect(holidays.holiday(on: day("2026-05-01")) == "劳动节")
        #expect(holidays.holiday(on: day("2026-05-05")) == "劳动节")
        #expect(holidays.holiday(on: day("2026-05-06")) == nil)
        #expect(holidays.holiday(on: day("2026-05-17")) == "电信日")
        #expect(holidays.holiday(on: day("2026-10-01")) == "国庆节")
        #expect(holidays.holiday(on: day("2026-10-07")) == "国庆节")
        #expect(holidays.holiday(on: day("2026-10-08")) == nil)
        #expect(holidays.holiday(on: day("2026-03-15")) == nil)
    }

    @Test func adminDaysOverrideAndExtend() {
        let holidays = WorkforceHolidays(extraDays: [day("2026-10-08"): "国庆节", day("2026-05-01"): "五一促销"])
        #expect(holidays.holiday(on: day("2026-10-08")) == "国庆节")
        #expect(holidays.holiday(on: day("2026-05-01")) == "五一促销")
        #expect(holidays.holiday(on: day("2026-05-02")) == "劳动节")
    }

    @Test func codableUsesDateKeys() throws {
        let holidays = WorkforceHolidays(extraDays: [day("2026-10-08"): "国庆节"])
        let data = try JSONEncoder().encode(holidays)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"2026-10-08\""))
        #expect(try JSONDecoder().decode(WorkforceHolidays.self, from: data) == holidays)
        let empty = try JSONDecoder().decode(WorkforceHolidays.self, from: Data("{}".utf8))
        #expect(empty.extraDays.isEmpty)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(WorkforceHolidays.self, from: Data(#"{"extraDays":{"2026-02-30":"x"}}"#.utf8))
        }
    }
}
