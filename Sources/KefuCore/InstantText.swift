import Foundation

/// Reading an instant a person or a machine wrote: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm|±hhmm)`.
///
/// Hand-written rather than Foundation's ISO 8601 parsers because those refuse what RFC 3339
/// allows and clients send: an offset beyond ±18 h (`-23:07`, Foundation's `TimeZone` limit)
/// and a leap second (`23:59:60`). The forms accepted are exactly the documented ones on every
/// platform, and a missing offset is told apart from a malformed text so callers can say which.
public enum InstantText {
    public enum Reading: Equatable, Sendable {
        case instant(Date)
        /// A wall-clock time with no offset: refused rather than guessed, because a wrong
        /// guess moves contacts across midnight.
        case missingOffset
        case malformed
    }

    public static func read(_ text: String) -> Reading {
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
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: "t")
        else { return .malformed }
        index += 1
        guard let hour = digits(2), expect(":"), let minute = digits(2), expect(":"), let second = digits(2)
        else { return .malformed }
        // Second 60 is RFC 3339's leap second; it reads as the first second of the next minute.
        guard (1...12).contains(month), day >= 1, day <= LocalDay.daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second <= 60
        else { return .malformed }
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
            guard count > 0 else { return .malformed }
        }
        guard index < bytes.count else { return .missingOffset }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2) else { return .malformed }
            _ = expect(":")
            guard let minutes = digits(2), hours < 24, minutes < 60 else { return .malformed }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        default:
            return .malformed
        }
        guard index == bytes.count else { return .malformed }
        let localSeconds = LocalDay.dayNumber(year: year, month: month, day: day) * 86_400
            + hour * 3600 + minute * 60 + second
        return .instant(Date(timeIntervalSince1970: Double(localSeconds - offsetSeconds) + fraction))
    }
}
