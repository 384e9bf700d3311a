import Fluent
import SQLKit

/// Who is calling, by either number: the built-in ACD asks the archive for the tier of every
/// waiting caller at each dispatch (R3.2), and the screen pop asks by `phone` or `phone2`.
/// `phone` had its index since M002; without one on `phone2` the OR of the two read the
/// whole archive for every waiting call.
struct M019_AddCustomerCallerIndexes: AsyncMigration {
    static let indexes = [
        M015_AddPageIndexes.Index(name: "customers_phone2_idx", table: "customers", columns: ["phone2"]),
    ]

    func prepare(on db: Database) async throws { try await M015_AddPageIndexes.create(Self.indexes, on: db) }
    func revert(on db: Database) async throws { try await M015_AddPageIndexes.drop(Self.indexes, on: db) }
}
