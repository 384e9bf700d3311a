import Foundation

/// How pages show times: local, to the minute. Built from calendar components rather than
/// a DateFormatter per call, which is slow on Linux and not safe to share across threads.
enum PageFormat {
    private static func parts(_ d: Date, _ tz: TimeZone) -> DateComponents {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        return cal.dateComponents([.year, .month, .day, .hour, .minute], from: d)
    }

    static func dateTime(_ d: Date?, _ tz: TimeZone) -> String {
        guard let d else { return "" }
        let c = parts(d, tz)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// For <input type="datetime-local">.
    static func inputValue(_ d: Date?, _ tz: TimeZone) -> String {
        guard let d else { return "" }
        let c = parts(d, tz)
        return String(format: "%04d-%02d-%02dT%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// Reads "2026-11-24T09:30" (what datetime-local sends), with optional seconds, or ISO 8601.
    static func parseInput(_ s: String?, _ tz: TimeZone) -> Date? {
        guard let s = s?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
        let fields = s.split(whereSeparator: { "-T: ".contains($0) }).map { Int($0) }
        if (5...6).contains(fields.count), fields.allSatisfy({ $0 != nil }), !s.contains("+"), !s.hasSuffix("Z") {
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = tz
            let f = fields.map { $0! }
            let comps = DateComponents(year: f[0], month: f[1], day: f[2], hour: f[3], minute: f[4], second: f.count == 6 ? f[5] : 0)
            guard comps.isValidDate(in: cal) else { return nil }
            return cal.date(from: comps)
        }
        return JSONCoding.parseISO(s)
    }
}
