import Fluent
import SQLKit

/// Tiers by value (R5.2): each customer's revenue and profit per month, one row per customer
/// and month (a second import of the same month replaces the figures instead of adding a
/// row), and the log of every tier change with its reason.
struct M020_CreateCustomerTiering: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("customer_values")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("period", .string, .required)
            .field("revenue_fen", .int64)
            .field("profit_fen", .int64)
            .field("imported_by", .string, .required)
            .field("imported_at", .datetime, .required)
            .unique(on: "customer_id", "period")
            .create()
        try await db.schema("customer_tier_changes")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("from_tier", .string, .required)
            .field("to_tier", .string, .required)
            .field("reason", .string, .required)
            .field("actor_work_id", .string, .required)
            .field("at", .datetime, .required)
            .create()
        let sql = try db.sql()
        for index in [
            M015_AddPageIndexes.Index(name: "customer_values_period_idx", table: "customer_values", columns: ["company_id", "period"]),
            M015_AddPageIndexes.Index(name: "customer_tier_changes_at_idx", table: "customer_tier_changes", columns: ["company_id", "at"]),
            M015_AddPageIndexes.Index(name: "customer_tier_changes_customer_idx", table: "customer_tier_changes", columns: ["customer_id", "at"]),
        ] { try await M015_AddPageIndexes.create(index, on: sql) }
    }

    func revert(on db: Database) async throws {
        try await db.schema("customer_tier_changes").delete()
        try await db.schema("customer_values").delete()
    }
}
