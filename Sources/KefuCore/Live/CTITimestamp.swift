import Foundation

/// Reading and writing the `at` of CTI events.
///
/// Switches are configured by hand and often send local wall-clock time; an
/// instant without an offset is refused instead of guessed, because a wrong
/// guess moves calls across midnight and corrupts longest-wait figures.
public enum CTITimestamp {
    /// Accepts `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm|±hhmm)` (read by `InstantText`).
    public static func parse(_ text: String) throws(CTIEventRejection) -> Date {
        switch InstantText.read(text) {
        case .instant(let date): return date
        case .missingOffset: throw .missingOffset(text)
        case .malformed: throw .badTimestamp(text)
        }
    }

    /// UTC with `Z`, microseconds only when the instant has them, so stored
    /// events read back to the same instant and sort the same way.
    public static func format(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let whole = Int(LocalDay.floorDiv(Int(micros), 1_000_000))
        let fractionMicros = Int(micros) - whole * 1_000_000
        let dayNumber = LocalDay.floorDiv(whole, 86_400)
        let secondOfDay = whole - dayNumber * 86_400
        let day = LocalDay(dayNumber: dayNumber)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var result = "\(day)T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fractionMicros != 0 {
            var fraction = pad(fractionMicros, 6)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            result += "." + fraction
        }
        return result + "Z"
    }
}
