import Foundation

/// 外呼 (R7.1–R7.3; seed 002 外呼话务员, 003 第25条): a campaign calls a list of customers for
/// one purpose, within calling hours, a limited number of times with spacing between tries,
/// and calls back when the customer asks. These rules decide who is called next and what an
/// outcome does to a target; the server stores what they decide.

/// Why a campaign calls (002 外呼话务员 1–4).
public enum CampaignPurpose: String, Sendable, Codable, CaseIterable {
    /// 客户回访: after an order, how it went.
    case followUp = "follow_up"
    case satisfaction
    case marketResearch = "market_research"
    /// 挽留与重获: customers leaving or gone, with the offers the agent may make (R7.2).
    case retention

    public var label: String {
        switch self {
        case .followUp: "客户回访"
        case .satisfaction: "满意度调查"
        case .marketResearch: "市场调查"
        case .retention: "挽留与重获"
        }
    }
}

/// What came of one call (the agent's outcome code).
public enum CallOutcome: String, Sendable, Codable, CaseIterable {
    /// Reached, and the questionnaire (if any) was answered.
    case answered
    case noAnswer = "no_answer"
    case busy
    case wrongNumber = "wrong_number"
    case refused
    /// The customer asked to be called at another time (`callbackAt`).
    case callBackLater = "call_back_later"
    /// The customer asked never to be called again: the number is kept off every campaign.
    case doNotCall = "do_not_call"

    public var label: String {
        switch self {
        case .answered: "已接通完成"
        case .noAnswer: "无人接听"
        case .busy: "占线"
        case .wrongNumber: "号码错误"
        case .refused: "拒访"
        case .callBackLater: "约定再拨"
        case .doNotCall: "不再拨打"
        }
    }

    /// The customer was reached (counts toward the reach rate).
    public var reached: Bool { [.answered, .refused, .callBackLater, .doNotCall].contains(self) }
}

/// Where a target stands.
public enum TargetStatus: String, Sendable, Codable, CaseIterable {
    /// Due now or at `nextDueAt`.
    case pending
    /// The agent who took it is calling.
    case calling
    case completed
    case refused
    /// Tries used up without reaching the customer.
    case exhausted
    case wrongNumber = "wrong_number"
    case doNotCall = "do_not_call"

    public var label: String {
        switch self {
        case .pending: "待拨"
        case .calling: "拨打中"
        case .completed: "已完成"
        case .refused: "拒访"
        case .exhausted: "多次未接通"
        case .wrongNumber: "号码错误"
        case .doNotCall: "不再拨打"
        }
    }

    public var isOpen: Bool { self == .pending || self == .calling }
}

/// When customers may be called: hours on chosen weekdays, a quiet midday, never on public
/// holidays (do-not-disturb, 免打扰).
public struct CallingHours: Sendable, Equatable, Codable {
    /// Minutes after midnight, center time.
    public var start: Int
    public var end: Int
    public var weekdays: Set<Int>
    /// A quiet window inside the day (lunch, 午休), minutes; nil for none.
    public var quietStart: Int?
    public var quietEnd: Int?

    public init(start: Int, end: Int, weekdays: Set<Int>, quietStart: Int? = nil, quietEnd: Int? = nil) {
        self.start = start; self.end = end; self.weekdays = weekdays; self.quietStart = quietStart; self.quietEnd = quietEnd
    }

    /// 09:00–20:00 every day, quiet 12:00–14:00: what Chinese operators commonly keep to.
    public static let standard = CallingHours(start: 9 * 60, end: 20 * 60, weekdays: Set(1...7), quietStart: 12 * 60, quietEnd: 14 * 60)

