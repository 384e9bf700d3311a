/// Everything a route can require. Declared once here, with the roles that hold it,
/// so a reviewer reads the whole access policy in one file.
public enum Permission: String, Sendable, CaseIterable {
    /// Any signed-in person: own profile, sign out, the department list.
    case signedIn = "signed_in"
    case workOrderRead = "work_order.read"
    case workOrderWrite = "work_order.write"
    /// Hand an order to a department or to the shift lead (R1.3).
    case workOrderTransfer = "work_order.transfer"
    /// Record the callback (R1.5).
    case callbackWrite = "callback.write"
    case workOrderClose = "work_order.close"
    case supervisionRead = "supervision.read"
    /// Write the department's receipt (回单).
    case receiptWrite = "supervision.receipt"
    case customerRead = "customer.read"
    case customerWrite = "customer.write"
    /// The shift lead's board: escalations, overdue supervision orders, today's counts.
    case shiftBoard = "shift.board"
    case adminUsers = "admin.users"
    case adminSettings = "admin.settings"
    /// Move the simulated clock (training centers only).
    case clockAdvance = "clock.advance"

    /// Roles that hold this permission.
    public var roles: Set<Role> {
        let frontLine: Set<Role> = [.agent, .vipAgent, .outboundAgent, .teamLead, .shiftLead, .complaintHandler, .admin]
        switch self {
        case .signedIn:
            return Set(Role.allCases)
        case .workOrderRead:
            return frontLine.union([.qcInspector, .knowledgeEditor, .liaison, .planner])
        case .workOrderWrite, .workOrderTransfer, .workOrderClose:
            return frontLine
        case .callbackWrite:
            return frontLine
        case .supervisionRead:
            return [.liaison, .shiftLead, .teamLead, .complaintHandler, .admin, .agent, .vipAgent, .outboundAgent]
        case .receiptWrite:
            return [.liaison, .complaintHandler, .shiftLead, .admin]
        case .customerRead:
            return frontLine.union([.qcInspector, .liaison])
        case .customerWrite:
            return frontLine
        case .shiftBoard:
            return [.shiftLead, .teamLead, .admin]
        case .adminUsers, .adminSettings, .clockAdvance:
            return [.admin]
        }
    }

    public func isGranted(to role: Role) -> Bool { roles.contains(role) }
}
