import Foundation

/// The center's fines and rewards (R9.3, 000 篇五, 002 电话呼叫中心规章制度): data edited by
/// admins and versioned, so a statement names the version its amounts came from. Amounts
/// are in yuan (元).
public struct PenaltyRules: Codable, Equatable, Sendable {
    /// An offence a lead records by hand (the seed's 10/20/50/100–500 yuan lists).
    public struct Offence: Codable, Equatable, Sendable {
        public var code: String
        public var name: String
        public var minAmount: Int
        public var maxAmount: Int

        public init(code: String, name: String, minAmount: Int, maxAmount: Int? = nil) {
            self.code = code; self.name = name; self.minAmount = minAmount; self.maxAmount = maxAmount ?? minAmount
        }
    }

    public enum RewardKind: String, CaseIterable, Codable, Sendable {
        case praise, bonus, promotion

        public var label: String {
            switch self {
            case .praise: "大会表扬"
            case .bonus: "奖金奖励"
            case .promotion: "晋升提级"
            }
        }
    }

    public var version: Int
    /// 迟到早退一次罚款 5 元 (002).
    public var lateFine: Int
    public var earlyLeaveFine: Int
    /// 忘打卡第一次 2 元，以后每次递增 1 元，当月计 (000 第十六条).
    public var forgottenPunchFirst: Int
    public var forgottenPunchStep: Int
    /// 旷工按三倍扣除当天工资 (000 第十八条).
    public var absenceWageMultiple: Int
    /// 连续旷工 3 天或一年内累计旷工 30 天：报中心经理决定，从不自动除名.
    public var dismissalConsecutiveDays: Int
    public var dismissalDaysPerYear: Int
    public var offences: [Offence]
    /// The offence a forbidden phrase confirmed by QC counts as (R2.10 results feeding R9.3),
    /// charged at its lowest amount once per confirmed finding; `nil`: QC costs nothing.
    public var qcForbiddenOffence: String?
    /// A month's reviewed average at or above this earns praise (大会表扬) on the statement,
    /// given at least `qcPraiseMinReviewed` reviewed contacts; 0 turns it off.
    public var qcPraiseScore: Int
    public var qcPraiseMinReviewed: Int

    public init(version: Int = 1, lateFine: Int = 5, earlyLeaveFine: Int = 5, forgottenPunchFirst: Int = 2, forgottenPunchStep: Int = 1,
                absenceWageMultiple: Int = 3, dismissalConsecutiveDays: Int = 3, dismissalDaysPerYear: Int = 30, offences: [Offence] = PenaltyRules.seedOffences,
                qcForbiddenOffence: String? = "rude_to_customer", qcPraiseScore: Int = 95, qcPraiseMinReviewed: Int = 10) {
        self.version = version; self.lateFine = lateFine; self.earlyLeaveFine = earlyLeaveFine
        self.forgottenPunchFirst = forgottenPunchFirst; self.forgottenPunchStep = forgottenPunchStep
        self.absenceWageMultiple = absenceWageMultiple; self.dismissalConsecutiveDays = dismissalConsecutiveDays
        self.dismissalDaysPerYear = dismissalDaysPerYear; self.offences = offences
        self.qcForbiddenOffence = qcForbiddenOffence; self.qcPraiseScore = qcPraiseScore; self.qcPraiseMinReviewed = qcPraiseMinReviewed
    }

    private enum CodingKeys: String, CodingKey {
        case version, lateFine, earlyLeaveFine, forgottenPunchFirst, forgottenPunchStep, absenceWageMultiple
        case dismissalConsecutiveDays, dismissalDaysPerYear, offences, qcForbiddenOffence, qcPraiseScore, qcPraiseMinReviewed
    }

