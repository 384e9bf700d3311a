import Vapor
import Fluent
import SQLKit
import KefuCore

/// A branch with its company's code and name: where a new order goes and what its JSON says.
struct BranchPlace: Sendable {
    var id: UUID
    var companyID: UUID
    var code: String
    var name: String
    var companyCode: String
    var companyName: String

    var labels: (company: (code: String, name: String), branch: (code: String, name: String)) {
        ((companyCode, companyName), (code, name))
    }
}

/// The part of a customer an order is built from.
struct CustomerRef: Sendable {
    var id: UUID
    var companyID: UUID
    var tier: CustomerTier
    var address: Address?

    init(id: UUID, companyID: UUID, tier: CustomerTier, address: Address?) {
        self.id = id; self.companyID = companyID; self.tier = tier; self.address = address
    }

    init(_ customer: Customer) throws {
        self.init(id: try customer.requireID(), companyID: customer.companyID, tier: customer.tier, address: customer.address)
    }
}

/// Lean reads of the create path: every create asks for its branch, company and customer, and
/// a Fluent model read walks each model's properties by reflection before it reaches the
/// database. These read only the columns needed, one statement each, still inside the scope.
extension TenantData {
    /// The person's own branch with its company, when it is in scope (the usual case); nil
    /// otherwise, and `defaultBranch()` decides.
    func homeBranchPlace(reads: LeanReads) async throws -> BranchPlace? {
        guard let home = homeBranchID else { return nil }
        guard let place = try await place(branch: home, reads: reads), scope.includes(place.companyID) else { return nil }
        return place
    }

    /// `branch` with its company's code and name.
    func place(of branch: Branch, reads: LeanReads) async throws -> BranchPlace {
        guard let place = try await place(branch: try branch.requireID(), reads: reads) else { throw KefuError.notFound("分公司 \(branch.code)") }
        return place
    }

    private enum PlaceOfBranch: PreparedRead {
        static let sql = """
            SELECT b.id, b.company_id, b.code, b.name, c.code AS company_code, c.name AS company_name
            FROM "\(Branch.schema)" b JOIN "\(Company.schema)" c ON c.id = b.company_id
            WHERE b.id = ?
            """
    }

    private enum CustomerByID: PreparedRead {
        static let sql = """
            SELECT id, company_id, tier, address FROM "\(Customer.schema)" WHERE id = ?
            """
    }

    private func place(branch: UUID, reads: LeanReads) async throws -> BranchPlace? {
        struct Row: Decodable, Sendable {
            var id: UUID; var company_id: UUID; var code: String; var name: String; var company_code: String; var company_name: String
        }
        let row = try await reads.first(SQLText(PlaceOfBranch.self, binds: [.uuid(branch)]), as: Row.self)
        return row.map { BranchPlace(id: $0.id, companyID: $0.company_id, code: $0.code, name: $0.name,
                                     companyCode: $0.company_code, companyName: $0.company_name) }
    }

    /// A customer of a company in scope, or nil (another company's customer does not exist here).
    func customerRef(_ id: UUID, reads: LeanReads) async throws -> CustomerRef? {
        struct Row: Decodable, Sendable { var id: UUID; var company_id: UUID; var tier: String; var address: Address? }
        guard let row = try await reads.first(SQLText(CustomerByID.self, binds: [.uuid(id)]), as: Row.self),
              scope.includes(row.company_id) else { return nil }
        guard let tier = CustomerTier(rawValue: row.tier) else {
            throw KefuError(.internalServerError, "invalid_stored_value", "客户等级无法识别：\(row.tier)")
        }
        return CustomerRef(id: row.id, companyID: row.company_id, tier: tier, address: row.address)
    }
}
