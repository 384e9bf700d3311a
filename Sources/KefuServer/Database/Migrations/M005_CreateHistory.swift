import Fluent
import SQLKit

/// Timeline, audit trail and notifications: the append-only record of what happened.
struct M005_CreateHistory: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("timeline_events")
            .id()
            .field("work_order_id", .uuid, .required)
            .field("at", .datetime, .required)
            .field("actor_work_id", .string)
            .field("kind", .string, .required)
            .field("summary", .string, .required)
            .field("changes", .string, .required)
            .create()
        try await db.schema("audit_events")
            .id()
            .field("at", .datetime, .required)
            .field("actor_work_id", .string)
            .field("action", .string, .required)
            .field("object_type", .string, .required)
            .field("object_id", .string)
            .field("before", .string)
            .field("after", .string)
            .field("ip", .string)
            .create()
        try await db.schema("notifications")
            .id()
            .field("recipient_work_id", .string)
            .field("recipient_role", .string)
            .field("work_order_id", .uuid)
            .field("message", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = try db.sql()
        try await sql.create(index: "timeline_events_work_order_idx").on("timeline_events").column("work_order_id").run()
        try await sql.create(index: "audit_events_object_idx").on("audit_events").column("object_type").column("object_id").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("notifications").delete()
        try await db.schema("audit_events").delete()
        try await db.schema("timeline_events").delete()
    }
}
