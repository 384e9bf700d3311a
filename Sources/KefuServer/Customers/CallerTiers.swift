import Foundation
import Fluent
import KefuCore

/// The archive's answer to "who is calling?" for the live floor: the tier of each waiting
/// caller's number, so a VIP reaches a VIP agent whatever queue the switch chose (R3.2).
/// One query for all the numbers of a dispatch, through the company's scope.
enum CallerTiers {
    /// Routing tiers by normalised number (a listed special customer counts as VIP); numbers
    /// nobody in `company` holds are absent.
    static func tiers(of callers: [String], company: UUID, on db: Database) async throws -> [String: CustomerTier] {
        let numbers = Array(Set(callers.map(Validation.normalizePhone).filter { !$0.isEmpty }))
        guard !numbers.isEmpty else { return [:] }
        let data = TenantData(scope: .companies([company]), db: db)
        // The other phones on file (R5.1): the number that called, by its customer.
        let extra = try await data.query(CustomerContact.self).filter(\.$kind == .phone).filter(\.$value ~~ numbers)
            .field(\.$id).field(\.$companyID).field(\.$customerID).field(\.$value).all()
        let extraIDs = Array(Set(extra.map(\.customerID)))
        let customers = try await data.query(Customer.self)
            .group(.or) { g in
                g.filter(\.$phone ~~ numbers).filter(\.$phone2 ~~ numbers)
                if !extraIDs.isEmpty { g.filter(\.$id ~~ extraIDs) }
            }
            .field(\.$id).field(\.$companyID).field(\.$phone).field(\.$phone2).field(\.$tier)
            .all()
        let extraNumbers = Dictionary(grouping: extra, by: \.customerID).mapValues { $0.map(\.value) }
        // Listed special customers (key accounts, groups) reach VIP agents too (R3.2, R5.3:
        // their dedicated channel): routing treats them as the top tier.
        let ids = customers.compactMap(\.id)
        var listed: Set<UUID> = []
        if !ids.isEmpty {
            let entries = try await data.query(SpecialCustomer.self).filter(\.$customerID ~~ ids)
                .field(\.$id).field(\.$companyID).field(\.$customerID).all()
            listed = Set(entries.map(\.customerID))
        }
        var out: [String: CustomerTier] = [:]
        for c in customers {
            let tier: CustomerTier = c.id.map { listed.contains($0) } == true ? .vip : c.tier
            for number in [c.phone, c.phone2].compactMap({ $0 }) + (c.id.flatMap { extraNumbers[$0] } ?? []) where numbers.contains(number) {
                // One number held twice (main of one, second of another): the higher tier wins.
                if let held = out[number], held.rank <= tier.rank { continue }
                out[number] = tier
            }
        }
        return out
    }
}
