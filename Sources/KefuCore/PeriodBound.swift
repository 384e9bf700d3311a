import Foundation

/// One end of a period asked for in a query (`from`, `to`): a local day `2026-12-06` in the
/// center's time zone, or an RFC 3339 instant. A day as `from` starts at its local midnight;
/// as `to` it includes the whole day. Periods are half-open: [from, to).
public enum PeriodBound {
    public static func from(_ text: String, timeZone: TimeZone) -> Date? {
        if let day = LocalDay(text) { return day.start(in: timeZone) }
        if case .instant(let date) = InstantText.read(text) { return date }
        return nil
    }

    public static func to(_ text: String, timeZone: TimeZone) -> Date? {
        if let day = LocalDay(text) { return day.adding(days: 1).start(in: timeZone) }
        if case .instant(let date) = InstantText.read(text) { return date }
        return nil
    }
}
