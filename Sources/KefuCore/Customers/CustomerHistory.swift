import Foundation

/// One line of a customer's history (R5.1): whatever the center did with them, in time order.
public struct CustomerHistoryEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case order, callback, call, chat, visit, qcContact = "qc_contact"
        public var label: String {
            switch self {
            case .order: "工单"
            case .callback: "回访"
            case .call: "来电"
            case .chat: "在线会话"
            case .visit: "拜访"
            case .qcContact: "质检"
            }
        }
    }

    public var kind: Kind
    public var at: Date
    public var title: String
    public var detail: String
    /// The page behind the line (an order, a QC contact), when the reader may open it.
    public var href: String?

    public init(kind: Kind, at: Date, title: String, detail: String, href: String? = nil) {
        self.kind = kind; self.at = at; self.title = title; self.detail = detail; self.href = href
    }
}

public enum CustomerHistory {
    /// What each role sees of a customer's history. A liaison knows the customer only through
    /// their department's orders, so only those; QC contacts are scores of agents' work,
    /// so only for those who review it (each agent also sees their own, decided by the caller).
    public static func kinds(for role: Role) -> Set<CustomerHistoryEntry.Kind> {
        switch role {
        case .liaison: [.order]
        case .qcInspector, .teamLead, .shiftLead, .admin: Set(CustomerHistoryEntry.Kind.allCases)
        default: [.order, .callback, .call, .chat, .visit]
        }
    }

    /// Newest first, at most `limit`; ties keep a fixed order so a page never shuffles.
    public static func merge(_ entries: [CustomerHistoryEntry], limit: Int) -> [CustomerHistoryEntry] {
        Array(entries.sorted { a, b in
            if a.at != b.at { return a.at > b.at }
            if a.kind != b.kind { return a.kind.rawValue < b.kind.rawValue }
            return a.title < b.title
        }.prefix(max(0, limit)))
    }

    /// A call as its events tell it: when it came in, where it queued, who answered, how it ended.
    public struct CallEvent: Sendable, Equatable {
        public var callId: String
        public var type: String
        public var at: Date
        public var agentWorkId: String?
        public var queue: String?
        public init(callId: String, type: String, at: Date, agentWorkId: String?, queue: String?) {
            self.callId = callId; self.type = type; self.at = at; self.agentWorkId = agentWorkId; self.queue = queue
        }
    }

    public static func calls(_ events: [CallEvent]) -> [CustomerHistoryEntry] {
        Dictionary(grouping: events, by: \.callId).compactMap { callId, events in
            let ordered = events.sorted { $0.at < $1.at }
            guard let first = ordered.first else { return nil }
            let types = Set(ordered.map(\.type))
            let answeredBy = ordered.first { $0.type == ContactEventType.answered.rawValue }?.agentWorkId
            let queue = ordered.lazy.compactMap(\.queue).first
            var detail: String
            if let answeredBy { detail = "\(answeredBy) 号接听" }
            else if types.contains(ContactEventType.voicemail.rawValue) { detail = "留言" }
            else if types.contains(ContactEventType.abandoned.rawValue) { detail = "未接通（放弃）" }
            else if types.contains(ContactEventType.completed.rawValue) { detail = "已结束" }
            else { detail = "进行中" }
            if let queue { detail = "\(queue) 队列 · " + detail }
            return CustomerHistoryEntry(kind: .call, at: first.at, title: "来电 \(callId)", detail: detail)
        }
    }
}

extension Validation {
    /// The spellings a switch or a web form may have stored one number under: digits only,
    /// with +86 / 0086 (a landline then without its trunk 0). What a lookup of rows stored
    /// as sent (CTI callers, chat phones) asks for.
    public static func phoneSpellings(_ raw: String) -> [String] {
        let n = normalizePhone(raw)
        guard !n.isEmpty else { return [] }
        let national = n.hasPrefix("0") ? String(n.dropFirst()) : n
        return Array(Set([n, "+86" + national, "0086" + national, "86" + national])).sorted()
    }
}
