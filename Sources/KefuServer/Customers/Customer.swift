import Fluent
import Vapor
import KefuCore

/// A customer archive entry (R5.1). Phones are stored normalised (digits only) so search by
/// phone finds "138 0013 8000" and "+86 13800138000" alike.
final class Customer: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "customers"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "phone") var phone: String
    @OptionalField(key: "phone2") var phone2: String?
    /// Sealed (`FieldSealer`, R5.5): read it with `idNumber(_:)`, set it with `setIDNumber`.
    @OptionalField(key: "id_number") var idNumberSealed: String?
    /// Decoded strictly: a stored value no tier has fails the read instead of passing for normal.
    @Field(key: "tier") var tier: CustomerTier
    @OptionalField(key: "address") var address: Address?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// When retention erased the personal fields (R5.5); the row stays for the statistics.
    @OptionalField(key: "destroyed_at") var destroyedAt: Date?
    /// Decoded strictly, like the tier.
    @Field(key: "kind") var kind: CustomerKind
    @OptionalField(key: "account_manager") var accountManager: String?
    /// Tags joined by "," (`CustomerContactRules.tags` splits them).
    @OptionalField(key: "tags") var tags: String?
    @OptionalField(key: "notes") var notes: String?

    init() {}
    /// `idNumberSealed`: already sealed by the caller (`FieldSealer.seal`).
    init(name: String, phone: String, phone2: String?, idNumberSealed: String?, tier: CustomerTier, address: Address?, now: Date) {
        self.name = name; self.phone = phone; self.phone2 = phone2; self.idNumberSealed = idNumberSealed
        self.tier = tier; self.address = address; self.createdAt = now; self.updatedAt = now
        self.kind = .person
    }
}

extension Customer {
    func idNumber(_ sealer: FieldSealer) throws -> String? { try sealer.open(idNumberSealed) }
    func setIDNumber(_ plain: String?, _ sealer: FieldSealer) throws {
        idNumberSealed = try sealer.seal(plain.flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// A contact number or e-mail address beyond the customer's two phones (R5.1), stored
/// normalised (digits; lower-case e-mail).
final class CustomerContact: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "customer_contacts"
    enum Kind: String, Codable, Sendable { case phone, email }
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "customer_id") var customerID: UUID
    @Field(key: "kind") var kind: Kind
    @Field(key: "value") var value: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(companyID: UUID, customerID: UUID, kind: Kind, value: String, at: Date) {
        id = UUID(); self.companyID = companyID; self.customerID = customerID; self.kind = kind; self.value = value; createdAt = at
    }
}

/// 查阅登记 (R5.5): one row for every read of a customer archive — who, when, from where,
/// and why (the call or order that caused it, or the reader's own words).
final class CustomerAccessLog: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "customer_access_logs"
    @ID(key: .id) var id: UUID?
    /// The archive's company (M017): the register is read through the company scope.
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "customer_id") var customerID: UUID
    @Field(key: "actor_work_id") var actorWorkId: String
    @Field(key: "at") var at: Date
    @Field(key: "channel") var channel: String
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "ip") var ip: String?

    init() {}
    init(companyID: UUID, customerID: UUID, actorWorkId: String, at: Date, channel: String, reason: String?, ip: String?) {
        self.companyID = companyID; self.customerID = customerID; self.actorWorkId = actorWorkId; self.at = at
        self.channel = channel; self.reason = reason; self.ip = ip
    }
}
