import Fluent
import Vapor
import KefuCore

/// A customer on the special-customers list (R5.3). Dates are local days ("yyyy-MM-dd").
final class SpecialCustomer: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "special_customers"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "customer_id") var customerID: UUID
    @Field(key: "category") var category: SpecialCategory
    /// The account manager who reviews the entry and is reminded.
    @Field(key: "owner_work_id") var ownerWorkId: String
    @Field(key: "review_on") var reviewOn: String
    /// Their own number or queue (e.g. a VIP line): calls from them route as VIP.
    @OptionalField(key: "dedicated_channel") var dedicatedChannel: String?
    @OptionalField(key: "note") var note: String?
    /// The review date the owner was last reminded of: one reminder per due date.
    @OptionalField(key: "review_reminded_for") var reviewRemindedFor: String?
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    @OptionalField(key: "reviewed_by") var reviewedBy: String?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A scheduled follow-up visit to a customer (R5.3).
final class CustomerVisit: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "customer_visits"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "customer_id") var customerID: UUID
    @Field(key: "due_on") var dueOn: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "owner_work_id") var ownerWorkId: String
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    @OptionalField(key: "done_at") var doneAt: Date?
    @OptionalField(key: "done_by") var doneBy: String?
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A product or service the customer holds, with its dates (R5.1); the expiry reminder
/// watches `expires_on` (R5.3: action before their service expires).
final class CustomerProduct: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "customer_services"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "customer_id") var customerID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "started_on") var startedOn: String?
    @OptionalField(key: "expires_on") var expiresOn: String?
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
