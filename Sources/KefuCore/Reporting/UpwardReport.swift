import Foundation

/// Reporting upward (请示报告, R9.4; 002 请示报告制度): a competition issue, a leak, a major
/// error, a safety matter or something beyond one's duties goes up level by level — agent,
/// team lead, shift lead, center manager — each level answering it or passing it on. An
/// emergency may skip a level; the skipped level is told afterwards.
public enum UpwardReport {
    public static let maxText = 2_000

    public enum Kind: String, CaseIterable, Codable, Sendable {
        case competition
        case leak
        case majorError = "major_error"
        case safety
        case outOfScope = "out_of_scope"

        public var label: String {
            switch self {
            case .competition: "竞争性问题"
            case .leak: "泄密事件"
            case .majorError: "重大差错"
            case .safety: "安全问题"
            case .outOfScope: "超出本职范围的问题"
            }
        }
    }

    /// The chain: who a report is with.
    public enum Level: Int, CaseIterable, Codable, Sendable, Comparable {
        case agent = 0, teamLead, shiftLead, centerManager

        public var label: String {
            switch self {
            case .agent: "话务员"
            case .teamLead: "话务班长"
            case .shiftLead: "值班长"
            case .centerManager: "中心经理"
            }
        }

        /// The role that answers at this level (the center manager is the admin in Kefu).
        public var role: Role {
            switch self {
            case .agent: .agent
            case .teamLead: .teamLead
            case .shiftLead: .shiftLead
            case .centerManager: .admin
            }
        }

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public enum Status: String, CaseIterable, Codable, Sendable {
        case open, answered

        public var label: String { self == .open ? "待答复" : "已答复" }
    }

    /// What happened to a report at a level.
    public enum StepAction: String, CaseIterable, Codable, Sendable {
        case raised, passed, answered

        public var label: String {
            switch self {
            case .raised: "提出"
            case .passed: "上报"
            case .answered: "答复"
            }
        }
    }

    /// Where a person stands in the chain.
    public static func level(of role: Role) -> Level {
        switch role {
        case .teamLead: .teamLead
        case .shiftLead: .shiftLead
        case .admin: .centerManager
        default: .agent
        }
    }

    /// Everyone may report; what they report goes to the level above them.
    public static func mayReport(_ role: Role) -> Bool { level(of: role) < .centerManager }

    /// Where a report goes from `from`: the next level, or in an emergency the one after it
    /// (the skipped level returned so it is told afterwards). Nil at the top.
    public static func next(from: Level, emergency: Bool) -> (to: Level, skipped: Level?)? {
        guard let up = Level(rawValue: from.rawValue + 1) else { return nil }
        if emergency, let over = Level(rawValue: from.rawValue + 2) { return (over, up) }
        return (up, nil)
    }

    /// Only the level a report is with answers it or passes it on.
    public static func mayAct(role: Role, at level: Level) -> Bool { self.level(of: role) == level }

    public static func textProblem(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty || t.count > maxText { return "内容须为 1–\(maxText) 字" }
        return nil
    }
}
