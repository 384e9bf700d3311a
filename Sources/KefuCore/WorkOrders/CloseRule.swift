/// Why a work order may not close yet. The reasons are shown to agents as they are.
public enum CloseBlocker: Equatable, Sendable {
    case alreadyClosed
    case openSupervisionOrders(Int)
    case noCallback

    public var code: String {
        switch self {
        case .alreadyClosed: "already_closed"
        case .openSupervisionOrders: "open_supervision_order"
        case .noCallback: "callback_required"
        }
    }

    public var reason: String {
        switch self {
        case .alreadyClosed: "工单已关闭。"
        case .openSupervisionOrders(let n): "还有 \(n) 张督办单未回单，不能关闭工单。"
        case .noCallback: "关闭前必须完成回访（联系上客户并记录满意度）。"
        }
    }
}

/// R1.3 + R1.5: an order closes only after every supervision order is answered and a
/// callback reached the customer.
public enum CloseRule {
    public static func blocker(status: WorkOrderStatus, openSupervisionOrders: Int, callbackDone: Bool) -> CloseBlocker? {
        if status == .closed { return .alreadyClosed }
        if openSupervisionOrders > 0 { return .openSupervisionOrders(openSupervisionOrders) }
        if !callbackDone { return .noCallback }
        return nil
    }

    /// A callback with satisfaction at or below this reopens the order (R1.5: problems found are tracked).
    public static let reopenAtOrBelowSatisfaction = 2
}
