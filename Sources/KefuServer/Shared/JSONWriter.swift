import Foundation
import KefuCore

/// Writes JSON by hand for the answers sent most (a work order, a page of fifty): Foundation's
/// `JSONEncoder` walks keyed containers and formats each date with a format style, which was
/// a quarter of a list request's CPU. The output is the same JSON the encoder writes for the
/// type's `encode(to:)` (checked field for field by `FastJSONTests`): UTF-8 unescaped, `/`
/// unescaped, dates in ISO 8601 with the center's offset and no fraction.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    let timeZone: TimeZone
    private var needsComma = false

    init(timeZone: TimeZone, capacity: Int = 1024) {
        self.timeZone = timeZone
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// A key; the value written next belongs to it.
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    /// A key known only at run time (a field name from a map).
    mutating func key(dynamic key: String) {
        string(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func null() { separate(); bytes.append(contentsOf: "null".utf8); needsComma = true }
    mutating func bool(_ v: Bool) { separate(); bytes.append(contentsOf: (v ? "true" : "false").utf8); needsComma = true }
    mutating func int(_ v: Int) { separate(); bytes.append(contentsOf: String(v).utf8); needsComma = true }

    mutating func string(_ v: String?) {
        guard let v else { return null() }
        separate()
        bytes.append(UInt8(ascii: "\""))
        for b in v.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20: bytes.append(contentsOf: String(format: "\\u%04x", b).utf8)
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func uuid(_ v: UUID?) { string(v?.uuidString) }

    /// `2026-12-07T00:19:15+08:00`, `…Z` at offset zero: what `JSONCoding.outputStyle` writes.
    mutating func date(_ v: Date?) {
        guard let v else { return null() }
        let offset = timeZone.secondsFromGMT(for: v)
        let local = Int(v.timeIntervalSince1970.rounded(.down)) + offset
        let days = Int((Double(local) / 86_400).rounded(.down))
        let secondOfDay = local - days * 86_400
        let day = LocalDay(dayNumber: days)
        var s = Self.pad(day.year, 4) + "-" + Self.pad(day.month, 2) + "-" + Self.pad(day.day, 2) + "T"
        s += Self.pad(secondOfDay / 3600, 2) + ":" + Self.pad(secondOfDay % 3600 / 60, 2) + ":" + Self.pad(secondOfDay % 60, 2)
        if offset == 0 {
            s += "Z"
        } else {
            let a = abs(offset)
            s += (offset < 0 ? "-" : "+") + Self.pad(a / 3600, 2) + ":" + Self.pad(a % 3600 / 60, 2)
            if a % 60 != 0 { s += ":" + Self.pad(a % 60, 2) }
        }
        string(s)
    }

    /// Text already written as JSON (a value `JSONEncoder` wrote).
    mutating func raw(_ json: [UInt8]) { separate(); bytes.append(contentsOf: json); needsComma = true }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
