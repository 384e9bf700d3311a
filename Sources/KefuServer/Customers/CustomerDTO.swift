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

    /// `masked`: for lists, where a full number would be a read nobody registered (R5.5).
    init(_ c: Customer, labels: TenantLabels, masked: Bool = false) throws {
        companyCode = labels.companyCode(c.companyID); branchCode = c.branchID.map { labels.branchCode($0) }
        id = try c.requireID(); name = c.name; tier = c.tier.rawValue
        phone = masked ? Masking.phone(c.phone) : c.phone
        phone2 = masked ? c.phone2.map(Masking.phone) : c.phone2
        address = c.address; createdAt = c.createdAt; updatedAt = c.updatedAt
    }

    func encode(to encoder: Encoder) throws {
        var k = encoder.container(keyedBy: CodingKeys.self)
        try k.encode(id, forKey: .id); try k.encode(companyCode, forKey: .companyCode); try k.encode(branchCode, forKey: .branchCode)
        try k.encode(name, forKey: .name); try k.encode(phone, forKey: .phone)
        try k.encode(phone2, forKey: .phone2); try k.encode(tier, forKey: .tier); try k.encode(address, forKey: .address)
        try k.encode(createdAt, forKey: .createdAt); try k.encode(updatedAt, forKey: .updatedAt)
    }
}

struct CustomerListDTO: Content {
    var items: [CustomerDTO]
    var total: Int
    var limit: Int
    var offset: Int
}
