import Fluent
import SQLKit

struct M003_CreateWorkOrders: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("work_orders")
            .id()
            .field("number", .string, .required)
            .field("type", .string, .required)
            .field("channel", .string, .required)
            .field("status", .string, .required)
            .field("priority", .string, .required)
            .field("subject", .string, .required)
            .field("description", .string, .required)
            .field("owner_work_id", .string, .required)
            .field("created_by_work_id", .string, .required)
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("address", .json)
            .field("needs_visit", .bool, .required)
            .field("first_response_due_at", .datetime, .required)
            .field("first_responded_at", .datetime)
            .field("resolution_target_seconds", .int, .required)
            .field("calendar_kind", .string, .required)
            .field("resolution_due_at", .datetime)
            .field("paused_seconds", .int, .required)
            .field("paused_since", .datetime)
            .field("escalation_level", .int, .required)
            .field("next_escalation_at", .datetime)
            .field("duplicate_of", .uuid)
            .field("promised_reply_at", .datetime)
            .field("callback_done", .bool, .required)
            .field("open_supervision_count", .int, .required)
            .field("resolved_at", .datetime)
            .field("closed_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "number")
            .create()
        let sql = try db.sql()
        try await sql.create(index: "work_orders_owner_idx").on("work_orders").column("owner_work_id").run()
        // Customer, type, time: answers the duplicate check (R1.6) with one seek, and its prefix
        // serves every lookup of a customer's orders.
        try await sql.create(index: "work_orders_customer_type_created_idx").on("work_orders")
            .column("customer_id").column("type").column("created_at").run()
        try await sql.create(index: "work_orders_next_escalation_idx").on("work_orders").column("next_escalation_at").run()
        try await sql.create(index: "work_orders_created_idx").on("work_orders").column("created_at").run()
        try await sql.create(index: "work_orders_status_idx").on("work_orders").column("status").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("work_orders").delete()
    }
}
