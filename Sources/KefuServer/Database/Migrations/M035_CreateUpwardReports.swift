import Fluent
import SQLKit

/// Reports going up the chain (R9.4) and every step they took: passed on, skipped, answered.
struct M035_CreateUpwardReports: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("upward_reports")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("text", .string, .required)
            .field("emergency", .bool, .required)
            .field("reporter_work_id", .string, .required)
            .field("level", .int, .required)
            .field("status", .string, .required)
            .field("answer", .string)
            .field("answered_by", .string)
            .field("answered_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.schema("upward_report_steps")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("report_id", .uuid, .required, .references("upward_reports", "id"))
            .field("action", .string, .required)
            .field("from_level", .int, .required)
            .field("to_level", .int)
            .field("skipped_level", .int)
            .field("note", .string)
            .field("by_work_id", .string, .required)
            .field("at", .datetime, .required)
            .create()
        let sql = try db.sql()
        try await sql.create(index: "upward_reports_level").on("upward_reports").column("company_id").column("status").column("level").run()
        try await sql.create(index: "upward_report_steps_report").on("upward_report_steps").column("report_id").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("upward_report_steps").delete()
        try await db.schema("upward_reports").delete()
    }
}
