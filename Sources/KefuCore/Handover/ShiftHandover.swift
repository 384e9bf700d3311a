import Foundation

/// The shift handover (交接班, R9.1; 002 交接班制度, 004 第十六条): the outgoing shift lead
/// writes the shift log (值班日记) and flags what the next shift must follow up; the handover
/// is face to face and signed by both, each with their own work ID and time; the incoming
/// lead is expected 10–15 minutes before the shift, and arriving later is recorded.
public enum ShiftHandover {
    public static let maxLog = 5_000
    public static let maxItemText = 300
    public static let maxItems = 30

    public enum Status: String, CaseIterable, Codable, Sendable {
        /// Written by the outgoing lead, not yet signed.
        case draft
        /// Signed by the outgoing lead, waiting for the incoming lead's signature.
        case handedOver = "handed_over"
        /// Signed by both: the next shift has it.
        case received

        public var label: String {
            switch self {
            case .draft: "草稿"
            case .handedOver: "待接班签收"
            case .received: "已交接"
            }
        }
    }

    /// What a flagged item is about (each linked to an order, a call or a person).
    public enum ItemKind: String, CaseIterable, Codable, Sendable {
        case order, call, person, other

        public var label: String {
            switch self {
            case .order: "工单"
            case .call: "来电"
            case .person: "人员"
            case .other: "其他"
            }
        }
    }

    public enum ItemStatus: String, CaseIterable, Codable, Sendable {
        case open, closed

        public var label: String { self == .open ? "待跟进" : "已处理" }
    }

    /// Shift leads hand over; the admin may stand in for a lead who is away.
    public static func mayHandOver(_ role: Role) -> Bool { [.shiftLead, .admin].contains(role) }

    /// The incoming lead signs with their own sign-in: a shift lead other than the outgoing one.
    public static func receiveProblem(outgoing: String, incoming: String, incomingRole: Role) -> String? {
        if incoming == outgoing { return "交班人和接班人不能是同一人" }
        if incomingRole != .shiftLead { return "接班人须为值班长" }
        return nil
    }

    /// Minutes the incoming lead arrived after the rule's time (`leadArrivalMinutes` before
    /// the shift starts); 0 when on time. A started minute counts.
    public static func lateArrivalMinutes(arrivedAt: Date, shiftStart: Date, leadArrivalMinutes: Int) -> Int {
        AttendanceSheet.minutes(from: shiftStart.addingTimeInterval(-Double(leadArrivalMinutes) * 60), to: arrivedAt)
    }

    /// What is wrong with a flagged item as typed; nil when it may be kept. An item about an
    /// order, a call or a person names it.
    public static func itemProblem(kind: ItemKind, ref: String, text: String) -> String? {
        let r = ref.trimmingCharacters(in: .whitespaces), t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty { return "请写明要跟进的事项" }
        if t.count > maxItemText { return "事项不超过 \(maxItemText) 字" }
        switch kind {
        case .order: if !OrderNumber.looksLikeNumber(r) { return "请填写工单号（如 GD20261201-0001）" }
        case .call, .person: if r.isEmpty || r.count > 64 { return "请填写\(kind == .call ? "来电编号或号码" : "工号")" }
        case .other: if r.count > 64 { return "关联内容过长" }
        }
        return nil
    }
}
