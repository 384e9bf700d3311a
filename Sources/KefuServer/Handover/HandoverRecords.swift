import Fluent
import Vapor
import KefuCore

/// A shift log (值班日记) and its handover, signed by the outgoing and the incoming lead.
final class ShiftHandoverRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "shift_handovers"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "status") var status: ShiftHandover.Status
    /// The shift handed over, in the lead's words ("12月7日 白班").
    @Field(key: "shift_label") var shiftLabel: String
    /// When the next shift starts: the incoming lead is due `leadArrivalMinutes` before.
    @Field(key: "next_shift_start") var nextShiftStart: Date
    @Field(key: "log") var log: String
    /// `HandoverFacts` as JSON: what Kefu knew when the log was written.
    @Field(key: "facts") var facts: String
    @Field(key: "outgoing_work_id") var outgoingWorkId: String
    @OptionalField(key: "outgoing_signed_at") var outgoingSignedAt: Date?
    @OptionalField(key: "incoming_work_id") var incomingWorkId: String?
    @OptionalField(key: "incoming_signed_at") var incomingSignedAt: Date?
    /// Minutes the incoming lead arrived after the rule's time (0: on time).
    @OptionalField(key: "late_arrival_minutes") var lateArrivalMinutes: Int?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A follow-up flagged for the next shift; it stays on the shift board until closed.
final class ShiftHandoverItem: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "shift_handover_items"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "handover_id") var handoverID: UUID
    @Field(key: "kind") var kind: ShiftHandover.ItemKind
    /// The order number, call, or work ID it is about.
    @Field(key: "ref") var ref: String
    @Field(key: "text") var text: String
    @Field(key: "status") var status: ShiftHandover.ItemStatus
    @OptionalField(key: "closed_by") var closedBy: String?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// What Kefu fills into a shift log: the state of the center as the log is written.
struct HandoverFacts: Codable, Sendable {
    var escalated: [String]
    var overdueSupervision: [String]
    var emergencySteps: [String]
    var ordersCreated: Int
    var callsOffered: Int
    var callsAnswered: Int
    var callsAbandoned: Int
    var waiting: Int
}

/// The facts as a page shows them: an empty list is "无", which Leaf only tells from nil.
struct HandoverFactsView: Encodable {
    @NilIfEmpty var escalated: [String]
    @NilIfEmpty var overdueSupervision: [String]
    @NilIfEmpty var emergencySteps: [String]
    var ordersCreated: Int
    var callsOffered: Int
    var callsAnswered: Int
    var callsAbandoned: Int
    var waiting: Int

    init(_ f: HandoverFacts) {
        escalated = f.escalated; overdueSupervision = f.overdueSupervision; emergencySteps = f.emergencySteps
        ordersCreated = f.ordersCreated; callsOffered = f.callsOffered; callsAnswered = f.callsAnswered
        callsAbandoned = f.callsAbandoned; waiting = f.waiting
    }
}
