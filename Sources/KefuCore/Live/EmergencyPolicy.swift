import Foundation

/// A range of waiting calls: more than `above`, and at most `atMost` when set.
///
/// The seed writes its triggers as "5人<呼入等待人数≤10人" and "等待人数>10人";
/// keeping both bounds lets an administrator move either edge without code.
public struct WaitingBand: Sendable, Equatable, Codable {
    /// Exclusive lower bound: the band starts at `above + 1` waiting calls.
    public var above: Int
    /// Inclusive upper bound; nil means no upper bound.
    public var atMost: Int?

    public init(above: Int, atMost: Int? = nil) {
        self.above = above
        self.atMost = atMost
    }

    public func contains(_ waiting: Int) -> Bool {
        waiting > above && (atMost.map { waiting <= $0 } ?? true)
    }

    /// True when `waiting` is past the upper edge: a worse queue than this band describes.
    public func isExceeded(by waiting: Int) -> Bool {
        atMost.map { waiting > $0 } ?? false
    }

    /// ">5 且 ≤10" / ">10": the form quoted in recommendation reasons.
    public var text: String {
        if let atMost { return ">\(above) 且 ≤\(atMost)" }
        return ">\(above)"
    }
}

/// What one step of the ladder does.
public enum EmergencyStageKind: String, Sendable, Codable, CaseIterable {
    /// Sign a group's staff into inbound seats (002 ①–④).
    case pullIn = "pull_in"
    /// Lengthen shifts to add seats, within the physical seats (002 ⑤).
    case extendShifts = "extend_shifts"
    /// Compute the seats still needed and call in emergency overtime (002 ⑥).
    case overtime
    /// Night: every non-phone person on duty but the supervisors kept back
    /// joins inbound in one step (002 突发性话量排班(夜班)).
    case nightAllHands = "night_all_hands"

    public var label: String {
        switch self {
        case .pullIn: "调入"
        case .extendShifts: "延长班次"
        case .overtime: "紧急加班"
        case .nightAllHands: "夜间全员签入"
        }
    }
}

/// One step of the staged emergency staffing ladder.
///
/// Kept flat (kind + optional fields) rather than an enum with payloads so the
/// admin form and its validation see every field by name.
public struct EmergencyStage: Sendable, Equatable, Codable {
    public var kind: EmergencyStageKind
    /// When this step is due; must hold for `sustainSeconds` in a row.
    public var trigger: WaitingBand
    public var sustainSeconds: Int
    /// The group signed in (`pullIn`) or the groups pooled (`nightAllHands`).
    public var groups: [AgentGroup]
    /// Seats a `pullIn` adds, e.g. 2…3. Nil means the whole group as available
    /// (the seed pulls the floating experts without a count).
    public var minSeats: Int?
    public var maxSeats: Int?
    /// For `nightAllHands`: how many supervisors stay off the phones (the seed: 1 名现场业务督导).
    public var keepSupervisors: Int?

    public init(kind: EmergencyStageKind, trigger: WaitingBand, sustainSeconds: Int = 300,
                groups: [AgentGroup] = [], minSeats: Int? = nil, maxSeats: Int? = nil, keepSupervisors: Int? = nil) {
        self.kind = kind
        self.trigger = trigger
        self.sustainSeconds = sustainSeconds
        self.groups = groups
        self.minSeats = minSeats
        self.maxSeats = maxSeats
        self.keepSupervisors = keepSupervisors
    }

    public static func pullIn(_ group: AgentGroup, _ trigger: WaitingBand, seats: ClosedRange<Int>? = nil,
                              sustainSeconds: Int = 300) -> EmergencyStage {
        EmergencyStage(kind: .pullIn, trigger: trigger, sustainSeconds: sustainSeconds, groups: [group],
                       minSeats: seats?.lowerBound, maxSeats: seats?.upperBound)
    }
}

/// Which applied step is signed out first when the queue has calmed down.
public enum EmergencyReleaseOrder: String, Sendable, Codable, CaseIterable {
    /// The seed: "按签入顺序反方向逐步签出" — the last group in leaves first.
    case reverse
    /// The first group in leaves first (for centers that prefer it).
    case signInOrder = "sign_in_order"

    public var label: String {
        switch self {
        case .reverse: "按签入的相反顺序（后调入的先签出）"
        case .signInOrder: "按签入顺序（先调入的先签出）"
        }
    }
}

/// When and how the extra staff go back to their own work.
public struct EmergencyReleaseRule: Sendable, Equatable, Codable {
    /// Sign-out starts once waiting ≤ this many calls (seed: 5).
    public var waitingAtMost: Int
    /// … for this long; each further step waits this long again.
    public var sustainSeconds: Int
    public var order: EmergencyReleaseOrder

    public init(waitingAtMost: Int = 5, sustainSeconds: Int = 300, order: EmergencyReleaseOrder = .reverse) {
        self.waitingAtMost = waitingAtMost
        self.sustainSeconds = sustainSeconds
        self.order = order
    }
}

