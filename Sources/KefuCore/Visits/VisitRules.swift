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
    /// A nil `skill` is any technician of the area.
    public static func slots(day: LocalDay, timeZone: TimeZone, technicians: [Technician], booked: [String: [DateInterval]],
                             skill: String?, area: String, now: Date) -> [VisitSlot] {
        let midnight = day.start(in: timeZone)
        let weekday = day.weekday()
        var byStart: [Int: [String]] = [:]
        for t in technicians where skill.map(t.skills.contains) ?? true && t.areas.contains(area) && t.hours.weekdays.contains(weekday) {
            var m = t.hours.start
            while m + slotMinutes <= t.hours.end {
                let start = midnight.addingTimeInterval(Double(m) * 60)
                let window = DateInterval(start: start, duration: Double(slotMinutes) * 60)
                if !overlaps(window, booked[t.workId] ?? []) && start.timeIntervalSince(now) >= Double(leadMinutes) * 60 { byStart[m, default: []].append(t.workId) }
                m += slotMinutes
            }
        }
        return byStart.keys.sorted().compactMap { m in
            guard let who = byStart[m] else { return nil }
            let start = midnight.addingTimeInterval(Double(m) * 60)
            return VisitSlot(start: start, end: start.addingTimeInterval(Double(slotMinutes) * 60), technicians: who.sorted())
        }
    }

    /// Whether `window` overlaps a booked visit (touching ends do not).
    static func overlaps(_ window: DateInterval, _ booked: [DateInterval]) -> Bool {
        booked.contains { $0.intersects(window) && $0.end != window.start && $0.start != window.end }
    }

    /// Why `technician` cannot take a visit at `start`, or nil: the API books any start the
    /// technician can make, not only the windows the booking page offers, so each reason is
    /// told (not their area, not their skill, not their day or hours, already booked, too soon).
    public static func bookingProblem(start: Date, technician: Technician?, booked: [DateInterval], skill: String?, area: String,
                                      now: Date, timeZone: TimeZone) -> FieldProblem? {
        guard let t = technician else { return FieldProblem(field: "technicianWorkId", message: "没有这位上门工程师（或其资料未设置技能、片区和工作时间）") }
        if area.isEmpty { return FieldProblem(field: "workOrderId", message: "工单地址缺少区/县，无法安排上门") }
        if !t.areas.contains(area) { return FieldProblem(field: "technicianWorkId", message: "工程师 \(t.workId) 不负责\(area)") }
        if let skill, !t.skills.contains(skill) { return FieldProblem(field: "technicianWorkId", message: "工程师 \(t.workId) 不具备「\(skill)」技能") }
        if start.timeIntervalSince(now) < Double(leadMinutes) * 60 {
            return FieldProblem(field: "slotStart", message: "上门时间至少要在 \(leadMinutes) 分钟之后")
        }
        let day = LocalDay(start, in: timeZone)
        let minute = Int(start.timeIntervalSince(day.start(in: timeZone)) / 60)
        guard t.hours.weekdays.contains(day.weekday()), minute >= t.hours.start, minute + slotMinutes <= t.hours.end else {
            return FieldProblem(field: "slotStart", message: "不在工程师 \(t.workId) 的工作时间内（\(t.hours.text)）")
        }
        if overlaps(DateInterval(start: start, duration: Double(slotMinutes) * 60), booked) {
            return FieldProblem(field: "slotStart", message: "工程师 \(t.workId) 这个时段已有预约")
        }
        return nil
    }

    /// Who may do `action` to a visit: the customer's side of it (reconfirming, cancelling) is
    /// the front line's, who talk to the customer; the visit itself is the assigned
    /// technician's, and the admin may stand in.
    public static func mayAct(_ action: VisitAction, role: Role, workId: String, technicianWorkId: String) -> Bool {
        switch action {
        case .reconfirm, .cancel: Permission.visitBook.isGranted(to: role)
        case .onTheWay, .late, .noOneHome, .complete, .unresolved: workId == technicianWorkId || role == .admin
        }
    }

    /// A visit for an order visited before within `repeatWindowDays`: the first did not fix it.
    public static func isRepeat(slotStart: Date, earlierVisits: [Date]) -> Bool {
        earlierVisits.contains { $0 < slotStart && slotStart.timeIntervalSince($0) <= Double(repeatWindowDays) * 86400 }
    }

    /// The words of a skills or areas field: split on commas, 、 and spaces, blanks dropped.
    public static func words(_ raw: String?) -> [String] {
        var seen = Set<String>()
        return (raw ?? "").split(whereSeparator: { ",，、;； \n".contains($0) }).map { String($0) }.filter { seen.insert($0).inserted }
    }

    /// Why a technician's profile is refused, or nil.
    public static func profileProblems(skills: [String], areas: [String], hours: String?, weekdays: Set<Int>) -> [FieldProblem] {
        var out: [FieldProblem] = []
        if skills.isEmpty { out.append(FieldProblem(field: "skills", message: "请填写至少一项技能，如 宽带、有线电视")) }
        if areas.isEmpty { out.append(FieldProblem(field: "areas", message: "请填写负责的区/县，如 西湖区")) }
        if (skills + areas).contains(where: { $0.count > 20 }) || skills.count > 20 || areas.count > 30 {
            out.append(FieldProblem(field: "skills", message: "每项技能或片区不超过 20 个字，技能至多 20 项、片区至多 30 个"))
        }
        if WorkingHours.parse(hours ?? "", weekdays: weekdays) == nil {
            out.append(FieldProblem(field: "hours", message: "工作时间写作 08:30-17:30，且至少选一个工作日"))
        }
        return out
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
