import Fluent
import Vapor
import KefuCore

/// One customer's revenue and profit for one month (R5.2), in fen.
final class CustomerValue: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "customer_values"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "customer_id") var customerID: UUID
    /// "yyyy-MM" (`CustomerPeriod.text`): sorts and compares as text.
    @Field(key: "period") var period: String
    @OptionalField(key: "revenue_fen") var revenueFen: Int?
    @OptionalField(key: "profit_fen") var profitFen: Int?
    @Field(key: "imported_by") var importedBy: String
    @Field(key: "imported_at") var importedAt: Date

    init() {}
}

/// A tier change with its reason: a value run (the figures and the threshold reached), or
/// the person who set it by hand.
final class CustomerTierChange: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "customer_tier_changes"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "customer_id") var customerID: UUID
    @Field(key: "from_tier") var fromTier: CustomerTier
    @Field(key: "to_tier") var toTier: CustomerTier
    @Field(key: "reason") var reason: String
    /// Who changed it: a work ID, or `system` for the monthly job.
    @Field(key: "actor_work_id") var actorWorkId: String
    @Field(key: "at") var at: Date

    init() {}
    init(companyID: UUID, customerID: UUID, from: CustomerTier, to: CustomerTier, reason: String, actor: String, at: Date) {
        self.companyID = companyID; self.customerID = customerID; fromTier = from; toTier = to
        self.reason = reason; actorWorkId = actor; self.at = at
    }
}
