import Foundation

/// The monthly statement of rewards and penalties (奖惩单, R9.3): each line a fine or a reward
/// with the rule version and the facts behind it, published on the 1st for the month before;
/// the person may appeal it once, and the team lead decides.
public enum MonthlyStatement {
    public enum LineKind: String, CaseIterable, Codable, Sendable {
        case fine, reward

        public var label: String { self == .fine ? "罚款" : "奖励" }
    }

    public struct Line: Codable, Equatable, Sendable {
        public var kind: LineKind
        /// `late`, `early_leave`, `forgotten_punch`, `absence`, an offence code, or a reward kind.
        public var rule: String
        public var label: String
        public var amount: Decimal
        public var date: LocalDay?
        public var facts: String
        public var ruleVersion: Int
        /// Struck out by the team lead's decision on the appeal: shown, not counted.
        public var struck: Bool

        public init(kind: LineKind, rule: String, label: String, amount: Decimal, date: LocalDay?, facts: String, ruleVersion: Int, struck: Bool = false) {
            self.kind = kind; self.rule = rule; self.label = label; self.amount = amount; self.date = date; self.facts = facts
            self.ruleVersion = ruleVersion; self.struck = struck
        }
    }

    public enum AppealStatus: String, CaseIterable, Codable, Sendable {
        case none, pending, upheld, amended

        public var label: String {
            switch self {
            case .none: "未申诉"
            case .pending: "申诉待班长处理"
            case .upheld: "申诉已处理：维持原单"
            case .amended: "申诉已处理：已更正"
            }
        }
    }

    public static let maxAppeal = 500

    /// The month's attendance sheet as published with the statement: what the person and
    /// payroll were shown, kept as it was when later punches or corrections change the live
    /// reading, until a lead publishes it again with a reason.
    public struct PublishedSheet: Codable, Equatable, Sendable {
        public var days: [AttendanceDay]
        public var fines: [Fine]
        public var rulesVersion: Int
        /// The daily wage the absence fines were computed from, if one was set.
        public var dailyWage: Decimal?

        public init(days: [AttendanceDay], fines: [Fine], rulesVersion: Int, dailyWage: Decimal?) {
            self.days = days; self.fines = fines; self.rulesVersion = rulesVersion; self.dailyWage = dailyWage
        }
    }

    /// The statement's lines: the attendance fines as the rules gave them, then what leads
    /// recorded by hand (offences and rewards), in date order.
    public static func lines(fines: [Fine], recorded: [Line], ruleVersion: Int) -> [Line] {
        let attendance = fines.map { f in
            Line(kind: .fine, rule: f.rule, label: label(rule: f.rule), amount: f.amount, date: f.date, facts: f.reason, ruleVersion: ruleVersion)
        }
        return (attendance + recorded).sorted { ($0.date ?? LocalDay(year: 1, month: 1, day: 1)) < ($1.date ?? LocalDay(year: 1, month: 1, day: 1)) }
    }

    /// A forbidden phrase an inspector confirmed on one of the person's reviewed contacts.
    public struct QCFinding: Equatable, Sendable {
        public var day: LocalDay
        public var rule: String
        public var text: String
        public var contact: String

        public init(day: LocalDay, rule: String, text: String, contact: String) {
            self.day = day; self.rule = rule; self.text = text; self.contact = contact
        }
    }

    /// What QC gives the month's statement (R2.10 → R9.3): a fine per confirmed forbidden
    /// phrase under the offence the rules name, and praise for a reviewed average at or above
    /// the rules' mark (enough contacts reviewed for it to mean something).
    public static func qcLines(findings: [QCFinding], reviewedScores: [Int], lastDay: LocalDay, rules: PenaltyRules) -> [Line] {
        var out: [Line] = []
        if let code = rules.qcForbiddenOffence, let offence = rules.offences.first(where: { $0.code == code }) {
            for f in findings {
                let category = QARule(rawValue: f.rule)?.label ?? f.rule
                out.append(Line(kind: .fine, rule: offence.code, label: offence.name, amount: Decimal(offence.minAmount), date: f.day,
                                facts: "质检确认服务忌语「\(f.text)」（\(category)，通话 \(f.contact)）", ruleVersion: rules.version))
            }
        }
        if rules.qcPraiseScore > 0, reviewedScores.count >= rules.qcPraiseMinReviewed {
            let average = Double(reviewedScores.reduce(0, +)) / Double(reviewedScores.count)
            if average >= Double(rules.qcPraiseScore) {
                out.append(Line(kind: .reward, rule: PenaltyRules.RewardKind.praise.rawValue, label: PenaltyRules.RewardKind.praise.label, amount: 0,
                                date: lastDay, facts: String(format: "质检复核 %d 通，平均 %.1f 分（≥ %d 分）", reviewedScores.count, average, rules.qcPraiseScore),
                                ruleVersion: rules.version))
            }
        }
        return out
    }

    /// What the lines come to; struck lines count nothing.
    public static func totals(_ lines: [Line]) -> (fines: Decimal, rewards: Decimal) {
        let counted = lines.filter { !$0.struck }
        return (counted.filter { $0.kind == .fine }.reduce(0) { $0 + $1.amount }, counted.filter { $0.kind == .reward }.reduce(0) { $0 + $1.amount })
    }

    /// The lead's decision on an appeal: the lines at `strike` struck out (amended), or none (upheld).
    public static func decide(_ lines: [Line], strike: Set<Int>) -> (lines: [Line], status: AppealStatus) {
        let valid = strike.filter { lines.indices.contains($0) }
        var out = lines
        for i in valid { out[i].struck = true }
        return (out, valid.isEmpty ? .upheld : .amended)
    }

    public static func label(rule: String) -> String {
        switch rule {
        case "late": "迟到"
        case "early_leave": "早退"
        case "forgotten_punch": "漏打卡"
        case "absence": "旷工"
        default: PenaltyRules.RewardKind(rawValue: rule)?.label ?? rule
        }
    }

    /// Only the person whose statement it is, only once, only while it stands unappealed.
    public static func appealProblem(owner: String, by: String, status: AppealStatus, text: String) -> String? {
        if owner != by { return "只能对本人的奖惩单申诉" }
        if status != .none { return "每张奖惩单只能申诉一次（\(status.label)）" }
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty || t.count > maxAppeal { return "申诉理由须为 1–\(maxAppeal) 字" }
        return nil
    }

    /// The first day the month's statement is due: the 1st of the next month.
    public static func isDue(month: (year: Int, month: Int), today: LocalDay) -> Bool {
        (today.year, today.month) > (month.year, month.month)
    }
}
