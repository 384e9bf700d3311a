import Fluent
import Vapor
import KefuCore

/// A kind of business a hall's counters serve (缴费, 业务办理 …): what a customer picks at the
/// kiosk and what its tickets are numbered by (code `A` → A001).
final class CounterService: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "counter_services"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "branch_id") var branchID: UUID
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    /// A service taken out of use keeps its history; the kiosk no longer offers it.
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A counter (窗口) open in a hall: who opened it and which services it takes (分流). The
/// waiting time told to customers divides by the counters open for their service.
final class CounterWindow: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "counter_windows"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "branch_id") var branchID: UUID
    @Field(key: "name") var name: String
    /// Service codes, comma-separated; empty: every service.
    @Field(key: "services") var services: String
    @Field(key: "clerk_work_id") var clerkWorkId: String
    @Field(key: "opened_at") var openedAt: Date

    init() {}

    var serviceCodes: Set<String> { Set(services.split(separator: ",").map(String.init)) }

    /// Whether customers of the service `code` may be called here (none named: every service).
    func serves(_ code: String) -> Bool { serviceCodes.isEmpty || serviceCodes.contains(code) }
}

/// A queue ticket: its number, business and priority, and how far it got.
final class CounterTicket: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "counter_tickets"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "branch_id") var branchID: UUID
    /// The hall's day (center time) the ticket was taken: numbers restart each day.
    @Field(key: "day") var day: String
    @Field(key: "service_code") var serviceCode: String
    @Field(key: "service_name") var serviceName: String
    @Field(key: "sequence") var sequence: Int
    @Field(key: "number") var number: String
    @Field(key: "priority") var priority: TicketPriority
    @Field(key: "status") var status: TicketStatus
    @Field(key: "issued_at") var issuedAt: Date
    @Field(key: "issued_by") var issuedBy: String
    /// The counter that called it last (nil while it waits).
    @OptionalField(key: "counter") var counter: String?
    /// Set when a counter sent the customer on: only that counter calls it.
    @OptionalField(key: "for_counter") var forCounter: String?
    @OptionalField(key: "transferred_at") var transferredAt: Date?
    @OptionalField(key: "first_called_at") var firstCalledAt: Date?
    @OptionalField(key: "called_at") var calledAt: Date?
    /// When the display last announced it (a call or a recall): what the display sorts by.
    @OptionalField(key: "announced_at") var announcedAt: Date?
    @Field(key: "recalls") var recalls: Int
    @OptionalField(key: "called_by") var calledBy: String?
    /// Claimed by the call that won it: two counters calling at once never get one ticket.
    @OptionalField(key: "call_token") var callToken: UUID?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @OptionalField(key: "finished_by") var finishedBy: String?

    init() {}

    var waiting: CounterQueue.Waiting? {
        guard let id, status == .waiting else { return nil }
        return CounterQueue.Waiting(id: id, service: serviceCode, priority: priority, issuedAt: issuedAt,
                                    forCounter: forCounter, transferredAt: transferredAt)
    }
}