    /// Versions saved before QC fed the statement read as they were: no QC lines.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(version: try c.decode(Int.self, forKey: .version), lateFine: try c.decode(Int.self, forKey: .lateFine),
                  earlyLeaveFine: try c.decode(Int.self, forKey: .earlyLeaveFine), forgottenPunchFirst: try c.decode(Int.self, forKey: .forgottenPunchFirst),
                  forgottenPunchStep: try c.decode(Int.self, forKey: .forgottenPunchStep), absenceWageMultiple: try c.decode(Int.self, forKey: .absenceWageMultiple),
                  dismissalConsecutiveDays: try c.decode(Int.self, forKey: .dismissalConsecutiveDays),
                  dismissalDaysPerYear: try c.decode(Int.self, forKey: .dismissalDaysPerYear), offences: try c.decode([Offence].self, forKey: .offences),
                  qcForbiddenOffence: try c.decodeIfPresent(String.self, forKey: .qcForbiddenOffence),
                  qcPraiseScore: try c.decodeIfPresent(Int.self, forKey: .qcPraiseScore) ?? 0,
                  qcPraiseMinReviewed: try c.decodeIfPresent(Int.self, forKey: .qcPraiseMinReviewed) ?? 10)
    }

    /// 000 篇五 第九条–第十二条, shortened.
    public static let seedOffences: [Offence] = [
        .init(code: "morning_meeting_late", name: "早会迟到", minAmount: 10),
        .init(code: "form_careless", name: "填写工作表格不认真、漏填", minAmount: 10),
        .init(code: "desk_untidy", name: "下班后工作岗位未整理", minAmount: 10),
        .init(code: "post_left_without_cover", name: "离开工作岗位未办理代班手续", minAmount: 20),
        .init(code: "task_late", name: "安排任务未及时完成", minAmount: 20),
        .init(code: "private_use_of_equipment", name: "利用公司设备上网聊天、玩游戏", minAmount: 20),
        .init(code: "out_without_consent", name: "未经主管同意外出", minAmount: 50),
        .init(code: "poor_attitude_confirmed", name: "服务态度欠佳，经顾客检举属实", minAmount: 50),
        .init(code: "punch_for_others", name: "代他人签到、代打卡", minAmount: 50),
        .init(code: "rude_to_customer", name: "在顾客面前说粗话、使用服务忌语", minAmount: 50),
        .init(code: "handover_loss", name: "工作未交接清楚造成重大损失", minAmount: 100, maxAmount: 500),
        .init(code: "quarrel", name: "与顾客或员工发生争吵", minAmount: 100, maxAmount: 500),
    ]

    public var problems: [String] {
        var out: [String] = []
        for (label, v) in [("迟到罚款", lateFine), ("早退罚款", earlyLeaveFine), ("忘打卡首次", forgottenPunchFirst), ("忘打卡递增", forgottenPunchStep)]
        where !(0...1000).contains(v) { out.append("\(label)须为 0–1000 元") }
        if !(0...10).contains(absenceWageMultiple) { out.append("旷工扣薪倍数须为 0–10") }
        if !(1...31).contains(dismissalConsecutiveDays) || !(1...366).contains(dismissalDaysPerYear) { out.append("除名门槛天数无效") }
        var codes = Set<String>()
        for o in offences {
            if o.name.trimmingCharacters(in: .whitespaces).isEmpty || o.code.isEmpty { out.append("违纪项目须有代码和名称") }
            if o.minAmount < 0 || o.maxAmount < o.minAmount || o.maxAmount > 10_000 { out.append("「\(o.name)」的金额范围无效") }
            if !codes.insert(o.code).inserted { out.append("违纪代码「\(o.code)」重复") }
        }
        if let qc = qcForbiddenOffence, !codes.contains(qc) { out.append("质检服务忌语对应的违纪项目「\(qc)」不在违纪项目中") }
        if !(0...100).contains(qcPraiseScore) { out.append("质检表扬分数线须为 0–100（0 为不表扬）") }
        if !(1...10_000).contains(qcPraiseMinReviewed) { out.append("质检表扬的最少复核通数须为 1–10000") }
        return out
    }
}

/// A fine the rules give for a day (the API's `{rule, amount, date}`).
public struct Fine: Codable, Equatable, Sendable {
    /// `late`, `early_leave`, `forgotten_punch`, `absence` or an offence code.
    public var rule: String
    public var amount: Decimal
    public var date: LocalDay
    /// The facts behind it, in words ("本月第 3 次漏打卡").
    public var reason: String

    public init(rule: String, amount: Decimal, date: LocalDay, reason: String) {
        self.rule = rule; self.amount = amount; self.date = date; self.reason = reason
    }
}

