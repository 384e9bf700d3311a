import Fluent
import Vapor
import KefuCore

/// A request to change a customer's registered data (R5.4), kept whatever became of it:
/// applied at once, waiting for a team lead (a special customer, R5.3), rejected, or refused
/// because the caller's identity did not check out (those are what the count of failed
/// verifications on the customer page counts). `before` holds the old values of the fields
/// it changed once applied, so the customer's log shows before and after.
final class CustomerChangeRequest: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "customer_change_requests"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "customer_id") var customerID: UUID
    @Field(key: "requested_by") var requestedBy: String
    @Field(key: "method") var method: VerificationMethod
    @Field(key: "status") var status: ChangeRequestStatus
    /// `CustomerChanges` as JSON text.
    @Field(key: "changes") var changes: String
    @OptionalField(key: "before") var before: String?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_note") var decisionNote: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// The fields a change request may change; absent means unchanged.
struct CustomerChanges: Content, Equatable {
    var name: String?
    var phone: String?
    var phone2: String?
    var idNumber: String?
    var address: Address?
    /// The other phones and the e-mail addresses (R5.1), each list replacing the one on file.
    var phones: [String]? = nil
    var emails: [String]? = nil

    var isEmpty: Bool { name == nil && phone == nil && phone2 == nil && idNumber == nil && address == nil && phones == nil && emails == nil }

    /// The customer's current values of the fields this change touches.
    func current(of c: Customer, _ sealer: FieldSealer, contacts: [CustomerContact]) throws -> CustomerChanges {
        CustomerChanges(name: name == nil ? nil : c.name, phone: phone == nil ? nil : c.phone,
                        phone2: phone2 == nil ? nil : (c.phone2 ?? ""), idNumber: idNumber == nil ? nil : (try c.idNumber(sealer) ?? ""),
                        address: address == nil ? nil : (c.address ?? Address()),
                        phones: phones == nil ? nil : contacts.filter { $0.kind == .phone }.map(\.value),
                        emails: emails == nil ? nil : contacts.filter { $0.kind == .email }.map(\.value))
    }

    /// Stored forms: phones as digits, text trimmed; an empty second phone or ID number clears it.
    var normalised: CustomerChanges {
        CustomerChanges(name: name?.trimmingCharacters(in: .whitespacesAndNewlines),
                        phone: phone.map(Validation.normalizePhone), phone2: phone2.map(Validation.normalizePhone),
                        idNumber: idNumber?.trimmingCharacters(in: .whitespaces), address: address,
                        phones: phones.map { Self.unique($0.map(Validation.normalizePhone).filter { !$0.isEmpty }) },
                        emails: emails.map { Self.unique($0.map(CustomerContactRules.normalizeEmail).filter { !$0.isEmpty }) })
    }

    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }

    func apply(to c: Customer, _ sealer: FieldSealer) throws {
        if let name { c.name = name }
        if let phone { c.phone = phone }
        if let phone2 { c.phone2 = phone2.isEmpty ? nil : phone2 }
        if let idNumber { try c.setIDNumber(idNumber, sealer) }
        if let address { c.address = address.isEmpty ? nil : address }
    }

    /// Stored as JSON with the ID number sealed (R5.5): a pending request and the change log
    /// keep it encrypted like the record does ("" — clear it — stays as it is).
    func json(_ sealer: FieldSealer) throws -> String {
        var stored = self
        if let id = idNumber, !id.isEmpty { stored.idNumber = try sealer.seal(id) }
        return String(decoding: try JSONCoding.encoder(timeZone: .gmt).encode(stored), as: UTF8.self)
    }

    static func decode(_ text: String, _ sealer: FieldSealer) throws -> CustomerChanges {
        var changes = try JSONCoding.decoder().decode(CustomerChanges.self, from: Data(text.utf8))
        if let id = changes.idNumber, !id.isEmpty { changes.idNumber = try sealer.open(id) }
        return changes
    }
}
