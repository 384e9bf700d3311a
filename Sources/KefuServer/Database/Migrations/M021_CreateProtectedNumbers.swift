import Fluent
import SQLKit

/// The directory of numbers never given out (R5.6): leaders' private numbers and the like,
/// per company, one row per number.
struct M021_CreateProtectedNumbers: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("protected_numbers")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("number", .string, .required)
            .field("holder", .string, .required)
            .field("note", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "company_id", "number")
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema("protected_numbers").delete()
    }
}
