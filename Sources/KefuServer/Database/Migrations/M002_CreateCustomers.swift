import Fluent
import SQLKit

struct M002_CreateCustomers: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("customers")
            .id()
            .field("name", .string, .required)
            .field("phone", .string, .required)
            .field("phone2", .string)
            .field("id_number", .string)
            .field("tier", .string, .required)
            .field("address", .json)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.schema("customer_access_logs")
            .id()
            .field("customer_id", .uuid, .required)
            .field("actor_work_id", .string, .required)
            .field("at", .datetime, .required)
            .field("channel", .string, .required)
            .field("ip", .string)
            .create()
        let sql = try db.sql()
        try await sql.create(index: "customers_phone_idx").on("customers").column("phone").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("customer_access_logs").delete()
        try await db.schema("customers").delete()
    }
}
