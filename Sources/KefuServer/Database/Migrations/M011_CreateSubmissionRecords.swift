import Fluent
import SQLKit

/// What makes a create happen once: the one-time tokens of web forms and the
/// `Idempotency-Key`s of API clients, both kept in the database so that every server
/// process and a restarted one see the same submissions; and which reminders each person
/// has read (a role-wide reminder is read per person, so it is a row per reader, not a flag).
struct M011_CreateSubmissionRecords: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("once_tokens")
            .id()
            .field("form", .string, .required)
            .field("token", .string, .required)
            .field("work_id", .string)
            .field("result", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "form", "token")
            .create()
        try await db.schema("idempotency_keys")
            .id()
            .field("work_id", .string, .required)
            .field("method", .string, .required)
            .field("path", .string, .required)
            .field("key", .string, .required)
            .field("request_hash", .string, .required)
            .field("status", .int)
            .field("content_type", .string)
            .field("body", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "work_id", "method", "path", "key")
            .create()
        try await db.schema("notification_reads")
            .id()
            .field("notification_id", .uuid, .required)
            .field("work_id", .string, .required)
            .field("read_at", .datetime, .required)
            .unique(on: "notification_id", "work_id")
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.create(index: "once_tokens_created_idx").on("once_tokens").column("created_at").run()
        try await sql.create(index: "idempotency_keys_created_idx").on("idempotency_keys").column("created_at").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("notification_reads").delete()
        try await db.schema("idempotency_keys").delete()
        try await db.schema("once_tokens").delete()
    }
}
