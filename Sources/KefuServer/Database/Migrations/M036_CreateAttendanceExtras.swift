import Fluent
import SQLKit

/// Overtime and temporary dispatch (R9.2), recorded by a lead on a person's day.
struct M036_CreateAttendanceExtras: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("attendance_extras")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("work_id", .string, .required)
            .field("day", .string, .required)
            .field("kind", .string, .required)
            .field("minutes", .int, .required)
            .field("place", .string, .required)
            .field("reason", .string, .required)
            .field("recorded_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await (try db.sql()).create(index: "attendance_extras_person").on("attendance_extras").column("company_id").column("work_id").column("day").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("attendance_extras").delete()
    }
}
