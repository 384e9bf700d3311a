import Fluent
import SQLKit

/// Live operations (M3): the voice menu's versions, the switches' tokens and the stored
/// CTI events that live state is rebuilt from.
struct M008_CreateLiveOperations: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("ivr_menus")
            .id()
            .field("version", .int, .required)
            .field("body", .string, .required)
            .field("note", .string, .required)
            .field("created_by", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "version")
            .create()
        try await db.schema("cti_tokens")
            .id()
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "name")
            .unique(on: "token_hash")
            .create()
        // One row per canonical event, idempotent by the switch's event id; `seq` keeps
        // arrival order for events that carry the same timestamp.
        let sql = try db.sql()
        try await sql.create(table: "cti_events")
            .column("seq", type: .bigint, .primaryKey(autoIncrement: true))
            .column("event_id", type: .text, .notNull)
            .column("type", type: .text, .notNull)
            .column("at", type: .timestamp, .notNull)
            .column("call_id", type: .text)
            .column("queue", type: .text)
            .column("caller", type: .text)
            .column("agent_work_id", type: .text)
            .column("reason", type: .text)
            .column("source", type: .text, .notNull)
            .column("received_at", type: .timestamp, .notNull)
            .run()
        try await sql.create(index: "cti_events_event_id_idx").unique().on("cti_events").column("event_id").run()
        try await sql.create(index: "cti_events_at_idx").on("cti_events").column("at").run()
    }

    func revert(on db: Database) async throws {
        try await (try db.sql()).drop(table: "cti_events").run()
        try await db.schema("cti_tokens").delete()
        try await db.schema("ivr_menus").delete()
    }
}
