import Fluent
import SQLKit

/// The CTI outbox: one row per intake transaction that stored new events, written in that
/// same transaction, so the follow-ups (wallboards told, voicemail orders, ACD offers) are
/// owed from the moment the events exist; and the key that makes each voicemail's order
/// happen once however often its batch is processed.
struct M012_CreateCTIOutbox: AsyncMigration {
    func prepare(on db: Database) async throws {
        let sql = try db.sql()
        try await sql.create(table: "cti_outbox")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("created_at", type: .timestamp, .notNull)
            .column("source", type: .text, .notNull)
            .column("event_count", type: .int, .notNull)
            // JSON array of the stored voicemail events' ids (mostly `[]`).
            .column("voicemail_event_ids", type: .text, .notNull)
            .column("attempts", type: .int, .notNull)
            // Due time; while a process holds the row, the end of its lease.
            .column("next_attempt_at", type: .timestamp, .notNull)
            .column("last_error", type: .text)
            .column("done_at", type: .timestamp)
            .run()
        try await sql.raw("CREATE INDEX cti_outbox_due_idx ON cti_outbox (next_attempt_at) WHERE done_at IS NULL").run()
        try await sql.create(index: "cti_outbox_done_idx").on("cti_outbox").column("done_at").run()
        try await sql.create(table: "cti_voicemail_orders")
            .column("event_id", type: .text, .primaryKey(autoIncrement: false))
            // Null when the voicemail had no number to call back and the handlers were told instead.
            .column("work_order_id", type: .text)
            .column("created_at", type: .timestamp, .notNull)
            .run()
    }

    func revert(on db: Database) async throws {
        let sql = try db.sql()
        try await sql.drop(table: "cti_voicemail_orders").run()
        try await sql.drop(table: "cti_outbox").run()
    }
}
