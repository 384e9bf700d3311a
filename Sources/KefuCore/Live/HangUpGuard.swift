import Foundation

/// The cases in which the seeds let the agent end the call first.
public enum HangUpException: String, Sendable, Codable, CaseIterable {
    /// Abusive customer after two warnings and the announcement (R2.6, 000).
    case abusiveAfterWarnings = "abusive_after_warnings"
    /// Malicious harassment after a warning (004 第十四条(九)).
    case harassment
    /// A bad line after asking to call again and waiting 5 s (000 篇六).
    case badLine = "bad_line"
    /// A wrong or nuisance call the agent has closed politely.
    case wrongNumber = "wrong_number"
}

/// Whether the call bar should stop an agent from hanging up (R2.9: 不得先于
/// 客户挂断电话, 004 第十四条(十六), 002 §9 七 "等对方挂掉电话后轻轻挂掉").
public enum HangUpGuard {
    public static let warning = "请等客户先挂机：不得先于客户挂断电话"

    /// The warning to show, or nil when hanging up is fine: the customer has
    /// already gone, or one of the seed's exceptions applies. The agent may
    /// still confirm; the server records the confirmed early hang-up for QC.
    public static func warning(customerStillOnLine: Bool, exception: HangUpException? = nil) -> String? {
        guard customerStillOnLine, exception == nil else { return nil }
        return warning
    }
}
