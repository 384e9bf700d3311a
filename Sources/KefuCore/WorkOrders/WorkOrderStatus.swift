/// The life of a work order. Closing is the only way out; nothing is deleted (R1.9).
public enum WorkOrderStatus: String, Sendable, Codable, CaseIterable {
    case open
    case transferred
    case pendingCustomer = "pending_customer"
    case resolved
    case closed

    public var label: String {
        switch self {
        case .open: "处理中"
        case .transferred: "已转派"
        case .pendingCustomer: "待客户反馈"
        case .resolved: "已解决"
        case .closed: "已关闭"
        }
    }

    /// Statuses in which the order still counts as open work (duplicate check, workspace, SLA).
    public var isActive: Bool { self != .closed }

    /// Whether the owner may move the order here by hand (PATCH status). Transferred and
    /// closed are reached only through their own actions, which carry their own checks.
    public static let manuallySettable: Set<WorkOrderStatus> = [.open, .pendingCustomer, .resolved]

    /// The transitions the owner may make by hand.
    public func canChangeManually(to next: WorkOrderStatus) -> Bool {
        guard Self.manuallySettable.contains(next), next != self else { return false }
        switch self {
        case .open: return next == .pendingCustomer || next == .resolved
        case .pendingCustomer: return next == .open || next == .resolved
        case .resolved: return next == .open
        case .transferred: return next == .pendingCustomer || next == .resolved || next == .open
        case .closed: return false
        }
    }
}
