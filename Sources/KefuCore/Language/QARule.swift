import Foundation

/// The quality-inspection rule codes (R2.1–R2.9).
///
/// The raw values are stored in findings, scorecards and reports, so they are a
/// stable contract: rename a case, never a raw value.
public enum QARule: String, CaseIterable, Codable, Sendable {
    case forbiddenSarcasm = "forbidden.sarcasm"
    case forbiddenCommand = "forbidden.command"
    case forbiddenBlame = "forbidden.blame"
    case forbiddenComplaint = "forbidden.complaint"
    case forbiddenLecturing = "forbidden.lecturing"
    case forbiddenShirking = "forbidden.shirking"
    case forbiddenImpatience = "forbidden.impatience"
    case forbiddenCasualAgreement = "forbidden.casual_agreement"
    case forbiddenCompetitor = "forbidden.competitor"
    /// A phrase a client company or one of its branches forbids on top of the center's
    /// lexicon (R11.1: stricter rules of its own); see `LexiconAdditions`.
    case forbiddenLocal = "forbidden.local"
    case openingMissing = "opening.missing"
    case openingHoliday = "opening.holiday"
    case closingMissing = "closing.missing"
    case closingHoliday = "closing.holiday"
    case holdNoNotice = "hold.no_notice"
    case holdTooLong = "hold.too_long"
    case holdNoThanks = "hold.no_thanks"
    case waitNoReminder = "wait.no_reminder"
    case courtesyThanksUnanswered = "courtesy.thanks_unanswered"
    case verifyMissing = "verify.missing"
    case callAgentHungUpFirst = "call.agent_hung_up_first"
    /// A protected number (a leader's private number, …) in what the agent said or typed (R5.6).
    case confidentialProtectedNumber = "confidential.protected_number"
    case manualOther = "manual.other"

    /// The name inspectors and agents see in reports (Chinese, as in the seed documents).
    public var label: String {
        switch self {
        case .forbiddenSarcasm: return "服务忌语·讽刺语"
        case .forbiddenCommand: return "服务忌语·命令语"
        case .forbiddenBlame: return "服务忌语·责备语"
        case .forbiddenComplaint: return "服务忌语·埋怨语"
        case .forbiddenLecturing: return "服务忌语·教训语"
        case .forbiddenShirking: return "服务忌语·推卸语"
        case .forbiddenImpatience: return "服务忌语·烦躁语"
        case .forbiddenCasualAgreement: return "服务忌语·随意附和语"
        case .forbiddenCompetitor: return "服务忌语·引导使用竞争对手"
        case .forbiddenLocal: return "服务忌语·补充忌语"
        case .openingMissing: return "缺少开始语"
        case .openingHoliday: return "开始语节日用语错误"
        case .closingMissing: return "缺少结束语"
        case .closingHoliday: return "结束语节日用语错误"
        case .holdNoNotice: return "静音前未告知客户等待"
        case .holdTooLong: return "静音等待超过30秒"
        case .holdNoThanks: return "等待后未感谢客户耐心等待"
        case .waitNoReminder: return "等待超过1分钟未再次提醒"
        case .courtesyThanksUnanswered: return "客户致谢或表扬未应对"
        case .verifyMissing: return "未核对客户提供的号码"
        case .callAgentHungUpFirst: return "客服先于客户挂机"
        case .confidentialProtectedNumber: return "泄露受保护号码"
        case .manualOther: return "人工质检·其他"
        }
    }

    /// Forbidden-phrase rules are the only ones a lexicon entry may use and the
    /// only ones judged on every channel.
    public var isForbidden: Bool { rawValue.hasPrefix("forbidden.") }

    /// What stops a chat line until the agent confirms: a forbidden phrase, or a number
    /// the center never gives out.
    public var blocksSending: Bool { isForbidden || self == .confidentialProtectedNumber }

    /// `blocksSending` for a stored code (custom codes never block).
    public static func blocksSending(_ code: String) -> Bool { QARule(rawValue: code)?.blocksSending ?? false }

