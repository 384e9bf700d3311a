import Fluent
import SQLKit

/// SLA policies, the holiday calendar, daily number counters and key/value settings.
struct M006_CreateSettingsTables: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("sla_policies")
            .id()
            .field("type", .string, .required)
            .field("priority", .string, .required)
            .field("first_response_seconds", .int, .required)
            .field("resolution_seconds", .int, .required)
            .field("calendar", .string, .required)
            .unique(on: "type", "priority")
            .create()
        try await db.schema("holidays")
            .id()
            .field("day", .string, .required)
            .field("name", .string, .required)
            .field("makeup_workday", .bool, .required)
            .unique(on: "day")
            .create()
        let sql = try db.sql()
        try await sql.create(table: "counters")
            .column("key", type: .text, .primaryKey(autoIncrement: false))
            .column("value", type: .bigint, .notNull)
            .run()
        try await sql.create(table: "app_settings")
            .column("key", type: .text, .primaryKey(autoIncrement: false))
            .column("value", type: .text, .notNull)
            .run()
    }

    func revert(on db: Database) async throws {
        let sql = try db.sql()
        try await sql.drop(table: "app_settings").run()
        try await sql.drop(table: "counters").run()
        try await db.schema("holidays").delete()
        try await db.schema("sla_policies").delete()
    }
}
