import Foundation

/// The special-customers list (R5.3, 004 第十三条): VIPs, key accounts and groups, each with
/// an owner who reviews them periodically, follow-up visits, action before their services
/// expire, and a dedicated contact channel.
public enum SpecialCategory: String, Sendable, Codable, CaseIterable {
    case vip
    case keyAccount = "key_account"
    case group

    public var label: String {
        switch self {
        case .vip: "VIP客户"
        case .keyAccount: "大客户"
        case .group: "集团客户"
        }
    }
}

/// When the list's owners are reminded, and what a listed customer's entry must hold.
public enum SpecialCustomerRules {
    /// A review is announced this many days before it is due (and every day it is overdue,
    /// until done, through one reminder per due date).
    public static let reviewNoticeDays = 7
    /// A service is flagged this many days before it expires: time to call and renew.
    public static let expiryNoticeDays = 30
    /// A follow-up visit is announced the day before.
    public static let visitNoticeDays = 1
    /// The longest a review may be put off: the list is reviewed at least yearly.
    public static let longestReviewInterval = 366

    public static func reviewNoticeDue(reviewOn: LocalDay, today: LocalDay) -> Bool {
        today >= reviewOn.adding(days: -reviewNoticeDays)
    }

    public static func expiryNoticeDue(expiresOn: LocalDay, today: LocalDay) -> Bool {
        today >= expiresOn.adding(days: -expiryNoticeDays)
    }

    public static func visitNoticeDue(dueOn: LocalDay, today: LocalDay) -> Bool {
        today >= dueOn.adding(days: -visitNoticeDays)
    }

    /// The next review date's problem, if any: not before today, not more than a year away.
    public static func reviewDateProblem(_ day: LocalDay, today: LocalDay) -> String? {
        if day < today { return "复核日期不能早于今天" }
        if day > today.adding(days: longestReviewInterval) { return "复核日期不能晚于一年以后（名单须至少每年复核一次）" }
        return nil
    }

    /// A service's dates: the end after the start.
    public static func serviceDatesProblem(start: LocalDay?, expires: LocalDay?) -> String? {
        if let start, let expires, expires < start { return "到期日不能早于开通日" }
        return nil
    }
}
