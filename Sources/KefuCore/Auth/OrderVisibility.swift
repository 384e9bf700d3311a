import Foundation

/// Which work orders (and through them, which customers and supervision orders) a person
/// may read. Permissions say which routes a role may call; this says which rows those
/// routes may show. Decided here once; the server translates it into one scoped query.
///
/// The policy (README "Who sees what"):
/// - Front-line roles, leads, complaint handlers and the admin see every order: a customer
///   may call about any order, and first-contact ownership (R1.2) means any agent answers.
/// - A department liaison sees an order only while their department works on it: it has a
///   supervision order to that department and is not closed (an open supervision order
///   keeps an order from closing, so "open" is covered; after the receipt they may still
///   follow it until it closes). Inside it they see only their own department's
///   supervision orders and a timeline without other departments' notes, callbacks or
///   hand-over reasons. The customer archive follows the same orders.
/// - QC inspectors, knowledge editors and planners see no orders: QC scores contacts
///   (transcripts carry no order or customer), editors keep the lexicon, planners work
///   from traffic counts.
public enum OrderVisibility: Equatable, Sendable {
    case all
    case department(UUID)
    case none

    public static func of(role: Role, departmentID: UUID?) -> OrderVisibility {
        guard Permission.workOrderRead.isGranted(to: role) else { return .none }
        if role == .liaison {
            // A liaison without a department has no department's work to follow.
            return departmentID.map { .department($0) } ?? .none
        }
        return .all
    }

    /// Whether an order in `status`, with supervision orders sent to `supervisedBy`, is visible.
    public func includes(status: WorkOrderStatus, supervisedBy departments: Set<UUID>) -> Bool {
        switch self {
        case .all: true
        case .none: false
        case .department(let d): status != .closed && departments.contains(d)
        }
    }

    /// Whether a supervision order sent to `department` (its note and receipt) is visible.
    public func includesSupervision(to department: UUID) -> Bool {
        switch self {
        case .all: true
        case .none: false
        case .department(let d): d == department
        }
    }

    /// Timeline kinds a department may read: what happened to the order, without the text
    /// other people wrote for other purposes (transfers and receipts name other departments
    /// and carry their notes; callbacks and hand-overs carry the customer's and agents' words).
    public static let departmentTimelineKinds: Set<String> = ["created", "status_changed", "updated", "escalated", "reopened", "closed"]

    public func showsTimelineEvent(kind: String) -> Bool {
        switch self {
        case .all: true
        case .none: false
        case .department: Self.departmentTimelineKinds.contains(kind)
        }
    }

    /// Callback records (the customer's satisfaction and words) are for the order's owners.
    public var showsCallbacks: Bool { self == .all }
}
