import Foundation

/// What the month roster must staff: agents per day and shift template (the
/// shift scheduler's answer) plus the holidays that get standby seats.
public struct RosterDemand: Codable, Equatable, Sendable {
    /// The month, consecutive days in order.
    public var days: [LocalDay]
    /// [day][template index] agents needed.
    public var required: [[Int]]
    /// Holiday → its name ("国庆节"); encoded as an object with "YYYY-MM-DD" keys.
    public var holidays: [LocalDay: String]

    public init(days: [LocalDay], required: [[Int]], holidays: [LocalDay: String] = [:]) {
        self.days = days
        self.required = required
        self.holidays = holidays
    }

    /// All days of a calendar month, for building `days`.
    public static func days(year: Int, month: Int) -> [LocalDay] {
        let first = LocalDay(year: year, month: month, day: 1)
        return (0..<LocalDay.daysInMonth(year: first.year, month: first.month)).map { first.adding(days: $0) }
    }

    /// The festival days (fixed, lunar and admin periods) that fall in `days`,
    /// so holidays need not be typed in by hand every month.
    public static func holidays(in days: [LocalDay], calendar: FestivalCalendar = FestivalCalendar()) -> [LocalDay: String] {
        let wanted = Set(days)
        var out: [LocalDay: String] = [:]
        for year in Set(days.map(\.year)) {
            for festival in calendar.festivals(in: year) where wanted.contains(festival.day) {
                out[festival.day] = festival.name
            }
        }
        return out
    }

    /// Refuses a demand the builder cannot read day by day.
    public func validate(templateCount: Int) throws {
        func fail(_ reason: String) -> WorkforceError { .invalidInput(field: "demand", reason: reason) }
        guard !days.isEmpty else { throw fail("排班日期不能为空") }
        guard days.count <= 62 else { throw fail("一次最多排 62 天") }
        for index in days.indices.dropFirst() where days[index] != days[index - 1].adding(days: 1) {
            throw fail("排班日期必须连续且按顺序排列（\(days[index]) 处中断）")
        }
        guard required.count == days.count else { throw fail("需求的天数与排班日期数不一致") }
        for (index, row) in required.enumerated() {
            guard row.count == templateCount else { throw fail("\(days[index]) 的需求列数与班次数不一致") }
            guard row.allSatisfy({ $0 >= 0 }) else { throw fail("\(days[index]) 的需求人数不能为负数") }
        }
    }

    private enum CodingKeys: String, CodingKey { case days, required, holidays }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        days = try container.decode([LocalDay].self, forKey: .days)
        required = try container.decode([[Int]].self, forKey: .required)
        let raw = try container.decodeIfPresent([String: String].self, forKey: .holidays) ?? [:]
        var parsed: [LocalDay: String] = [:]
        for (key, name) in raw {
            guard let day = LocalDay(key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .holidays, in: container, debugDescription: "Expected a date key \"YYYY-MM-DD\", got \"\(key)\"")
            }
            parsed[day] = name
        }
        holidays = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(days, forKey: .days)
        try container.encode(required, forKey: .required)
        try container.encode(Dictionary(uniqueKeysWithValues: holidays.map { ($0.key.description, $0.value) }),
                             forKey: .holidays)
    }
}
