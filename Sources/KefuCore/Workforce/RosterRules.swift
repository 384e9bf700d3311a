import Foundation

/// The 排班原则 a month roster must respect: working-time law, physical
/// limits between shifts, and the emergency capacity kept on top of demand.
public struct RosterRules: Codable, Equatable, Sendable {
    /// Average weekly hours over the month (national rule: at most 40).
    public var maxAverageWeeklyHours: Double = 40
    /// Hours between the end of one shift and the start of the next.
    public var minRestHours: Double = 12
    public var maxConsecutiveDays: Int = 6
    public var maxNightsInARow: Int = 3
    /// Standing emergency reserve (应急备班) per ordinary day, on top of the requirement.
    public var reservePerDay: Int = 2
    /// Extra standby seats (节日应急台席) per holiday, 5...7, who can be called in for overtime.
    public var holidayStandby: Int = 5
    /// Days that count as month start (billing day, more traffic, more work);
    /// the last as many days of the month get preference for days off.
    public var monthStartDays: Int = 5

    public init(maxAverageWeeklyHours: Double = 40, minRestHours: Double = 12, maxConsecutiveDays: Int = 6,
                maxNightsInARow: Int = 3, reservePerDay: Int = 2, holidayStandby: Int = 5, monthStartDays: Int = 5) {
        self.maxAverageWeeklyHours = maxAverageWeeklyHours
        self.minRestHours = minRestHours
        self.maxConsecutiveDays = maxConsecutiveDays
        self.maxNightsInARow = maxNightsInARow
        self.reservePerDay = reservePerDay
        self.holidayStandby = holidayStandby
        self.monthStartDays = monthStartDays
    }

    /// Refuses rules that break the law or cannot be planned with.
    public func validate() throws {
        if let first = problems().first { throw WorkforceError.invalidInput(field: "rules", reason: first.message) }
    }

    /// Every rule out of range, named by its property, so a form can put each reason next to its input.
    public func problems() -> [FieldProblem] {
        var out: [FieldProblem] = []
        func fail(_ field: String, _ reason: String) { out.append(FieldProblem(field: field, message: reason)) }
        if !(maxAverageWeeklyHours.isFinite && maxAverageWeeklyHours > 0 && maxAverageWeeklyHours <= 40) {
            fail("maxAverageWeeklyHours", "平均周工时上限必须大于 0 且不超过 40 小时")
        }
        if !(minRestHours.isFinite && minRestHours >= 0 && minRestHours <= 24) {
            fail("minRestHours", "两班之间最少休息时间必须在 0 到 24 小时之间")
        }
        if !(1...13).contains(maxConsecutiveDays) { fail("maxConsecutiveDays", "最多连续上班天数必须在 1 到 13 天之间") }
        if !(1...7).contains(maxNightsInARow) { fail("maxNightsInARow", "最多连续夜班数必须在 1 到 7 之间") }
        if !(0...100).contains(reservePerDay) { fail("reservePerDay", "每日应急备班人数必须在 0 到 100 之间") }
        if !(5...7).contains(holidayStandby) { fail("holidayStandby", "节假日应急台席必须是 5 到 7 个") }
        if !(0...10).contains(monthStartDays) { fail("monthStartDays", "月初天数必须在 0 到 10 天之间") }
        return out
    }

    /// Billing-day rush: the first `monthStartDays` days of a calendar month.
    func isMonthStart(_ day: LocalDay) -> Bool {
        day.day <= monthStartDays
    }

    /// The last `monthStartDays` days of a calendar month, where those who
    /// carried the month start get their rest.
    func isMonthEnd(_ day: LocalDay) -> Bool {
        day.day > LocalDay.daysInMonth(year: day.year, month: day.month) - monthStartDays
    }
}
