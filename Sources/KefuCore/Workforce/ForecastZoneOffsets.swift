import Foundation

/// UTC offsets of a time zone, looked up once per daylight-saving period
/// instead of once per interval (35k lookups would dominate the run time).
struct ForecastZoneOffsets: Sendable {
    private let zone: TimeZone
    private var validFrom = Date.distantFuture
    /// The next transition after `validFrom`: the offset holds until then.
    private var validUntil = Date.distantPast
    private var offset = 0

    init(_ zone: TimeZone) { self.zone = zone }

    mutating func seconds(at date: Date) -> Int {
        if date >= validFrom && date < validUntil { return offset }
        let newOffset = zone.secondsFromGMT(for: date)
        let next = zone.nextDaylightSavingTimeTransition(after: date) ?? .distantFuture
        if next == validUntil && newOffset == offset {
            validFrom = min(validFrom, date)   // same period, earlier instant (unsorted input)
        } else {
            validFrom = date
            validUntil = next
            offset = newOffset
        }
        return offset
    }
}
