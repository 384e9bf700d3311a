/// Customer pyramid tiers by revenue or profit, not by how often they call (R5.2).
public enum CustomerTier: String, Sendable, Codable, CaseIterable {
    case vip, major, normal, small

    /// 0 for the top of the pyramid: a smaller rank is the more valuable customer.
    public var rank: Int { Self.allCases.firstIndex(of: self) ?? Self.allCases.count }

    public var label: String {
        switch self {
        case .vip: "VIP客户"
        case .major: "重要客户"
        case .normal: "普通客户"
        case .small: "小客户"
        }
    }

    /// VIP work is handled first (R3.2): new orders of VIP customers start one step higher.
    public func raise(_ p: Priority) -> Priority {
        guard self == .vip else { return p }
        switch p {
        case .low: return .normal
        case .normal: return .high
        case .high, .urgent: return .urgent
        }
    }
}