/// The night ladder. At night few people are on duty, so the seed replaces the
/// group-by-group day ladder with one all-hands step (then overtime).
public struct EmergencyNightMode: Sendable, Equatable, Codable {
    public var enabled: Bool
    /// Minutes after local midnight; the window may wrap midnight (22:00–08:00).
    public var startMinute: Int
    public var endMinute: Int
    /// IANA zone the window is read in ("Asia/Shanghai").
    public var timeZone: String
    public var stages: [EmergencyStage]

    public init(enabled: Bool = true, startMinute: Int = 22 * 60, endMinute: Int = 8 * 60,
                timeZone: String = "Asia/Shanghai", stages: [EmergencyStage]) {
        self.enabled = enabled
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZone = timeZone
        self.stages = stages
    }

    /// Whether `date` falls in the night window. Computed from the zone's
    /// offset at that instant, so a simulated clock gives the same answer.
    public func contains(_ date: Date) -> Bool {
        guard enabled, startMinute != endMinute else { return false }
        let minute = Self.minuteOfDay(date, in: TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 8 * 3600)!)
        if startMinute < endMinute { return minute >= startMinute && minute < endMinute }
        return minute >= startMinute || minute < endMinute
    }

    /// "22:00–08:00", as quoted in reasons.
    public var windowText: String {
        "\(Self.clock(startMinute))–\(Self.clock(endMinute))"
    }

    static func minuteOfDay(_ date: Date, in zone: TimeZone) -> Int {
        let local = Int((date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))).rounded(.down))
        let seconds = ((local % 86_400) + 86_400) % 86_400
        return seconds / 60
    }

    static func clock(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}

/// The staged emergency staffing policy (R3.4): data an administrator edits,
/// read by `EmergencyEngine`. Stored as JSON next to the center's settings.
public struct EmergencyPolicy: Sendable, Equatable, Codable {
    /// The day ladder, in the order the seed signs groups in. Stage numbers are 1-based positions.
    public var stages: [EmergencyStage]
    /// Seats that can take inbound calls; no recommendation goes past it
    /// (002: "基本已经达到物理台席的上限").
    public var physicalSeats: Int
    public var release: EmergencyReleaseRule
    public var nightMode: EmergencyNightMode
    /// Share of time an agent is busy that the seat estimate plans for (0.85 = 85%).
    public var targetOccupancy: Double

    public init(stages: [EmergencyStage], physicalSeats: Int, release: EmergencyReleaseRule = EmergencyReleaseRule(),
                nightMode: EmergencyNightMode, targetOccupancy: Double = 0.85) {
        self.stages = stages
        self.physicalSeats = physicalSeats
        self.release = release
        self.nightMode = nightMode
        self.targetOccupancy = targetOccupancy
    }

    /// The seed's ladder, 002 排班应急方案 (2) 突发情况应急排班(白班) and (3) 夜班:
    ///
    /// ① 5人<呼入等待人数≤10人且已持续5分钟以上 → 流动专家组加入呼入台席 (whole group, no count given);
    /// ② 第一步调整后仍然如此且已持续5分钟以上 → 2-3个呼出台席;
    /// ③ 第二步调整后仍然如此且已持续5分钟以上 → 2-3名品质控制人员;
    /// ④ 经过前三步调整后如等待人数>10人 → 2-3名后台处理人员 (reached directly when >10: see `EmergencyEngine`);
    /// ⑤ 如果话量持续超高，在物理台席允许的条件下，调整班次长短再增加部分座席 — "still high" is read as
    ///    still above the sign-out level (>5) once ④ is in;
    /// ⑥ 仍无法解决 → 计算出所需台数并根据台席数安排紧急加班;
    /// 签出: 呼入等待人数≤5人的，按签入顺序反方向逐步签出;
    /// 夜班: 除安排1名现场业务督导外，所有非话务台席全部加入呼入台席.
    ///
    /// The seed gives no sustain time for ④–⑥, sign-out or night; the 5 minutes of ①–③ are reused.
    /// It gives no seat count either ("最多可以增加6-9个台席…达到物理台席的上限"); 60 is a
    /// placeholder every center sets to its room.
    public static let seedDefault = EmergencyPolicy(
        stages: [
            .pullIn(.floatingExperts, WaitingBand(above: 5, atMost: 10)),
            .pullIn(.outbound, WaitingBand(above: 5, atMost: 10), seats: 2...3),
            .pullIn(.qc, WaitingBand(above: 5, atMost: 10), seats: 2...3),
            .pullIn(.backOffice, WaitingBand(above: 10), seats: 2...3),
            EmergencyStage(kind: .extendShifts, trigger: WaitingBand(above: 5)),
            EmergencyStage(kind: .overtime, trigger: WaitingBand(above: 5)),
        ],
        physicalSeats: 60,
        release: EmergencyReleaseRule(waitingAtMost: 5, sustainSeconds: 300, order: .reverse),
        nightMode: EmergencyNightMode(
            enabled: true, startMinute: 22 * 60, endMinute: 8 * 60, timeZone: "Asia/Shanghai",
            stages: [
                EmergencyStage(kind: .nightAllHands, trigger: WaitingBand(above: 5), sustainSeconds: 300,
                               groups: [.floatingExperts, .qc, .backOffice], keepSupervisors: 1),
                EmergencyStage(kind: .overtime, trigger: WaitingBand(above: 5), sustainSeconds: 300),
            ]),
        targetOccupancy: 0.85)
}
