import Foundation

/// An unpaid pause inside a shift (meal, rest), placed relative to the shift
/// start so the same template works whatever day it is rostered on.
public struct ShiftBreak: Codable, Equatable, Sendable {
    /// Minutes after the shift start at which the break begins.
    public var offsetMinutes: Int
    public var minutes: Int

    public init(offsetMinutes: Int, minutes: Int) {
        self.offsetMinutes = offsetMinutes
        self.minutes = minutes
    }
}

/// A shift pattern (班次) the roster hands out: the shift scheduler decides
/// how many agents each template needs, the roster decides who works it.
///
/// Times are wall-clock minutes from local midnight; a shift may run past
/// midnight (夜班 23:00–07:00) and then belongs to the day it starts on.
public struct ShiftTemplate: Codable, Equatable, Sendable, Identifiable {
    /// Short code shown in the roster grid ("A", "N" …); unique within a set.
    public var code: String
    /// Display name ("早班").
    public var name: String
    /// Start, minutes from local midnight, 0..<1440.
    public var startMinute: Int
    /// Length including breaks, 60...720 minutes; may cross midnight.
    public var lengthMinutes: Int
    public var breaks: [ShiftBreak]

    public var id: String { code }

    public init(code: String, name: String, startMinute: Int, lengthMinutes: Int, breaks: [ShiftBreak] = []) {
        self.code = code
        self.name = name
        self.startMinute = startMinute
        self.lengthMinutes = lengthMinutes
        self.breaks = breaks
    }

    /// Paid working time: what counts toward the 40-hour week.
    public var paidMinutes: Int {
        lengthMinutes - breaks.reduce(0) { $0 + $1.minutes }
    }

    /// Night shifts (≥ 2 h inside 22:00–06:00) are limited per agent and in a
    /// row, and only go to agents allowed to work nights.
    public var isNight: Bool {
        var inside = 0
        for offset in 0..<max(0, lengthMinutes) {
            let minute = (startMinute + offset) % 1440
            if minute >= 22 * 60 || minute < 6 * 60 { inside += 1 }
        }
        return inside >= 120
    }

    /// 白班 or 夜班, as the roster and the setup form show it; derived from the times so it
    /// can never disagree with the night rules.
    public var kindLabel: String { isNight ? "夜班" : "白班" }

    /// End of the shift in minutes from the start day's midnight (may exceed 1440).
    var endMinute: Int { startMinute + lengthMinutes }

    /// Refuses templates that would put staff on the phone for impossible
    /// spans or with breaks outside the shift, before they reach the roster.
    public func validate() throws {
        func fail(_ reason: String) -> WorkforceError {
            .invalidInput(field: "shift", reason: "班次 \(code.isEmpty ? "（无代码）" : code)：\(reason)")
        }
        if code.trimmingCharacters(in: .whitespaces).isEmpty { throw fail("班次代码不能为空") }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { throw fail("班次名称不能为空") }
        guard (0..<1440).contains(startMinute) else { throw fail("开始时间必须在 00:00 到 23:59 之间") }
        guard (60...720).contains(lengthMinutes) else { throw fail("班次长度必须在 1 到 12 小时之间") }
        let sorted = breaks.sorted { $0.offsetMinutes < $1.offsetMinutes }
        var previousEnd = 0
        for item in sorted {
            guard item.minutes > 0 else { throw fail("休息时长必须大于 0") }
            guard item.offsetMinutes > 0, item.offsetMinutes + item.minutes < lengthMinutes else {
                throw fail("休息时间必须在班次之内")
            }
            guard item.offsetMinutes >= previousEnd else { throw fail("休息时间不能重叠") }
            previousEnd = item.offsetMinutes + item.minutes
        }
    }

    /// 0/1 per interval of ONE day, circular (a shift 22:00–06:00 covers the
    /// last and first slots), breaks excluded only when they cover a whole
    /// slot — this is the coverage row fed to the shift scheduler.
    ///
    /// A slot the shift only partly spans (a 07:15 start on 30-minute slots)
    /// counts when the shift is present for at least half of it, so coverage
    /// neither over- nor under-states a misaligned template by a whole slot.
    public func coverage(intervalMinutes: Int) -> [Int] {
        guard intervalMinutes > 0, 1440 % intervalMinutes == 0 else { return [] }
        // Per minute of the day: 0 absent, 1 working, 2 on a break.
        var minutes = [UInt8](repeating: 0, count: 1440)
        let length = min(max(lengthMinutes, 0), 1440)
        for offset in 0..<length { minutes[(startMinute % 1440 + 1440 + offset) % 1440] = 1 }
        for item in breaks where item.minutes > 0 {
            for offset in max(0, item.offsetMinutes)..<min(length, item.offsetMinutes + item.minutes) {
                minutes[(startMinute % 1440 + 1440 + offset) % 1440] = 2
            }
        }
        let slots = 1440 / intervalMinutes
        var row = [Int](repeating: 0, count: slots)
        for slot in 0..<slots {
            var present = 0
            var onBreak = 0
            for minute in (slot * intervalMinutes)..<((slot + 1) * intervalMinutes) {
                if minutes[minute] != 0 { present += 1 }
                if minutes[minute] == 2 { onBreak += 1 }
            }
            if 2 * present >= intervalMinutes, onBreak < intervalMinutes { row[slot] = 1 }
        }
        return row
    }

    /// A 24-hour set for a hotline: four overlapping day shifts and two
    /// overlapping night shifts, with meal breaks staggered so that every
    /// interval of the day stays covered (the floor never empties at lunch
    /// or while the night staff eat).
    public static let defaults: [ShiftTemplate] = [
        ShiftTemplate(code: "A", name: "早班", startMinute: 7 * 60, lengthMinutes: 480,
                      breaks: [ShiftBreak(offsetMinutes: 240, minutes: 30)]),   // 11:00–11:30
        ShiftTemplate(code: "B", name: "中班", startMinute: 9 * 60, lengthMinutes: 480,
                      breaks: [ShiftBreak(offsetMinutes: 180, minutes: 30)]),   // 12:00–12:30
        ShiftTemplate(code: "C", name: "午班", startMinute: 12 * 60, lengthMinutes: 480,
                      breaks: [ShiftBreak(offsetMinutes: 300, minutes: 30)]),   // 17:00–17:30
        ShiftTemplate(code: "D", name: "晚班", startMinute: 15 * 60, lengthMinutes: 480,
                      breaks: [ShiftBreak(offsetMinutes: 210, minutes: 30)]),   // 18:30–19:00
        ShiftTemplate(code: "M", name: "前夜班", startMinute: 22 * 60, lengthMinutes: 480,
                      breaks: [ShiftBreak(offsetMinutes: 180, minutes: 30)]),   // 01:00–01:30
        ShiftTemplate(code: "N", name: "夜班", startMinute: 23 * 60, lengthMinutes: 480,
                      breaks: [ShiftBreak(offsetMinutes: 240, minutes: 30)]),   // 03:00–03:30
    ]
}
