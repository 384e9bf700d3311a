import Foundation

/// The groups a center's staff belong to (R3.1). Staged emergency staffing
/// pulls whole groups into inbound in a fixed order (002 排班应急方案), so the
/// group, not the person, is what the policy and the recommendations name.
public enum AgentGroup: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable {
    case inbound
    case vip
    case outbound
    case floatingExperts = "floating_experts"
    case qc
    case backOffice = "back_office"

    /// The name the shift lead reads in recommendations and on the wallboard.
    public var label: String {
        switch self {
        case .inbound: "呼入组"
        case .vip: "VIP组"
        case .outbound: "呼出组"
        case .floatingExperts: "流动专家组"
        case .qc: "质检组"
        case .backOffice: "后台处理组"
        }
    }

    /// The name of the switch queue of the same name (`inbound`, `vip` …) on the
    /// wallboard: the queue is the line callers wait in, the group the staff.
    public var queueLabel: String {
        switch self {
        case .inbound: "呼入"
        case .vip: "VIP"
        case .outbound: "外呼"
        case .floatingExperts: "流动专家"
        case .qc: "质检"
        case .backOffice: "后台处理"
        }
    }

    /// Groups whose daily work is answering calls. At night the seed keeps
    /// these where they are and pulls everybody else in (002 突发性话量排班(夜班)).
    public var isPhoneGroup: Bool {
        switch self {
        case .inbound, .vip, .outbound: true
        case .floatingExperts, .qc, .backOffice: false
        }
    }
}
