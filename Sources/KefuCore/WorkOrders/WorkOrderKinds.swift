/// Work order types (R1.1). Raw values are the API spelling; `label` is what the page shows.
public enum WorkOrderType: String, Sendable, Codable, CaseIterable {
    case consultation, query, complaint, suggestion, business, fault

    public var label: String {
        switch self {
        case .consultation: "咨询"
        case .query: "查询"
        case .complaint: "投诉"
        case .suggestion: "建议"
        case .business: "业务办理"
        case .fault: "故障报修"
        }
    }
}

/// How the customer reached the center (R12.1).
public enum Channel: String, Sendable, Codable, CaseIterable {
    case phone, chat, email, voicemail, counter, field

    public var label: String {
        switch self {
        case .phone: "电话"
        case .chat: "在线"
        case .email: "邮件"
        case .voicemail: "语音留言"
        case .counter: "营业厅"
        case .field: "上门"
        }
    }
}

/// Priority decides the SLA policy together with the type; VIP work is raised (R3.2).
public enum Priority: String, Sendable, Codable, CaseIterable {
    case low, normal, high, urgent

    public var label: String {
        switch self {
        case .low: "低"
        case .normal: "普通"
        case .high: "高"
        case .urgent: "紧急"
        }
    }

    /// Sort key: urgent first.
    public var rank: Int {
        switch self {
        case .urgent: 0
        case .high: 1
        case .normal: 2
        case .low: 3
        }
    }
}