    /// The forbidden-phrase categories of the center's lexicon: all but `forbidden.local`,
    /// which holds the companies' and branches' own additions.
    public static var centerCategories: [QARule] { allCases.filter { $0.isForbidden && $0 != .forbiddenLocal } }
}

/// One thing an inspector (or the engine) found in a contact.
public struct Finding: Codable, Hashable, Sendable {
    /// A `QARule` raw value, or a center's custom code (scored with the default points).
    public var rule: String
    /// Index into `transcript.segments` (0 when a single text was checked).
    public var segment: Int
    /// The original matched text, so the report quotes what was actually said;
    /// for structural rules the utterance concerned, or "".
    public var text: String
    /// Unicode-scalar offset into the segment's original text.
    public var start: Int
    /// Exclusive end offset.
    public var end: Int
    /// A standard phrase the agent should have used instead.
    public var suggestion: String?
    /// The lexicon entry that matched, as the admin wrote it (a pattern such as
    /// `(这个)不归[我们|我]管` covers many sentences, so the inspector needs to
    /// see which entry fired to judge or fix it); nil for structural rules.
    public var entry: String?

    public init(rule: String, segment: Int, text: String, start: Int, end: Int, suggestion: String? = nil, entry: String? = nil) {
        self.rule = rule
        self.segment = segment
        self.text = text
        self.start = start
        self.end = end
        self.suggestion = suggestion
        self.entry = entry
    }
}

/// The result of scanning one contact.
public struct ContactScore: Codable, Sendable {
    public var id: String
    public var score: Int
    public var findings: [Finding]

    public init(id: String, score: Int, findings: [Finding]) {
        self.id = id
        self.score = score
        self.findings = findings
    }
}

/// Points deducted per finding; each center tunes its own (R2.10), so it is
/// plain Codable data that the server stores as JSON.
public struct Scorecard: Codable, Sendable, Equatable {
    /// Points per rule code.
    public var points: [String: Int]
    /// Points for codes not listed (manual or custom findings), so a new code
    /// never scores zero by accident.
    public var defaultPoints: Int

    public init(points: [String: Int], defaultPoints: Int) {
        self.points = points
        self.defaultPoints = defaultPoints
    }

    /// The shipped defaults: forbidden phrases weigh most (they cause
    /// complaints), missing routine phrases least.
    public static let standard = Scorecard(points: [
        QARule.forbiddenSarcasm.rawValue: 20,
        QARule.forbiddenCommand.rawValue: 10,
        QARule.forbiddenBlame.rawValue: 15,
        QARule.forbiddenComplaint.rawValue: 10,
        QARule.forbiddenLecturing.rawValue: 15,
        QARule.forbiddenShirking.rawValue: 15,
        QARule.forbiddenImpatience.rawValue: 15,
        QARule.forbiddenCasualAgreement.rawValue: 10,
        QARule.forbiddenCompetitor.rawValue: 20,
        QARule.forbiddenLocal.rawValue: 10,
        QARule.openingMissing.rawValue: 5,
        QARule.openingHoliday.rawValue: 5,
        QARule.closingMissing.rawValue: 5,
        QARule.closingHoliday.rawValue: 5,
        QARule.holdNoNotice.rawValue: 5,
        QARule.holdTooLong.rawValue: 5,
        QARule.holdNoThanks.rawValue: 5,
        QARule.waitNoReminder.rawValue: 5,
        QARule.courtesyThanksUnanswered.rawValue: 5,
        QARule.verifyMissing.rawValue: 5,
        QARule.callAgentHungUpFirst.rawValue: 10,
        QARule.confidentialProtectedNumber.rawValue: 20,
        QARule.manualOther.rawValue: 10,
    ], defaultPoints: 10)

    public func points(for rule: String) -> Int {
        points[rule] ?? defaultPoints
    }

    /// 100 minus all deductions, never below 0; every finding counts, so
    /// repeating a forbidden phrase costs more.
    public func score(_ findings: [Finding]) -> Int {
        let deductions = findings.reduce(0) { $0 + points(for: $1.rule) }
        return max(0, 100 - deductions)
    }
}