    /// "09:00-20:00" and an optional "12:00-14:00".
    public static func parse(_ hours: String, quiet: String?, weekdays: Set<Int>) -> CallingHours? {
        guard let h = WorkingHours.parse(hours, weekdays: weekdays) else { return nil }
        guard let quiet, !quiet.trimmingCharacters(in: .whitespaces).isEmpty else { return CallingHours(start: h.start, end: h.end, weekdays: weekdays) }
        guard let q = WorkingHours.parse(quiet, weekdays: weekdays), q.start >= h.start, q.end <= h.end else { return nil }
        return CallingHours(start: h.start, end: h.end, weekdays: weekdays, quietStart: q.start, quietEnd: q.end)
    }

    /// Whether `minute` of a calling day is inside the hours and outside the quiet window.
    func allows(minute: Int) -> Bool {
        guard minute >= start, minute < end else { return false }
        if let qs = quietStart, let qe = quietEnd, minute >= qs, minute < qe { return false }
        return true
    }
}

/// How often a target is tried.
public struct AttemptPolicy: Sendable, Equatable, Codable {
    public var maxAttempts: Int
    /// Minutes between two tries of a target that was not reached.
    public var retrySpacingMinutes: Int

    public init(maxAttempts: Int, retrySpacingMinutes: Int) { self.maxAttempts = maxAttempts; self.retrySpacingMinutes = retrySpacingMinutes }

    public static let limits = (attempts: 1...10, spacing: 5...(7 * 24 * 60))
}

/// A target as the rules see it.
public struct OutboundTarget: Sendable, Equatable {
    public var id: UUID
    public var status: TargetStatus
    public var attempts: Int
    /// Not before this time (a retry's spacing, or the time the customer asked for).
    public var nextDueAt: Date?
    /// Set when the customer asked for this time: called first when it comes.
    public var callbackAt: Date?
    public var addedAt: Date
    public var position: Int

    public init(id: UUID, status: TargetStatus, attempts: Int, nextDueAt: Date?, callbackAt: Date?, addedAt: Date, position: Int) {
        self.id = id; self.status = status; self.attempts = attempts; self.nextDueAt = nextDueAt; self.callbackAt = callbackAt
        self.addedAt = addedAt; self.position = position
    }
}

public enum OutboundRules {
    /// Whether `at` is inside the calling hours, not on a public holiday.
    public static func mayCall(at: Date, hours: CallingHours, timeZone: TimeZone, holidays: Set<LocalDay>) -> Bool {
        let day = LocalDay(at, in: timeZone)
        guard hours.weekdays.contains(day.weekday()), !holidays.contains(day) else { return false }
        return hours.allows(minute: Int(at.timeIntervalSince(day.start(in: timeZone)) / 60))
    }

    /// The first moment at or after `from` when calling is allowed (within 60 days), or nil.
    public static func nextCallable(from: Date, hours: CallingHours, timeZone: TimeZone, holidays: Set<LocalDay>) -> Date? {
        var day = LocalDay(from, in: timeZone)
        for _ in 0..<60 {
            if hours.weekdays.contains(day.weekday()) && !holidays.contains(day) {
                let midnight = day.start(in: timeZone)
                let fromMinute = max(0, Int(ceil(from.timeIntervalSince(midnight) / 60)))
                for m in [hours.start, hours.quietEnd].compactMap({ $0 }).map({ max($0, fromMinute) }).sorted() where hours.allows(minute: m) {
                    let t = midnight.addingTimeInterval(Double(m) * 60)
                    return t < from ? from : t
                }
            }
            day = day.adding(days: 1)
        }
        return nil
    }