/// What a month's lines cost under the rules, and when absences must go to the manager.
public enum PenaltyCalculator {
    /// The fines of one month's lines (`days` of that month only, in order). `dailyWage`
    /// (yuan) prices an unexcused absence; without one, the absence is fined nothing and
    /// says so.
    public static func fines(_ days: [AttendanceDay], rules: PenaltyRules, dailyWage: Decimal?) -> [Fine] {
        var out: [Fine] = []
        var forgotten = 0
        for d in days.sorted(by: { $0.day < $1.day }) {
            switch d.status {
            case .late:
                out.append(Fine(rule: "late", amount: Decimal(rules.lateFine), date: d.day, reason: "迟到 \(d.lateMinutes) 分钟"))
                if d.leftEarly { out.append(Fine(rule: "early_leave", amount: Decimal(rules.earlyLeaveFine), date: d.day, reason: "早退 \(d.earlyMinutes) 分钟")) }
            case .earlyLeave:
                out.append(Fine(rule: "early_leave", amount: Decimal(rules.earlyLeaveFine), date: d.day, reason: "早退 \(d.earlyMinutes) 分钟"))
            case .forgottenPunch:
                forgotten += 1
                let amount = rules.forgottenPunchFirst + (forgotten - 1) * rules.forgottenPunchStep
                out.append(Fine(rule: "forgotten_punch", amount: Decimal(amount), date: d.day, reason: "本月第 \(forgotten) 次漏打卡"))
            case .absent:
                if let dailyWage {
                    out.append(Fine(rule: "absence", amount: dailyWage * Decimal(rules.absenceWageMultiple), date: d.day,
                                    reason: "旷工，按 \(rules.absenceWageMultiple) 倍日工资扣除" + (d.note.map { "（\($0)）" } ?? "")))
                } else {
                    out.append(Fine(rule: "absence", amount: 0, date: d.day, reason: "旷工（未设日工资，金额待定）"))
                }
            case .present, .leave, .off:
                break
            }
        }
        return out
    }

    /// Why the absences (`absentDays` of the last year, any order) reach the dismissal
    /// thresholds, or nil. `rosteredDays`: the days the person was rostered in the same
    /// span, so "consecutive" means rostered day after rostered day (a day off between two
    /// absences does not break the run), across month ends.
    public static func dismissalAlert(absentDays: [LocalDay], rosteredDays: [LocalDay], asOf: LocalDay, rules: PenaltyRules) -> String? {
        let yearAgo = asOf.adding(days: -365)
        let absent = Set(absentDays.filter { $0 > yearAgo && $0 <= asOf })
        var run = 0, longest = 0
        for day in Set(rosteredDays).union(absent).filter({ $0 > yearAgo && $0 <= asOf }).sorted() {
            run = absent.contains(day) ? run + 1 : 0
            longest = max(longest, run)
        }
        if longest >= rules.dismissalConsecutiveDays {
            return "连续旷工 \(longest) 天（规定 \(rules.dismissalConsecutiveDays) 天），须报中心经理决定"
        }
        if absent.count >= rules.dismissalDaysPerYear {
            return "一年内累计旷工 \(absent.count) 天（规定 \(rules.dismissalDaysPerYear) 天），须报中心经理决定"
        }
        return nil
    }
}

extension PenaltyRules {
    /// The offences as the rules page edits them: one a line, `代码,名称,最低金额[,最高金额]`.
    public static func offences(from text: String) -> (offences: [Offence], problems: [String]) {
        var out: [Offence] = [], problems: [String] = []
        for (i, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard (3...4).contains(parts.count), let min = Int(parts[2]), parts.count == 3 || Int(parts[3]) != nil else {
                problems.append("违纪项目第 \(i + 1) 行应为：代码,名称,最低金额[,最高金额]"); continue
            }
            guard !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                problems.append("违纪项目第 \(i + 1) 行：代码只能用英文字母、数字和下划线"); continue
            }
            out.append(Offence(code: parts[0], name: parts[1], minAmount: min, maxAmount: parts.count == 4 ? Int(parts[3]) : nil))
        }
        return (out, problems)
    }

    /// The offences written back in the same form.
    public var offencesText: String {
        offences.map { "\($0.code),\($0.name),\($0.minAmount)" + ($0.maxAmount == $0.minAmount ? "" : ",\($0.maxAmount)") }.joined(separator: "\n")
    }
}
