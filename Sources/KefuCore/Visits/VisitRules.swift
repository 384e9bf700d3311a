import Foundation

/// 上门预约 (R8.1, R8.2; seed 004 第六章 第二十一至二十三条, 000 篇三): a visit is booked in a
/// time the customer picks among the technicians' free slots, reconfirmed the day before,
/// told at least 15 minutes ahead when the technician will be late (with a new time), a note
/// left and the next visit booked when nobody is home, and finished with the customer's check
/// of the result — or, unresolved, with an apology and a fallback plan.

public enum VisitStatus: String, Sendable, Codable, CaseIterable {
    case booked
    /// The customer confirmed the day before (第二十一条（一）).
    case confirmed
    case onTheWay = "on_the_way"
    case completed
    /// Done but not solved: apology and fallback plan (R8.2).
    case unresolved
    /// Nobody home: a note left, the next visit booked (第二十一条（四）).
    case noOneHome = "no_one_home"
    case cancelled

    public var label: String {
        switch self {
        case .booked: "已预约"
        case .confirmed: "已确认"
        case .onTheWay: "在途"
        case .completed: "已完成"
        case .unresolved: "未解决"
        case .noOneHome: "无人在家"
        case .cancelled: "已取消"
        }
    }

    public var isOpen: Bool { self == .booked || self == .confirmed || self == .onTheWay }
}

/// What the technician (or the booking agent) does to a visit.
public enum VisitAction: String, Sendable, CaseIterable {
    case reconfirm, onTheWay = "on_the_way", late, noOneHome = "no_one_home", complete, unresolved, cancel
}

/// A technician's working week: the same hours on the days they work.
public struct WorkingHours: Sendable, Equatable, Codable {
    /// Minutes after midnight (center time).
    public var start: Int
    public var end: Int
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    public var weekdays: Set<Int>

    public init(start: Int, end: Int, weekdays: Set<Int>) { self.start = start; self.end = end; self.weekdays = weekdays }

    /// "08:30-17:30", the form's spelling.
    public static func parse(_ raw: String, weekdays: Set<Int>) -> WorkingHours? {
        let parts = raw.replacingOccurrences(of: "–", with: "-").split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let a = minutes(parts[0]), let b = minutes(parts[1]), a < b, !weekdays.isEmpty,
              weekdays.allSatisfy({ (1...7).contains($0) }) else { return nil }
        return WorkingHours(start: a, end: b, weekdays: weekdays)
    }

    static func minutes(_ s: String) -> Int? {
        let p = s.split(separator: ":")
        guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 24 * 60 else { return nil }
        return h * 60 + m
    }