    /// The target an agent calls next: due callbacks the customer asked for first (earliest
    /// first), then the others that are due, fewest tries first, then in list order.
    public static func next(_ targets: [OutboundTarget], now: Date) -> OutboundTarget? {
        let due = targets.filter { $0.status == .pending && ($0.nextDueAt ?? .distantPast) <= now }
        return due.min { a, b in
            switch (a.callbackAt, b.callbackAt) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return (a.attempts, a.position) < (b.attempts, b.position)
            }
        }
    }

    /// What an outcome does to a target tried for the `attempt`-th time at `now`: its new
    /// status and, when it is tried again, when.
    public static func after(_ outcome: CallOutcome, attempt: Int, now: Date, callbackAt: Date?, policy: AttemptPolicy) -> (status: TargetStatus, nextDueAt: Date?) {
        switch outcome {
        case .answered: return (.completed, nil)
        case .refused: return (.refused, nil)
        case .wrongNumber: return (.wrongNumber, nil)
        case .doNotCall: return (.doNotCall, nil)
        case .callBackLater:
            // The time the customer asked for is kept even after the last regular try (one
            // more call); a customer who keeps putting it off is not called forever.
            return attempt > policy.maxAttempts ? (.exhausted, nil) : (.pending, callbackAt)
        case .noAnswer, .busy:
            guard attempt < policy.maxAttempts else { return (.exhausted, nil) }
            return (.pending, now.addingTimeInterval(Double(policy.retrySpacingMinutes) * 60))
        }
    }

    /// Who may call a campaign's targets: the outbound agents assigned to it; the leads and
    /// the admin may step in.
    public static func mayCall(role: Role, workId: String, assigned: Set<String>) -> Bool {
        guard Permission.outboundCall.isGranted(to: role) else { return false }
        return assigned.contains(workId) || [.teamLead, .shiftLead, .admin].contains(role)
    }

    /// A claimed target whose call was never recorded (the agent closed the page) goes back
    /// to the list after this long.
    public static let claimMinutes = 30

    /// Why an outcome as recorded is refused, or nil: a later call needs the time the customer
    /// asked for, in the future and within 60 days.
    public static func outcomeProblem(_ outcome: CallOutcome, callbackAt: Date?, now: Date) -> FieldProblem? {
        guard outcome == .callBackLater else { return nil }
        guard let callbackAt else { return FieldProblem(field: "callbackAt", message: "约定再拨须填写客户约定的时间") }
        guard callbackAt > now, callbackAt.timeIntervalSince(now) <= 60 * 86400 else {
            return FieldProblem(field: "callbackAt", message: "约定时间须在现在之后 60 天内")
        }
        return nil
    }

    /// The script's opening must give the agent's work ID and the purpose (R7.1: 开场白须报
    /// 工号并说明来意): `{工号}` stands for the calling agent's work ID.
    public static let workIdPlaceholder = "{工号}"

    public static func openingProblem(_ opening: String?, purpose: CampaignPurpose) -> FieldProblem? {
        if let p = Validation.checkText(opening, field: "opening", label: "开场白", max: 500) { return p }
        guard (opening ?? "").contains(workIdPlaceholder) else {
            return FieldProblem(field: "opening", message: "开场白须报工号：请写入 \(workIdPlaceholder)，拨打时替换为话务员工号")
        }
        return nil
    }

    /// The opening as the agent says it.
    public static func opening(_ template: String, workId: String) -> String {
        template.replacingOccurrences(of: workIdPlaceholder, with: workId)
    }
}

/// An offer an agent may make to keep or win back a customer (R7.2), with how many may be
/// given in the campaign. The agent records only offers from the list, within the limit.
public struct RetentionOffer: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    /// nil: no limit.
    public var limit: Int?

    public init(code: String, name: String, limit: Int?) { self.code = code; self.name = name; self.limit = limit }

    /// Why recording `code` is refused given how many were given already, or nil.
    public static func problem(_ code: String?, offers: [RetentionOffer], given: [String: Int]) -> FieldProblem? {
        guard let code, !code.isEmpty else { return nil }
        guard let offer = offers.first(where: { $0.code == code }) else {
            return FieldProblem(field: "offer", message: "「\(code)」不在本活动的挽留方案中，只能从列表中选择")
        }
        if let limit = offer.limit, given[code, default: 0] >= limit {
            return FieldProblem(field: "offer", message: "「\(offer.name)」已发放 \(limit) 份，达到上限")
        }
        return nil
    }
}
