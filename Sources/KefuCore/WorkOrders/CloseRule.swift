import Foundation

/// Why a work order may not close yet. The reasons are shown to agents as they are.
public enum CloseBlocker: Equatable, Sendable {
    case alreadyClosed
    case openSupervisionOrders(Int)
    case noCallback
    /// The callback reached the customer before a department's receipt: the customer has
    /// not been asked about what the department did.
    case callbackBeforeReceipt
    /// The callback came before the order was marked resolved: it asked about an unfinished matter.
    case callbackBeforeResolution

    public var code: String {
        switch self {
        case .alreadyClosed: "already_closed"
        case .openSupervisionOrders: "open_supervision_order"
        case .noCallback, .callbackBeforeReceipt, .callbackBeforeResolution: "callback_required"
        }
    }

    public var reason: String {
        switch self {
        case .alreadyClosed: "工单已关闭。"
        case .openSupervisionOrders(let n): "还有 \(n) 张督办单未回单，不能关闭工单。"
        case .noCallback: "关闭前必须完成回访（联系上客户并记录满意度）。"
        case .callbackBeforeReceipt: "最近一次回访早于部门回单，请在回单之后重新回访客户再关闭。"
        case .callbackBeforeResolution: "最近一次回访早于工单解决，请在解决之后重新回访客户再关闭。"
        }
    }
}

/// What the close rule looks at, as stored timestamps rather than flags, so the order of
/// events decides (a flag set once would outlive a later receipt).
public struct CloseFacts: Equatable, Sendable {
    public var status: WorkOrderStatus
    public var openSupervisionOrders: Int
    /// When the callback that still stands was recorded: the latest one that reached the
    /// customer without reopening the order. nil when there is none (never reached, or
    /// undone by an unhappy callback or a reopen).
    public var callbackAt: Date?
    /// The latest receipt (回单) of any supervision order of this order.
    public var lastReceiptAt: Date?
    /// When the order was marked resolved, if it is.
    public var resolvedAt: Date?

    public init(status: WorkOrderStatus, openSupervisionOrders: Int, callbackAt: Date?, lastReceiptAt: Date?, resolvedAt: Date?) {
        self.status = status; self.openSupervisionOrders = openSupervisionOrders
        self.callbackAt = callbackAt; self.lastReceiptAt = lastReceiptAt; self.resolvedAt = resolvedAt
    }
}

/// R1.3 + R1.5: an order closes only after every supervision order is answered and a
/// callback reached the customer after the last receipt and after the resolution.
public enum CloseRule {
    public static func blocker(_ f: CloseFacts) -> CloseBlocker? {
        if f.status == .closed { return .alreadyClosed }
        if f.openSupervisionOrders > 0 { return .openSupervisionOrders(f.openSupervisionOrders) }
        guard let callback = f.callbackAt else { return .noCallback }
        // Same instant counts as after: writes are ordered by the server, and stored times
        // may be truncated to the database's precision.
        if let r = f.lastReceiptAt, callback < r { return .callbackBeforeReceipt }
        if let r = f.resolvedAt, callback < r { return .callbackBeforeResolution }
        return nil
    }

    /// A callback with satisfaction at or below this reopens the order (R1.5: problems found are tracked).
    public static let reopenAtOrBelowSatisfaction = 2
}
