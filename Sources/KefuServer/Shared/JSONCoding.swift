import Foundation
import Vapor
import KefuCore

/// Timestamps leave the API as ISO 8601 with the center's offset (2026-11-23T09:00:00+08:00),
/// which people reading raw JSON understand, and come in as any ISO 8601 form.
/// Uses `Date.ISO8601FormatStyle` (a value type, ~0.4 µs a date) rather than a new
/// `ISO8601DateFormatter` per date (~110 µs on Linux), which dominated list requests.
enum JSONCoding {
    static func encoder(timeZone: TimeZone) -> JSONEncoder {
        let e = JSONEncoder()
        let style = outputStyle(timeZone)
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(date.formatted(style))
        }
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            if let date = parseISO(s) { return date }
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "不是 ISO 8601 时间：\(s)")
        }
        return d
    }

    static func outputStyle(_ timeZone: TimeZone) -> Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .standard, timeSeparator: .colon,
                                timeZoneSeparator: .colon, includingFractionalSeconds: false, timeZone: timeZone)
    }

    static func formatISO(_ date: Date, timeZone: TimeZone) -> String {
        date.formatted(outputStyle(timeZone))
    }

    /// Years a time written by a client may carry. A year like 0567 parses, but falls before
    /// time zones were standard: it came back as `+08:05:43` (Shanghai's mean solar time) and
    /// no deadline, shift or contact belongs there. The OpenAPI document's `DateTime` schema
    /// carries the same bound as a pattern on the year written.
    static let acceptedYears = 1970...2099

    static func parseISO(_ s: String) -> Date? {
        guard let year = Int(s.prefix(4)), s.prefix(4).allSatisfy(\.isASCII), acceptedYears.contains(year) else { return nil }
        guard case .instant(let date) = InstantText.read(s) else { return nil }
        return date
    }
}
