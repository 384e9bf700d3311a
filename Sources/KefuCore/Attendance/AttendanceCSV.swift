import Foundation

/// A clock machine's export (`kefu attendance import FILE.csv`): work ID, time, in/out, one
/// punch a line, with or without a header. Machines write local wall-clock times
/// ("2026-12-01 08:55" or with seconds, "/" or "-" between the date's parts); a time with
/// an offset (RFC 3339) is taken as written. A bad line is reported by its number and skipped.
public enum AttendanceCSV {
    public struct Row: Equatable, Sendable {
        public var line: Int
        public var workId: String
        public var at: Date
        public var kind: PunchKind
    }

    public struct Problem: Equatable, Sendable {
        public var line: Int
        public var message: String

        public init(line: Int, message: String) { self.line = line; self.message = message }
    }

    public static func parse(_ text: String, timeZone: TimeZone) -> (rows: [Row], problems: [Problem]) {
        var rows: [Row] = [], problems: [Problem] = []
        for (index, record) in CSVRecords.parse(text).enumerated() {
            let fields = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if index == 0, let first = fields.first, ["工号", "workid", "work_id", "work id"].contains(first.lowercased()) { continue }
            if record.unterminated { problems.append(.init(line: record.line, message: "引号未闭合")); continue }
            guard fields.count >= 3 else { problems.append(.init(line: record.line, message: "应有三列：工号,时间,上班/下班")); continue }
            let workId = fields[0]
            guard !workId.isEmpty, workId.count <= 32, workId.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                problems.append(.init(line: record.line, message: "工号无效：\(workId)")); continue
            }
            guard let at = time(fields[1], timeZone: timeZone) else {
                problems.append(.init(line: record.line, message: "时间无效：\(fields[1])（应为 2026-12-01 08:55）")); continue
            }
            guard let kind = kind(fields[2]) else {
                problems.append(.init(line: record.line, message: "类型无效：\(fields[2])（应为 上班/下班 或 in/out）")); continue
            }
            rows.append(Row(line: record.line, workId: workId, at: at, kind: kind))
        }
        return (rows, problems)
    }

    static func kind(_ text: String) -> PunchKind? {
        switch text.lowercased() {
        case "in", "上班", "签到", "上": .in
        case "out", "下班", "签退", "下": .out
        default: nil
        }
    }

    /// "2026-12-01 08:55[:30]" (or 2026/12/01) in `timeZone`, or an RFC 3339 instant.
    static func time(_ text: String, timeZone: TimeZone) -> Date? {
        if case .instant(let d) = InstantText.read(text) { return d }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(whereSeparator: { $0 == "-" || $0 == "/" }).compactMap { Int($0) }
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        guard date.count == 3, (2...3).contains(clock.count), (1...12).contains(date[1]), (1...31).contains(date[2]),
              (0...23).contains(clock[0]), (0...59).contains(clock[1]), clock.count == 2 || (0...59).contains(clock[2]) else { return nil }
        let day = LocalDay(year: date[0], month: date[1], day: date[2])
        guard day.day == date[2], (2000...2100).contains(date[0]) else { return nil }
        return day.start(in: timeZone).addingTimeInterval(Double(clock[0] * 3600 + clock[1] * 60 + (clock.count == 3 ? clock[2] : 0)))
    }
}
