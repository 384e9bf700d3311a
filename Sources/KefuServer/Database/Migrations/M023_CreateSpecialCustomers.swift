import Fluent
import SQLKit

/// The special-customers list (R5.3), follow-up visits, and the products/services a
/// customer holds with their dates (R5.1) — what the expiry reminders watch.
struct M023_CreateSpecialCustomers: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("special_customers")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("category", .string, .required)
            .field("owner_work_id", .string, .required)
            .field("review_on", .string, .required)
            .field("dedicated_channel", .string)
            .field("note", .string)
            .field("review_reminded_for", .string)
            .field("reviewed_at", .datetime)
            .field("reviewed_by", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "customer_id")
            .create()
        try await db.schema("customer_visits")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("due_on", .string, .required)
            .field("purpose", .string, .required)
            .field("owner_work_id", .string, .required)
            .field("reminded_at", .datetime)
            .field("done_at", .datetime)
            .field("done_by", .string)
            .field("outcome", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("customer_services")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("name", .string, .required)
            .field("started_on", .string)
            .field("expires_on", .string)
            .field("note", .string)
            .field("reminded_at", .datetime)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = try db.sql()
        for index in [
            M015_AddPageIndexes.Index(name: "special_customers_review_idx", table: "special_customers", columns: ["company_id", "review_on"]),
            M015_AddPageIndexes.Index(name: "customer_visits_due_idx", table: "customer_visits", columns: ["company_id", "due_on"]),
            M015_AddPageIndexes.Index(name: "customer_visits_customer_idx", table: "customer_visits", columns: ["customer_id", "due_on"]),
            M015_AddPageIndexes.Index(name: "customer_services_expiry_idx", table: "customer_services", columns: ["company_id", "expires_on"]),
            M015_AddPageIndexes.Index(name: "customer_services_customer_idx", table: "customer_services", columns: ["customer_id"]),
        ] { try await M015_AddPageIndexes.create(index, on: sql) }
    }

    func revert(on db: Database) async throws {
        try await db.schema("customer_services").delete()
        try await db.schema("customer_visits").delete()
        try await db.schema("special_customers").delete()
    }
}
