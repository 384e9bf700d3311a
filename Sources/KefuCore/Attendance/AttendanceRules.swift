import Foundation

/// How punches are read against the roster. Data, edited by admins (R9.3: rules are data).
public struct AttendanceRules: Codable, Equatable, Sendable {
    /// Minutes after the shift start that still count as on time (0: one minute late is late).
    public var lateGraceMinutes: Int
    public var earlyLeaveGraceMinutes: Int
    /// A punch belongs to a shift from this long before its start …
    public var punchWindowBeforeMinutes: Int
    /// … to this long after its end.
    public var punchWindowAfterMinutes: Int
    /// Shift leads arrive this long before their shift to take it over (R9.1: 10–15 min).
    public var leadArrivalMinutes: Int
    /// Away from the seat (signed out or not ready) longer than this at a stretch is off post.
    public var offPostLimitMinutes: Int

    public init(lateGraceMinutes: Int = 0, earlyLeaveGraceMinutes: Int = 0, punchWindowBeforeMinutes: Int = 180,
                punchWindowAfterMinutes: Int = 240, leadArrivalMinutes: Int = 10, offPostLimitMinutes: Int = OffPost.defaultLimitMinutes) {
        self.lateGraceMinutes = lateGraceMinutes; self.earlyLeaveGraceMinutes = earlyLeaveGraceMinutes
        self.punchWindowBeforeMinutes = punchWindowBeforeMinutes; self.punchWindowAfterMinutes = punchWindowAfterMinutes
        self.leadArrivalMinutes = leadArrivalMinutes; self.offPostLimitMinutes = offPostLimitMinutes
    }

    enum CodingKeys: String, CodingKey {
        case lateGraceMinutes, earlyLeaveGraceMinutes, punchWindowBeforeMinutes, punchWindowAfterMinutes, leadArrivalMinutes, offPostLimitMinutes
    }

    /// Versions saved before the off-post limit existed read with the default limit.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(lateGraceMinutes: try c.decode(Int.self, forKey: .lateGraceMinutes),
                  earlyLeaveGraceMinutes: try c.decode(Int.self, forKey: .earlyLeaveGraceMinutes),
                  punchWindowBeforeMinutes: try c.decode(Int.self, forKey: .punchWindowBeforeMinutes),
                  punchWindowAfterMinutes: try c.decode(Int.self, forKey: .punchWindowAfterMinutes),
                  leadArrivalMinutes: try c.decode(Int.self, forKey: .leadArrivalMinutes),
                  offPostLimitMinutes: try c.decodeIfPresent(Int.self, forKey: .offPostLimitMinutes) ?? OffPost.defaultLimitMinutes)
    }

    public static let standard = AttendanceRules()

    public var problems: [String] {
        var out: [String] = []
        if !(0...120).contains(lateGraceMinutes) { out.append("迟到宽限须为 0–120 分钟") }
        if !(0...120).contains(earlyLeaveGraceMinutes) { out.append("早退宽限须为 0–120 分钟") }
        if !(30...480).contains(punchWindowBeforeMinutes) || !(30...480).contains(punchWindowAfterMinutes) { out.append("打卡时段须为班前/班后 30–480 分钟") }
        if !(5...60).contains(leadArrivalMinutes) { out.append("值班长提前到岗须为 5–60 分钟") }
        if !(5...240).contains(offPostLimitMinutes) { out.append("脱岗认定须为 5–240 分钟") }
        return out
    }
}

/// Reads one person's month: each rostered day against their punches and approved leave.
public enum AttendanceSheet {
    /// The lines of the days `days` (in order) that have ended by `now`; a day whose shift
    /// has not yet ended is read as far as it went (no "forgotten" out-punch yet).
    public static func days(_ days: [LocalDay], shifts: [ScheduledShift], punches: [Punch], leaves: [LeaveSpan],
                            rules: AttendanceRules = .standard, now: Date) -> [AttendanceDay] {
        let sorted = punches.sorted { $0.at < $1.at }
        return days.compactMap { day in
            guard let shift = shifts.first(where: { $0.day == day }) else {
                return AttendanceDay(day: day, status: leaves.first { $0.covers(day) } != nil ? .leave : .off,
                                     leave: leaves.first { $0.covers(day) }?.kind)
            }
            guard shift.start <= now else { return nil }
            return line(shift, punches: sorted, leaves: leaves, rules: rules, now: now)
        }
    }

    static func line(_ shift: ScheduledShift, punches: [Punch], leaves: [LeaveSpan], rules: AttendanceRules, now: Date) -> AttendanceDay {
        let day = shift.day
        if case .givenTo(let peer, let missed) = shift.swap {
            // 002 交接班制度 7: a swap that leaves the shift uncovered is on both.
            return missed ? AttendanceDay(day: day, status: .absent, shiftCode: shift.code, note: "换班脱班：替班人 \(peer) 未到岗，双方均承担责任")
                          : AttendanceDay(day: day, status: .off, shiftCode: shift.code, note: "已换班给 \(peer)")
        }
        let swapNote: String? = if case .takenFrom(let peer) = shift.swap { "替 \(peer) 换班" } else { nil }
        if let leave = leaves.first(where: { $0.covers(day) }) {
            return AttendanceDay(day: day, status: .leave, shiftCode: shift.code, leave: leave.kind, note: swapNote)
        }
        let from = shift.start.addingTimeInterval(-Double(rules.punchWindowBeforeMinutes) * 60)
        let until = shift.end.addingTimeInterval(Double(rules.punchWindowAfterMinutes) * 60)
        let mine = punches.filter { $0.at >= from && $0.at <= until }
        let first = mine.first { $0.kind == .in }
        let last = mine.last { $0.kind == .out && $0.at >= (first?.at ?? .distantPast) }
        var line = AttendanceDay(day: day, status: .present, shiftCode: shift.code, punchIn: first?.at, punchOut: last?.at,
                                 punchIDs: [first?.id, last?.id].compactMap { $0 }, note: swapNote)
        let ended = until <= now
        switch (first, last) {
        case (nil, nil):
            // A shift still running without a punch is late so far, not yet an absence.
            if now >= shift.end { line.status = .absent } else {
                line.lateMinutes = lateness(now, shift, rules)
                line.status = line.lateMinutes > 0 ? .late : .present
            }
            return line
        case (nil, _?):
            line.status = .forgottenPunch
            return line
        case (let i?, nil):
            line.lateMinutes = lateness(i.at, shift, rules)
            line.status = ended ? .forgottenPunch : (line.lateMinutes > 0 ? .late : .present)
            return line
        case (let i?, let o?):
            line.lateMinutes = lateness(i.at, shift, rules)
            let early = minutes(from: o.at, to: shift.end)
            line.earlyMinutes = early > rules.earlyLeaveGraceMinutes ? early : 0
            line.status = line.lateMinutes > 0 ? .late : line.earlyMinutes > 0 ? .earlyLeave : .present
            return line
        }
    }

    static func lateness(_ at: Date, _ shift: ScheduledShift, _ rules: AttendanceRules) -> Int {
        let late = minutes(from: shift.start, to: at)
        return late > rules.lateGraceMinutes ? late : 0
    }

    /// Whole minutes from `a` to `b`, a started minute counted (one second late is a minute late).
    static func minutes(from a: Date, to b: Date) -> Int {
        let seconds = b.timeIntervalSince(a)
        return seconds <= 0 ? 0 : Int((seconds / 60).rounded(.up))
    }
}
