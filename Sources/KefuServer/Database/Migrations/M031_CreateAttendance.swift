import Fluent
import SQLKit

/// Attendance (R9.2, R9.3): punches from every source, leave requests and the lead's answer,
/// and the versions of the center's attendance and penalty rules.
struct M031_CreateAttendance: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("attendance_punches")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("work_id", .string, .required)
            .field("at", .datetime, .required)
            .field("kind", .string, .required)
            .field("source", .string, .required)
            .field("note", .string)
            .field("recorded_by", .string, .required)
            .field("created_at", .datetime, .required)
            // A punch sent twice (a double click, a CSV imported again) is one punch.
            .unique(on: "company_id", "work_id", "at", "kind")
            .create()
        try await db.schema("leave_requests")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("work_id", .string, .required)
            .field("kind", .string, .required)
            .field("from_day", .string, .required)
            .field("through_day", .string, .required)
            .field("reason", .string, .required)
            .field("status", .string, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("reply", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("attendance_rule_versions")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("version", .int, .required)
            .field("attendance", .string, .required)
            .field("penalties", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "company_id", "version")
            .create()
        let sql = try db.sql()
        try await sql.create(index: "attendance_punches_person").on("attendance_punches").column("company_id").column("work_id").column("at").run()
        try await sql.create(index: "leave_requests_person").on("leave_requests").column("company_id").column("work_id").column("from_day").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("attendance_rule_versions").delete()
        try await db.schema("leave_requests").delete()
        try await db.schema("attendance_punches").delete()
    }
}
