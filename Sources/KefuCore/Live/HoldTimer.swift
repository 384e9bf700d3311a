import Foundation

/// How urgently the agent's call bar should prompt about a hold.
public enum HoldPromptLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case none
    /// The 30 s hold limit is reached (004 第十四条(十五): 在线等待的时长应不超过30秒).
    case limit
    /// A minute has passed: remind the customer again (000: 超过1分钟，需要再次提醒客户).
    case reminder

    public static func < (a: HoldPromptLevel, b: HoldPromptLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What the call bar shows for a hold at a given moment.
public struct HoldPrompt: Sendable, Equatable, Codable {
    public var level: HoldPromptLevel
    /// The text shown; nil at `none`.
    public var message: String?
    /// 1 for the first reminder at 60 s, 2 at 120 s, … (0 below the reminder).
    public var reminderCount: Int
    public var heldSeconds: Int

    public init(level: HoldPromptLevel, message: String?, reminderCount: Int, heldSeconds: Int) {
        self.level = level
        self.message = message
        self.reminderCount = reminderCount
        self.heldSeconds = heldSeconds
    }
}

/// The hold timer on the agent's call bar (R2.3). Pure: the page or the
/// server passes `now`, so the simulated clock moves it too.
public struct HoldTimer: Sendable, Equatable, Codable {
    public static let limitMessage = "保持已达 30 秒，请恢复通话或征得客户同意"
    public static let reminderMessage = "客户已等待 1 分钟，请再次提醒客户"
    /// What to say before muting and on resuming (000), shown beside the timer.
    public static let holdPhrases = ["请您稍等，不要挂机。", "请您稍等，正在为您查询。"]
    public static let resumePhrase = "感谢您的耐心等待。"

    public var startedAt: Date
    public var limitSeconds: Int
    public var reminderSeconds: Int
    /// Repeat the reminder this often after the first one; nil reminds once.
    public var repeatEverySeconds: Int?

    public init(startedAt: Date, limitSeconds: Int = 30, reminderSeconds: Int = 60, repeatEverySeconds: Int? = 60) {
        self.startedAt = startedAt
        self.limitSeconds = limitSeconds
        self.reminderSeconds = reminderSeconds
        self.repeatEverySeconds = repeatEverySeconds
    }

    public func prompt(at now: Date) -> HoldPrompt {
        let held = max(0, Int(now.timeIntervalSince(startedAt).rounded(.down)))
        if held >= reminderSeconds {
            var count = 1
            if let every = repeatEverySeconds, every > 0 { count += (held - reminderSeconds) / every }
            let message = count == 1 ? Self.reminderMessage : "客户已等待 \(held / 60) 分钟，请再次提醒客户"
            return HoldPrompt(level: .reminder, message: message, reminderCount: count, heldSeconds: held)
        }
        if held >= limitSeconds {
            return HoldPrompt(level: .limit, message: Self.limitMessage, reminderCount: 0, heldSeconds: held)
        }
        return HoldPrompt(level: .none, message: nil, reminderCount: 0, heldSeconds: held)
    }

    /// When the next prompt falls due after `now`, so the page can set one timer instead of polling.
    public func nextPromptAt(after now: Date) -> Date? {
        let held = now.timeIntervalSince(startedAt)
        if held < Double(limitSeconds) { return startedAt + Double(limitSeconds) }
        if held < Double(reminderSeconds) { return startedAt + Double(reminderSeconds) }
        guard let every = repeatEverySeconds, every > 0 else { return nil }
        let passed = Int(((held - Double(reminderSeconds)) / Double(every)).rounded(.down)) + 1
        return startedAt + Double(reminderSeconds + passed * every)
    }
}
