import Foundation

/// A calendar date in the center's local time zone (e.g. 2026-10-01).
///
/// Deadlines, holidays and make-up workdays are decided per *local* day, not
/// per UTC day, so they need a date type that carries no time and no zone.
/// All arithmetic is done on a day count (proleptic Gregorian calendar), which
/// keeps it exact and fast without going through `Calendar` for every step.
public struct LocalDay: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a day from components. Out-of-range values are normalized the
    /// way a calendar would roll them (2026-02-30 becomes 2026-03-02), so a
    /// `LocalDay` always names a real date; use `init?(_:)` to reject them.
    public init(year: Int, month: Int, day: Int) {
        let monthIndex = month - 1
        let y = year + Self.floorDiv(monthIndex, 12)
        let m = Self.floorMod(monthIndex, 12) + 1
        self.init(dayNumber: Self.dayNumber(year: y, month: m, day: 1) + day - 1)
    }

    /// Parses the strict form "YYYY-MM-DD" (as used in settings and APIs).
    /// Returns nil when malformed or impossible (2026-02-30), so bad input is
    /// refused instead of silently moved to another date.
    public init?(_ string: String) {
        let bytes = Array(string.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10),
              (1...12).contains(m), d >= 1, d <= Self.daysInMonth(year: y, month: m) else { return nil }
        self.year = y
        self.month = m
        self.day = d
    }

    /// The ISO form "2026-10-01", which is also the Codable representation.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(abs(value))
            let padded = String(repeating: "0", count: max(0, width - text.count)) + text
            return value < 0 ? "-" + padded : padded
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The local day on which `date` falls in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        let offset = Double(timeZone.secondsFromGMT(for: date))
        let local = (date.timeIntervalSince1970 + offset) / 86_400
        self.init(dayNumber: Int(local.rounded(.down)))
    }

    /// Local midnight of this day in `timeZone` (the instant the day begins).
    public func start(in timeZone: TimeZone) -> Date {
        Self.instant(localSeconds: dayNumber * 86_400, in: timeZone)
    }

    /// The day `days` later (or earlier, when negative).
    public func adding(days: Int) -> LocalDay {
        LocalDay(dayNumber: dayNumber + days)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday. Day 0 (1970-01-01) was a Thursday.
    public func weekday() -> Int {
        Self.floorMod(dayNumber + 3, 7) + 1
    }

    public static func < (lhs: LocalDay, rhs: LocalDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = LocalDay(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Expected a date \"YYYY-MM-DD\", got \"\(text)\"")
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

// MARK: - Day-number arithmetic (internal, shared with ServiceCalendar)

extension LocalDay {
    /// Days since 1970-01-01; lets callers step through days with plain integers.
    var dayNumber: Int { Self.dayNumber(year: year, month: month, day: day) }

    /// Builds a day from a day count since 1970-01-01 (H. Hinnant's civil_from_days).
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = Self.floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Day count since 1970-01-01 for a valid date (H. Hinnant's days_from_civil).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The local day number on which `date` falls in `timeZone`.
    static func dayNumber(of date: Date, in timeZone: TimeZone) -> Int {
        LocalDay(date, in: timeZone).dayNumber
    }

    /// The instant at which the wall clock in `timeZone` reads `localSeconds`
    /// (seconds since local 1970-01-01 00:00). Fixed-offset zones are exact; in
    /// a DST gap the result lands on the shifted side of the transition.
    static func instant(localSeconds: Int, in timeZone: TimeZone) -> Date {
        let guess = Date(timeIntervalSince1970: Double(localSeconds))
        let firstOffset = timeZone.secondsFromGMT(for: guess)
        let candidate = Date(timeIntervalSince1970: Double(localSeconds - firstOffset))
        let secondOffset = timeZone.secondsFromGMT(for: candidate)
        if secondOffset == firstOffset { return candidate }
        return Date(timeIntervalSince1970: Double(localSeconds - secondOffset))
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int, _ b: Int) -> Int {
        a - floorDiv(a, b) * b
    }
}
