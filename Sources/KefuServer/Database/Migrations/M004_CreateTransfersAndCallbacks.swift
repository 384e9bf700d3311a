import Fluent
import SQLKit

struct M004_CreateTransfersAndCallbacks: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("supervision_orders")
            .id()
            .field("work_order_id", .uuid, .required, .references("work_orders", "id"))
            .field("department_id", .uuid, .required, .references("departments", "id"))
            .field("status", .string, .required)
            .field("deadline", .datetime, .required)
            .field("note", .string, .required)
            .field("receipt_text", .string)
            .field("answered_at", .datetime)
            .field("answered_by_work_id", .string)
            .field("escalated", .bool, .required)
            .field("created_by_work_id", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("acceptance_forms")
            .id()
            .field("work_order_id", .uuid, .required, .references("work_orders", "id"))
            .field("note", .string, .required)
            .field("created_by_work_id", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("callbacks")
            .id()
            .field("work_order_id", .uuid, .required, .references("work_orders", "id"))
            .field("reached", .bool, .required)
            .field("satisfaction", .int)
            .field("note", .string, .required)
            .field("by_work_id", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = try db.sql()
        try await sql.create(index: "supervision_orders_work_order_idx").on("supervision_orders").column("work_order_id").run()
        try await sql.create(index: "supervision_orders_status_deadline_idx").on("supervision_orders").column("status").column("deadline").run()
        try await sql.create(index: "callbacks_work_order_idx").on("callbacks").column("work_order_id").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("callbacks").delete()
        try await db.schema("acceptance_forms").delete()
        try await db.schema("supervision_orders").delete()
    }
}