    public var text: String { String(format: "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60) }
}

/// A technician as booking sees them.
public struct Technician: Sendable, Equatable {
    public var workId: String
    public var skills: Set<String>
    /// Districts (区/县) they cover.
    public var areas: Set<String>
    public var hours: WorkingHours

    public init(workId: String, skills: Set<String>, areas: Set<String>, hours: WorkingHours) {
        self.workId = workId; self.skills = skills; self.areas = areas; self.hours = hours
    }
}

/// A time the customer may pick, and who is free then.
public struct VisitSlot: Sendable, Equatable {
    public var start: Date
    public var end: Date
    public var technicians: [String]
}

public enum VisitRules {
    /// The appointment window promised to the customer.
    public static let slotMinutes = 120
    /// 第二十一条（三）: lateness is told at least this long before the booked time.
    public static let lateNoticeMinutes = 15
    /// A visit for the same order within this many days of the last one is a repeat visit.
    public static let repeatWindowDays = 30
    /// Slots start at least this long from now (the technician needs time to get there).
    public static let leadMinutes = 60

    /// The free slots of `day` for a visit needing `skill` in `area`: each window of
    /// `slotMinutes` inside a technician's hours, not overlapping their booked visits, starting
    /// at least `leadMinutes` from now; one entry per window with every technician free then.
    public static func slots(day: LocalDay, timeZone: TimeZone, technicians: [Technician], booked: [String: [DateInterval]],
                             skill: String, area: String, now: Date) -> [VisitSlot] {
        let midnight = day.start(in: timeZone)
        let weekday = day.weekday()
        var byStart: [Int: [String]] = [:]
        for t in technicians where t.skills.contains(skill) && t.areas.contains(area) && t.hours.weekdays.contains(weekday) {
            var m = t.hours.start
            while m + slotMinutes <= t.hours.end {
                let start = midnight.addingTimeInterval(Double(m) * 60)
                let window = DateInterval(start: start, duration: Double(slotMinutes) * 60)
                let taken = (booked[t.workId] ?? []).contains { $0.intersects(window) && $0.end != window.start && $0.start != window.end }
                if !taken && start.timeIntervalSince(now) >= Double(leadMinutes) * 60 { byStart[m, default: []].append(t.workId) }
                m += slotMinutes
            }
        }
        return byStart.keys.sorted().compactMap { m in
            guard let who = byStart[m] else { return nil }
            let start = midnight.addingTimeInterval(Double(m) * 60)
            return VisitSlot(start: start, end: start.addingTimeInterval(Double(slotMinutes) * 60), technicians: who.sorted())
        }
    }

    /// When the reconfirmation call is due: 09:00 (center time) the day before the visit, or
    /// at once when the visit is booked later than that.
    public static func reconfirmDue(visitStart: Date, bookedAt: Date, timeZone: TimeZone) -> Date {
        let dayBefore = LocalDay(visitStart, in: timeZone).adding(days: -1).start(in: timeZone).addingTimeInterval(9 * 3600)
        return max(dayBefore, bookedAt)
    }

    /// A late notice sent at `sentAt` for a visit booked at `booked`: whether it kept the
    /// 15-minute rule (a later one is recorded as a breach, not refused: the customer must
    /// still be told).
    public static func lateNoticeInTime(booked: Date, sentAt: Date) -> Bool {
        booked.timeIntervalSince(sentAt) >= Double(lateNoticeMinutes) * 60
    }

    /// Why a new time for a late visit is refused, or nil: it must be later than the booked time.
    public static func newTimeProblem(booked: Date, newTime: Date?) -> FieldProblem? {
        guard let newTime else { return FieldProblem(field: "newTime", message: "晚到须告知客户新的上门时间") }
        guard newTime > booked else { return FieldProblem(field: "newTime", message: "新的上门时间须晚于原预约时间") }
        return nil
    }

    /// Which actions a visit in `status` allows.
    public static func allows(_ action: VisitAction, from status: VisitStatus) -> Bool {
        switch action {
        case .reconfirm: status == .booked
        case .onTheWay: status == .booked || status == .confirmed
        case .late, .noOneHome, .complete, .unresolved: status.isOpen
        case .cancel: status == .booked || status == .confirmed
        }
    }

    /// The status after `action`; a late visit keeps its status with the new time.
    public static func status(after action: VisitAction, from status: VisitStatus) -> VisitStatus {
        switch action {
        case .reconfirm: .confirmed
        case .onTheWay: .onTheWay
        case .late: status
        case .noOneHome: .noOneHome
        case .complete: .completed
        case .unresolved: .unresolved
        case .cancel: .cancelled
        }
    }

    /// Completion needs the customer's check of the result: their signature.
    public static func completionProblem(signed: Bool) -> FieldProblem? {
        signed ? nil : FieldProblem(field: "signature", message: "请客户检查维修结果后在屏幕上签名确认")
    }

    /// Unresolved needs the apology said and a fallback plan (R8.2).
    public static func unresolvedProblem(plan: String?) -> FieldProblem? {
        Validation.checkText(plan, field: "fallbackPlan", label: "后续方案", max: 500)
    }
}

/// One technician's visits over a period (R8: on time, late, unresolved, repeat visits).
public struct VisitFigures: Sendable, Equatable {
    public var visits = 0
    public var completed = 0
    public var unresolved = 0
    public var noOneHome = 0
    /// Arrived within the booked window (or the new time told in time).
    public var onTime = 0
    public var late = 0
    /// Late notices sent less than 15 minutes ahead.
    public var lateNoticeBreaches = 0
    public var repeatVisits = 0

    public init() {}

    public mutating func add(status: VisitStatus, late wasLate: Bool, noticeInTime: Bool?, repeat isRepeat: Bool) {
        visits += 1
        switch status {
        case .completed: completed += 1
        case .unresolved: unresolved += 1
        case .noOneHome: noOneHome += 1
        default: break
        }
        if status == .completed || status == .unresolved { if wasLate { late += 1 } else { onTime += 1 } }
        if noticeInTime == false { lateNoticeBreaches += 1 }
        if isRepeat { repeatVisits += 1 }
    }
}
