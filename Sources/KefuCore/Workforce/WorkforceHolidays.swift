import Foundation

/// Which holiday (节假日) a day belongs to, as far as traffic is concerned.
///
/// Holidays move traffic up or down by a different amount each (春节 empties
/// the lines, 电信日 promotions fill them), so the forecaster learns one
/// factor per holiday *name* from history. The fixed and lunar days are
/// computed for any year; the official holiday periods, which the State
/// Council re-announces every year, are admin data in `extraDays`.
public struct WorkforceHolidays: Codable, Equatable, Sendable {
    /// Admin-entered days → holiday name; they override the computed days.
    public var extraDays: [LocalDay: String]

    public init(extraDays: [LocalDay: String] = [:]) {
        self.extraDays = extraDays
    }

    /// The holiday a day belongs to: 春节 (lunar 1/1 and the following 6 days),
    /// 劳动节 5/1–5/5, 国庆节 10/1–10/7, 电信日 5/17, 元旦 1/1, plus
    /// `extraDays`. nil for ordinary days.
    public func holiday(on day: LocalDay) -> String? {
        if let name = extraDays[day] { return name }
        switch (day.month, day.day) {
        case (1, 1): return "元旦"
        case (5, 1...5): return "劳动节"
        case (5, 17): return "电信日"
        case (10, 1...7): return "国庆节"
        default: break
        }
        // Lunar new year falls between Jan 21 and Feb 20, so its week ends by Feb 26.
        guard day.month == 1 && day.day >= 21 || day.month == 2 && day.day <= 26 else { return nil }
        let offset = day.dayNumber - Self.springFestival(in: day.year).dayNumber
        return (0...6).contains(offset) ? "春节" : nil
    }

    /// Lunar new year's day (正月初一) of a Gregorian year, e.g. 2026-02-17.
    public static func springFestival(in year: Int) -> LocalDay {
        let zone = TimeZone(secondsFromGMT: 8 * 3600)!
        var chinese = Calendar(identifier: .chinese)
        chinese.timeZone = zone
        // June 1 is always inside the lunar year that began this Gregorian year.
        let june = LocalDay(year: year, month: 6, day: 1).start(in: zone)
        let lunarYear = chinese.dateComponents([.era, .year], from: june)
        var components = DateComponents()
        components.era = lunarYear.era
        components.year = lunarYear.year
        components.month = 1
        components.day = 1
        components.isLeapMonth = false
        if let date = chinese.date(from: components) {
            let day = LocalDay(date, in: zone)
            if day.year == year, isLunarNewYear(day, chinese) { return day }
        }
        // Fallback: scan the only window the new year can fall in.
        var day = LocalDay(year: year, month: 1, day: 21)
        while day <= LocalDay(year: year, month: 2, day: 20) {
            if isLunarNewYear(day, chinese) { return day }
            day = day.adding(days: 1)
        }
        return LocalDay(year: year, month: 2, day: 1)
    }

    private static func isLunarNewYear(_ day: LocalDay, _ chinese: Calendar) -> Bool {
        let noon = Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 + 4 * 3600))
        let lunar = chinese.dateComponents([.month, .day], from: noon)
        return lunar.month == 1 && lunar.day == 1 && lunar.isLeapMonth != true
    }

    // MARK: Codable — a JSON object keyed by "YYYY-MM-DD", as the settings page edits it.

    private enum CodingKeys: String, CodingKey { case extraDays }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try container.decodeIfPresent([String: String].self, forKey: .extraDays) ?? [:]
        var days: [LocalDay: String] = [:]
        for (key, name) in raw {
            guard let day = LocalDay(key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .extraDays, in: container, debugDescription: "Expected \"YYYY-MM-DD\" keys, got \"\(key)\"")
            }
            days[day] = name
        }
        extraDays = days
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var raw: [String: String] = [:]
        for (day, name) in extraDays { raw[day.description] = name }
        try container.encode(raw, forKey: .extraDays)
    }
}
