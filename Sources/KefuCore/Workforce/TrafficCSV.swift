import Foundation

/// Import and export of interval history as CSV, for centers whose past
/// traffic lives in another ACD or a spreadsheet. The import is strict and
/// reports every bad row with its line, because a silently skipped interval
/// would bend the forecast without anyone noticing.
public struct TrafficCSV: Sendable {
    public static let header = "interval_start,offered,answered,abandoned,aht_seconds"

    /// Header exactly `interval_start,offered,answered,abandoned,aht_seconds` (allow a UTF-8 BOM, CRLF, blank trailing lines).
    /// interval_start: ISO 8601 with offset (2026-10-01T08:00:00+08:00) or "YYYY-MM-DD HH:MM" local in the given time zone.
    /// Every bad row → WorkforceError.badLine(line: N (1-based, header is line 1), reason: Chinese, naming the column):
    /// non-numeric, negative, answered+abandoned > offered, aht < 0, aht 0 with answered > 0, start not on an interval boundary, duplicate start.
    /// Good rows are returned even when others fail, so the page can show all problems at once.
    public static func parse(_ text: String, clock: WorkforceClock) -> (volumes: [IntervalVolume], errors: [WorkforceError]) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        while let last = lines.last, trimmed(last).isEmpty { lines.removeLast() }
        guard let first = lines.first, fields(first).map(string) == header.split(separator: ",").map(String.init) else {
            return ([], [.badLine(line: 1, reason: "表头必须是 \(header)")])
        }
        var volumes: [IntervalVolume] = []
        var errors: [WorkforceError] = []
        var seen: [Date: Int] = [:]
        for (index, line) in lines.enumerated().dropFirst() {
            let number = index + 1
            switch parseRow(line, clock: clock) {
            case let .failure(error):
                errors.append(.badLine(line: number, reason: error.reason))
            case let .success(volume):
                if let earlier = seen[volume.start] {
                    errors.append(.badLine(line: number, reason: "interval_start 列与第 \(earlier) 行重复"))
                } else {
                    seen[volume.start] = number
                    volumes.append(volume)
                }
            }
        }
        volumes.sort { $0.start < $1.start }
        return (volumes, errors)
    }

    /// Same format as `parse` reads, with local ISO times carrying the zone's
    /// offset (+08:00), so an export re-imports unchanged.
    public static func render(_ volumes: [IntervalVolume], clock: WorkforceClock) -> String {
        var out = header + "\n"
        for volume in volumes {
            out += "\(isoLocal(volume.start, in: clock.timeZone)),\(volume.offered),\(volume.answered),"
            out += "\(volume.abandoned),\(number(volume.ahtSeconds))\n"
        }
        return out
    }

    // MARK: - Rows

    private struct RowError: Error { let reason: String }

    private typealias Bytes = ArraySlice<UInt8>

    private static func parseRow(_ line: Bytes, clock: WorkforceClock) -> Result<IntervalVolume, RowError> {
        if trimmed(line).isEmpty { return .failure(RowError(reason: "空行（只允许出现在文件末尾）")) }
        let fields = fields(line)
        guard fields.count == 5 else {
            return .failure(RowError(reason: "应有 5 列（\(header)），实际为 \(fields.count) 列"))
        }
        do throws(RowError) {
            guard let start = parseStart(fields[0], timeZone: clock.timeZone) else {
                throw RowError(reason: "interval_start 列无法识别“\(string(fields[0]))”，应为 2026-10-01T08:00:00+08:00 或 2026-10-01 08:00")
            }
            let offered = try count(fields[1], column: "offered")
            let answered = try count(fields[2], column: "answered")
            let abandoned = try count(fields[3], column: "abandoned")
            guard let aht = Double(string(fields[4])), aht.isFinite else {
                throw RowError(reason: "aht_seconds 列不是数字：“\(string(fields[4]))”")
            }
            guard aht >= 0 else { throw RowError(reason: "aht_seconds 列不能为负数") }
            guard aht > 0 || answered == 0 else {
                throw RowError(reason: "aht_seconds 列为 0，但 answered 列大于 0")
            }
            guard answered + abandoned <= offered else {
                throw RowError(reason: "answered 列加 abandoned 列（\(answered + abandoned)）超过 offered 列（\(offered)）")
            }
            let located = clock.locate(start)
            guard clock.start(of: located.day, slot: located.slot) == start else {
                throw RowError(reason: "interval_start 列不在 \(clock.intervalMinutes) 分钟时段的起点上")
            }
            return .success(IntervalVolume(start: start, offered: offered, answered: answered,
                                           abandoned: abandoned, ahtSeconds: aht))
        } catch {
            return .failure(error)
        }
    }

    private static func count(_ field: Bytes, column: String) throws(RowError) -> Int {
        if !field.isEmpty, field.count <= 15, field.allSatisfy(isDigit) {
            return field.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        if let number = Double(string(field)), number.isFinite {
            throw RowError(reason: number < 0 ? "\(column) 列不能为负数" : "\(column) 列必须是整数：“\(string(field))”")
        }
        throw RowError(reason: "\(column) 列不是数字：“\(string(field))”")
    }

    /// Whether the first line is the header `parse` requires: a file without it is not a
    /// traffic export at all, and the API refuses it (422) instead of listing one bad line.
    public static func hasHeader(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var first = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        if first.last == UInt8(ascii: "\r") { first = first.dropLast() }
        return fields(first).map(string) == header.split(separator: ",").map(String.init)
    }

    private static func fields(_ line: Bytes) -> [Bytes] {
        line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(trimmed)
    }

    private static func trimmed(_ bytes: Bytes) -> Bytes {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !blank($0) }),
              let last = bytes.lastIndex(where: { !blank($0) }) else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }

    private static func string(_ bytes: Bytes) -> String { String(decoding: bytes, as: UTF8.self) }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    // MARK: - Times

    /// "2026-10-01T08:00[:00][.000](Z|±HH:MM|±HHMM)" or local "2026-10-01 08:00[:00]".
    private static func parseStart(_ bytes: Bytes, timeZone: TimeZone) -> Date? {
        guard bytes.count >= 16, let day = LocalDay(string(bytes.prefix(10))) else { return nil }
        var rest = bytes.dropFirst(10)
        let separator = rest.removeFirst()
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: " "),
              let clockSeconds = parseClock(&rest) else { return nil }
        let localSeconds = day.dayNumber * 86_400 + clockSeconds
        guard separator == UInt8(ascii: "T") else {
            return rest.isEmpty ? LocalDay.instant(localSeconds: localSeconds, in: timeZone) : nil
        }
        guard let offset = parseOffset(rest) else { return nil }
        return Date(timeIntervalSince1970: Double(localSeconds - offset))
    }

    /// Two digits from the front of `rest`, consumed.
    private static func take2(_ rest: inout Bytes) -> Int? {
        guard rest.count >= 2, isDigit(rest[rest.startIndex]), isDigit(rest[rest.startIndex + 1]) else { return nil }
        let value = Int(rest[rest.startIndex] - 48) * 10 + Int(rest[rest.startIndex + 1] - 48)
        rest = rest.dropFirst(2)
        return value
    }

    /// HH:MM[:SS[.000]] → seconds of the day; consumes what it reads. Fractions must be zero.
    private static func parseClock(_ rest: inout Bytes) -> Int? {
        let colon = UInt8(ascii: ":")
        guard let hour = take2(&rest), rest.first == colon else { return nil }
        rest = rest.dropFirst()
        guard let minute = take2(&rest), hour < 24, minute < 60 else { return nil }
        var second = 0
        if rest.first == colon {
            rest = rest.dropFirst()
            guard let value = take2(&rest), value < 60 else { return nil }
            second = value
            if rest.first == UInt8(ascii: ".") {
                rest = rest.dropFirst()
                let fraction = rest.prefix(while: isDigit)
                guard !fraction.isEmpty, fraction.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
                rest = rest.dropFirst(fraction.count)
            }
        }
        return hour * 3600 + minute * 60 + second
    }

    /// "Z", "+08:00" or "+0800" → seconds east of UTC.
    private static func parseOffset(_ bytes: Bytes) -> Int? {
        if bytes.elementsEqual([UInt8(ascii: "Z")]) || bytes.elementsEqual([UInt8(ascii: "z")]) { return 0 }
        var rest = bytes
        guard let sign = rest.popFirst(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
              let hours = take2(&rest) else { return nil }
        if rest.first == UInt8(ascii: ":") { rest = rest.dropFirst() }
        guard let minutes = take2(&rest), rest.isEmpty, hours <= 18, minutes < 60 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return sign == UInt8(ascii: "-") ? -seconds : seconds
    }

    static func isoLocal(_ date: Date, in timeZone: TimeZone) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let local = Int((date.timeIntervalSince1970 + Double(offset)).rounded(.down))
        let day = LocalDay(dayNumber: LocalDay.floorDiv(local, 86_400))
        let second = local - LocalDay.floorDiv(local, 86_400) * 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let sign = offset < 0 ? "-" : "+"
        let zone = "\(sign)\(two(abs(offset) / 3600)):\(two(abs(offset) % 3600 / 60))"
        return "\(day)T\(two(second / 3600)):\(two(second % 3600 / 60)):\(two(second % 60))\(zone)"
    }

    /// Shortest text that reads back to the same Double ("180", "183.5").
    private static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
