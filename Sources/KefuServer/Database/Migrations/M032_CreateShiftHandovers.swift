import Fluent
import SQLKit

/// The shift log and its handover (R9.1): signed by both leads, with the items the next
/// shift must follow up until someone closes them.
struct M032_CreateShiftHandovers: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("shift_handovers")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("status", .string, .required)
            .field("shift_label", .string, .required)
            .field("next_shift_start", .datetime, .required)
            .field("log", .string, .required)
            .field("facts", .string, .required)
            .field("outgoing_work_id", .string, .required)
            .field("outgoing_signed_at", .datetime)
            .field("incoming_work_id", .string)
            .field("incoming_signed_at", .datetime)
            .field("late_arrival_minutes", .int)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.schema("shift_handover_items")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("handover_id", .uuid, .required, .references("shift_handovers", "id"))
            .field("kind", .string, .required)
            .field("ref", .string, .required)
            .field("text", .string, .required)
            .field("status", .string, .required)
            .field("closed_by", .string)
            .field("closed_at", .datetime)
            .field("note", .string)
            .field("created_at", .datetime, .required)
            .create()
        let sql = try db.sql()
        try await sql.create(index: "shift_handovers_company").on("shift_handovers").column("company_id").column("created_at").run()
        try await sql.create(index: "shift_handover_items_open").on("shift_handover_items").column("company_id").column("status").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("shift_handover_items").delete()
        try await db.schema("shift_handovers").delete()
    }
}
