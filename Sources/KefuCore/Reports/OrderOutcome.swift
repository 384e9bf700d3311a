import Foundation

/// The report figures the order list can be narrowed to, so every count on the order report
/// leads to the orders behind it (R10.1 drill-down). Each is one flag of an order's facts
/// (`OrderFacts`), decided once there; the list reads the flag, never decides it again.
public enum OrderOutcome: String, CaseIterable, Sendable {
    case firstContactResolved = "fcr"
    case slaMet = "sla_met"
    case slaBreached = "sla_breached"
    case escalated
    case reopened
    case duplicate

    public var label: String {
        switch self {
        case .firstContactResolved: "首问解决"
        case .slaMet: "时限达标"
        case .slaBreached: "时限超时"
        case .escalated: "升级"
        case .reopened: "重开"
        case .duplicate: "重复工单"
        }
    }
}
