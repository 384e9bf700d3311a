import Fluent
import SQLKit

/// The rest of the record (R5.1): person or organisation, account manager, tags and notes on
/// the customer, and the contact numbers and e-mail addresses beyond the two phones, one row
/// each (found by number like the main phone).
struct M026_AddCustomerProfile: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("customers")
            .field("kind", .string, .required, .sql(.default("person")))
            .update()
        for column in ["account_manager", "tags", "notes"] {
            try await db.schema("customers").field(.string(column), .string).update()
        }
        try await db.schema("customer_contacts")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("kind", .string, .required)
            .field("value", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "customer_id", "kind", "value")
            .create()
        try await M015_AddPageIndexes.create(.init(name: "customer_contacts_value_idx", table: "customer_contacts",
                                                   columns: ["company_id", "kind", "value"]), on: try db.sql())
    }

    func revert(on db: Database) async throws {
        try await db.schema("customer_contacts").delete()
        for column in ["kind", "account_manager", "tags", "notes"] {
            try await db.schema("customers").deleteField(.string(column)).update()
        }
    }
}
