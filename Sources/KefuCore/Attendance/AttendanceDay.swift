import Foundation

/// What a day was for one person (R9.2, 002 考勤制度): the names are the API's
/// (`GET /api/v1/attendance/{workId}/{YYYY-MM}`).
public enum AttendanceStatus: String, CaseIterable, Codable, Sendable {
    case present, late
    case earlyLeave = "early_leave"
    case absent, leave, off
    case forgottenPunch = "forgotten_punch"

    public var label: String {
        switch self {
        case .present: "出勤"
        case .late: "迟到"
        case .earlyLeave: "早退"
        case .absent: "旷工"
        case .leave: "请假"
        case .off: "休息"
        case .forgottenPunch: "漏打卡"
        }
    }
}

/// The kinds of leave the seed lists (002 考勤制度 2、3).
public enum LeaveKind: String, CaseIterable, Codable, Sendable {
    case sick, personal
    case publicDuty = "public"
    case injury, marriage, funeral
    case familyVisit = "family_visit"
    case maternity

    public var label: String {
        switch self {
        case .sick: "病假"
        case .personal: "事假"
        case .publicDuty: "公假"
        case .injury: "工伤假"
        case .marriage: "婚假"
        case .funeral: "丧假"
        case .familyVisit: "探亲假"
        case .maternity: "产假"
        }
    }
}

public enum PunchKind: String, CaseIterable, Codable, Sendable {
    case `in`, out

    public var label: String { self == .in ? "上班" : "下班" }
}

/// Where a punch came from: each line of the sheet can be traced to it.
public enum PunchSource: String, CaseIterable, Codable, Sendable {
    /// The clock-in button on the workspace.
    case web
    /// The seat's sign-in and sign-out on the switch.
    case cti
    /// A clock machine's CSV (`kefu attendance import`).
    case `import`
    /// Entered by a lead, with a reason (a corrected forgotten punch).
    case correction

    public var label: String {
        switch self {
        case .web: "网页打卡"
        case .cti: "座席签入/签出"
        case .import: "考勤机导入"
        case .correction: "班长更正"
        }
    }
}

public struct Punch: Codable, Equatable, Sendable {
    public var id: String
    public var at: Date
    public var kind: PunchKind
    public var source: PunchSource

    public init(id: String, at: Date, kind: PunchKind, source: PunchSource) {
        self.id = id; self.at = at; self.kind = kind; self.source = source
    }
}

/// A shift the published roster gives the person on a day, and whether a swap moved it.
public struct ScheduledShift: Codable, Equatable, Sendable {
    public enum Swap: Codable, Equatable, Sendable {
        /// The person's own shift.
        case none
        /// Taken over from a colleague by an approved swap.
        case takenFrom(String)
        /// Given to a colleague by an approved swap; `missed`: the colleague did not come.
        case givenTo(String, missed: Bool)
    }

    public var day: LocalDay
    public var code: String
    public var start: Date
    public var end: Date
    public var swap: Swap

    public init(day: LocalDay, code: String, start: Date, end: Date, swap: Swap = .none) {
        self.day = day; self.code = code; self.start = start; self.end = end; self.swap = swap
    }

    /// `template` worked on `day` (a night shift ends the next morning).
    public init(day: LocalDay, template t: ShiftTemplate, in timeZone: TimeZone, swap: Swap = .none) {
        let start = day.start(in: timeZone).addingTimeInterval(Double(t.startMinute) * 60)
        self.init(day: day, code: t.code, start: start, end: start.addingTimeInterval(Double(t.lengthMinutes) * 60), swap: swap)
    }
}

/// An approved leave, whole days from `from` through `through`.
public struct LeaveSpan: Codable, Equatable, Sendable {
    public var kind: LeaveKind
    public var from: LocalDay
    public var through: LocalDay

    public init(kind: LeaveKind, from: LocalDay, through: LocalDay) {
        self.kind = kind; self.from = from; self.through = through
    }

    public func covers(_ day: LocalDay) -> Bool { from <= day && day <= through }
}

/// One line of the monthly sheet, with what it was decided from.
public struct AttendanceDay: Codable, Equatable, Sendable {
    public var day: LocalDay
    public var status: AttendanceStatus
    public var shiftCode: String?
    public var punchIn: Date?
    public var punchOut: Date?
    public var lateMinutes: Int
    public var earlyMinutes: Int
    public var leave: LeaveKind?
    /// The punches the line was decided from.
    public var punchIDs: [String]
    /// Why, in words (a swap, a leave).
    public var note: String?
    /// Minutes away from the seat beyond the limit while on shift (脱岗, `OffPost`).
    public var offPostMinutes: Int = 0

    public init(day: LocalDay, status: AttendanceStatus, shiftCode: String? = nil, punchIn: Date? = nil, punchOut: Date? = nil,
                lateMinutes: Int = 0, earlyMinutes: Int = 0, leave: LeaveKind? = nil, punchIDs: [String] = [], note: String? = nil) {
        self.day = day; self.status = status; self.shiftCode = shiftCode; self.punchIn = punchIn; self.punchOut = punchOut
        self.lateMinutes = lateMinutes; self.earlyMinutes = earlyMinutes; self.leave = leave; self.punchIDs = punchIDs; self.note = note
    }

    /// Late and left early the same day: the sheet shows "迟到" and counts both.
    public var leftEarly: Bool { earlyMinutes > 0 }
}
