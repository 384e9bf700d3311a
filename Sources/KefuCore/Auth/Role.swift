/// The people who use a center (SPEC "People who use it"). Raw values are the CLI/API spelling.
public enum Role: String, Sendable, Codable, CaseIterable {
    case agent
    case vipAgent = "vip_agent"
    case outboundAgent = "outbound_agent"
    case teamLead = "team_lead"
    case shiftLead = "shift_lead"
    case qcInspector = "qc_inspector"
    case knowledgeEditor = "knowledge_editor"
    case complaintHandler = "complaint_handler"
    case liaison
    case planner
    /// 营业员: serves customers at a hall's counter and calls their tickets (R3.6).
    case counterClerk = "counter_clerk"
    /// 上门工程师: goes to customers' homes for the visits booked on orders (R8.1, R8.2).
    case technician
    case admin

    /// The agents on the phones: the ones a roster places in seats and a team is made of.
    public static let seated: [Role] = [.agent, .vipAgent, .outboundAgent]

    public var label: String {
        switch self {
        case .agent: "话务员"
        case .vipAgent: "VIP话务员"
        case .outboundAgent: "外呼话务员"
        case .teamLead: "话务班长"
        case .shiftLead: "值班长"
        case .qcInspector: "质检员"
        case .knowledgeEditor: "采编员"
        case .complaintHandler: "申告处理员"
        case .liaison: "支撑部门联络员"
        case .planner: "排班计划员"
        case .counterClerk: "营业员"
        case .technician: "上门工程师"
        case .admin: "系统管理员"
        }
    }

    /// The page a person of this role lands on after signing in.
    public var homePath: String {
        switch self {
        case .liaison: "/supervision"
        case .shiftLead, .teamLead: "/shift"
        case .admin: "/admin"
        case .qcInspector: "/qa"
        case .knowledgeEditor: "/qa/lexicon"
        case .planner: "/workforce"
        case .counterClerk: "/counter"
        case .technician: "/visits/today"
        default: "/workspace"
        }
    }
}
