import Foundation
import KefuCore

/// A work order as one line of a page table, with times already formatted for people.
struct WorkOrderRow: Encodable {
    var id: String
    var number: String
    var type: String
    var typeLabel: String
    var channelLabel: String
    var status: String
    var statusLabel: String
    var priority: String
    var priorityLabel: String
    var subject: String
    var ownerWorkId: String
    var due: String
    var createdAt: String
    var escalationLevel: Int
    /// "overdue", "near" (≥ 80 % used) or "" — drives the row colour.
    var urgency: String
    var isDuplicate: Bool
    /// Names for the 公司/分公司 columns shown when a list mixes companies (R11).
    var company: String
    var branch: String

    /// `labels` names the company and branch; boards that never mix companies may leave it empty.
    init(_ o: WorkOrder, now: Date, timeZone: TimeZone, labels: TenantLabels = TenantLabels()) {
        self.init(WorkOrderDTO(o, labels: labels), now: now, timeZone: timeZone, labels: labels)
    }

    init(_ o: WorkOrderDTO, now: Date, timeZone: TimeZone, labels: TenantLabels = TenantLabels()) {
        company = labels.companyName(o.companyID)
        branch = labels.branchName(o.branchID)
        let status = WorkOrderStatus(rawValue: o.status) ?? .open
        id = o.id.uuidString; number = o.number; type = o.type
        typeLabel = WorkOrderType(rawValue: o.type)?.label ?? o.type
        channelLabel = KefuCore.Channel(rawValue: o.channel)?.label ?? o.channel
        self.status = o.status; statusLabel = status.label
        priority = o.priority; priorityLabel = Priority(rawValue: o.priority)?.label ?? o.priority
        subject = o.subject; ownerWorkId = o.ownerWorkId
        due = o.resolutionDueAt.map { PageFormat.dateTime($0, timeZone) } ?? (status == .pendingCustomer ? "暂停计时" : "—")
        createdAt = PageFormat.dateTime(o.createdAt, timeZone)
        escalationLevel = o.escalationLevel
        isDuplicate = o.duplicateOf != nil
        if let d = o.resolutionDueAt, status != .closed, status != .resolved {
            urgency = d <= now ? "overdue" : (o.escalationLevel >= 1 ? "near" : "")
        } else {
            urgency = ""
        }
    }

    /// Workspace order: past deadline first, then nearest deadline, paused and resolved last.
    static func sortForWorkspace(_ orders: [WorkOrder]) -> [WorkOrder] {
        orders.sorted { a, b in
            let da = a.resolutionDueAt ?? .distantFuture, db = b.resolutionDueAt ?? .distantFuture
            if da != db { return da < db }
            return a.priorityValue.rank < b.priorityValue.rank
        }
    }
}

/// Choices for the forms' <select>s.
struct Choice: Encodable { var value: String; var label: String }

enum Choices {
    static let types = WorkOrderType.allCases.map { Choice(value: $0.rawValue, label: $0.label) }
    static let channels = KefuCore.Channel.allCases.map { Choice(value: $0.rawValue, label: $0.label) }
    static let priorities = Priority.allCases.map { Choice(value: $0.rawValue, label: $0.label) }
    static let statuses = WorkOrderStatus.allCases.map { Choice(value: $0.rawValue, label: $0.label) }
    static let outcomes = OrderOutcome.allCases.map { Choice(value: $0.rawValue, label: $0.label) }
    static let roles = Role.allCases.map { Choice(value: $0.rawValue, label: $0.label) }
}
