import Vapor
import KefuCore

struct CustomerInput: Content {
    var name: String?
    var phone: String?
    var phone2: String?
    var idNumber: String?
    var tier: String?
    var address: Address?
}

/// A customer as the API shows it, with its company's and branch's codes (R11).
struct CustomerDTO: Content {
    var id: UUID
    var companyCode: String
    var branchCode: String?
    var name: String
    var phone: String
    var phone2: String?
    var tier: String
    var address: Address?
    var createdAt: Date
    var updatedAt: Date
    var kind: String
    var accountManager: String?
    var tags: [String]
    var notes: String?
    /// The other phones and the e-mail addresses (R5.1): on the record only (nil in lists).
    var phones: [String]?
    var emails: [String]?

    /// `masked`: for lists, where a full number would be a read nobody registered (R5.5).
    init(_ c: Customer, labels: TenantLabels, masked: Bool = false) throws {
        companyCode = labels.companyCode(c.companyID); branchCode = c.branchID.map { labels.branchCode($0) }
        id = try c.requireID(); name = c.name; tier = c.tier.rawValue
        phone = masked ? Masking.phone(c.phone) : c.phone
        phone2 = masked ? c.phone2.map(Masking.phone) : c.phone2
        address = c.address; createdAt = c.createdAt; updatedAt = c.updatedAt
        kind = c.kind.rawValue; accountManager = c.accountManager; tags = CustomerContactRules.tags(c.tags ?? ""); notes = c.notes
    }

    /// The record as `GET /customers/{id}` shows it: with its other phones and e-mail addresses.
    mutating func add(contacts: [CustomerContact]) {
        phones = contacts.filter { $0.kind == .phone }.map(\.value)
        emails = contacts.filter { $0.kind == .email }.map(\.value)
    }

    func encode(to encoder: Encoder) throws {
        var k = encoder.container(keyedBy: CodingKeys.self)
        try k.encode(id, forKey: .id); try k.encode(companyCode, forKey: .companyCode); try k.encode(branchCode, forKey: .branchCode)
        try k.encode(name, forKey: .name); try k.encode(phone, forKey: .phone)
        try k.encode(phone2, forKey: .phone2); try k.encode(tier, forKey: .tier); try k.encode(address, forKey: .address)
        try k.encode(createdAt, forKey: .createdAt); try k.encode(updatedAt, forKey: .updatedAt)
        try k.encode(kind, forKey: .kind); try k.encode(accountManager, forKey: .accountManager); try k.encode(tags, forKey: .tags)
        try k.encode(notes, forKey: .notes)
        if let phones { try k.encode(phones, forKey: .phones) }
        if let emails { try k.encode(emails, forKey: .emails) }
    }
}

struct CustomerListDTO: Content {
    var items: [CustomerDTO]
    var total: Int
    var limit: Int
    var offset: Int
}
