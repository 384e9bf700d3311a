import Foundation

/// Reading and writing the `at` of CTI events.
///
/// Switches are configured by hand and often send local wall-clock time; an
/// instant without an offset is refused instead of guessed, because a wrong
/// guess moves calls across midnight and corrupts longest-wait figures.
/// Hand-written rather than `ISO8601DateFormatter` so the accepted forms are
/// exactly the documented ones on every platform.
public enum CTITimestamp {
    /// Accepts `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm|±hhmm)`.
    public static func parse(_ text: String) throws(CTIEventRejection) -> Date {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        let bad = CTIEventRejection.badTimestamp(text)
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: "t")
        else { throw bad }
        index += 1
        guard let hour = digits(2), expect(":"), let minute = digits(2), expect(":"), let second = digits(2)
        else { throw bad }
        guard (1...12).contains(month), day >= 1, day <= LocalDay.daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60
        else { throw bad }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            var scale = 0.1
            var count = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
                count += 1
            }
            guard count > 0 else { throw bad }
        }
        guard index < bytes.count else { throw CTIEventRejection.missingOffset(text) }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2) else { throw bad }
            _ = expect(":")
            guard let minutes = digits(2), hours < 24, minutes < 60 else { throw bad }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        default:
            throw bad
        }
        guard index == bytes.count else { throw bad }
        let localSeconds = LocalDay.dayNumber(year: year, month: month, day: day) * 86_400
            + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(localSeconds - offsetSeconds) + fraction)
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
