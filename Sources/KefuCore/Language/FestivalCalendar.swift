import Foundation

/// Which greeting a day calls for (R2.1/R2.2).
public enum GreetingKind: String, Codable, Sendable {
    /// 您好 … 谢谢，再见
    case daily
    /// 新年好 … 祝您新年/春节愉快 (元旦, 春节)
    case newYear
    /// 节日好 … 祝您节日愉快 (五一, 端午, 中秋, 国庆)
    case festival
}

/// Decides the greeting for a local day.
///
/// Spring Festival, Dragon Boat and Mid-Autumn move with the lunar calendar,
/// so they are computed with Foundation's Chinese calendar for any year instead
/// of a table that expires; the official holiday periods (which change every
/// year by State Council notice) are admin data in `extraDays`.
public struct FestivalCalendar: Sendable {
    /// Admin-entered days (e.g. the whole 2026-10-01…10-08 period → festival);
    /// they override the computed festival days.
    public var extraDays: [LocalDay: GreetingKind]

    public init(extraDays: [LocalDay: GreetingKind] = [:]) {
        self.extraDays = extraDays
    }

    /// The lunar calendar is defined for China's time zone (UTC+8).
    private static let chinese: Calendar = {
        var calendar = Calendar(identifier: .chinese)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        return calendar
    }()

    public func greeting(on day: LocalDay) -> GreetingKind {
        if let kind = extraDays[day] { return kind }
        return Self.festival(on: day)?.kind ?? .daily
    }

    /// The festival falling on `day`, if any (fixed or lunar; not admin periods).
    static func festival(on day: LocalDay) -> (name: String, kind: GreetingKind)? {
        switch (day.month, day.day) {
        case (1, 1): return ("元旦", .newYear)
        case (5, 1): return ("劳动节", .festival)
        case (10, 1): return ("国庆节", .festival)
        default: break
        }
        // Noon in UTC+8 of that civil day.
        let date = Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 + 4 * 3600))
        let lunar = chinese.dateComponents([.month, .day], from: date)
        if lunar.isLeapMonth == true { return nil }
        switch (lunar.month, lunar.day) {
        case (1, 1): return ("春节", .newYear)
        case (5, 5): return ("端午节", .festival)
        case (8, 15): return ("中秋节", .festival)
        default: return nil
        }
    }

    /// All festival days of a Gregorian year (fixed, lunar and admin days), in date order.
    public func festivals(in year: Int) -> [(day: LocalDay, name: String, kind: GreetingKind)] {
        var out: [(day: LocalDay, name: String, kind: GreetingKind)] = []
        var day = LocalDay(year: year, month: 1, day: 1)
        while day.year == year {
            if let kind = extraDays[day] {
                if kind != .daily { out.append((day, Self.festival(on: day)?.name ?? "法定节假日", kind)) }
            } else if let festival = Self.festival(on: day) {
                out.append((day, festival.name, festival.kind))
            }
            day = day.adding(days: 1)
        }
        return out
    }
}
