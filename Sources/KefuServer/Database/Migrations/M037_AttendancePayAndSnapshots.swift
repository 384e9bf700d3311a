import Fluent
import SQLKit

/// Each person's daily wage (the base of the absence fine, R9.3) and the attendance sheet
/// published with the monthly statement (R9.2), so a published month reads as it was published.
struct M037_AttendancePayAndSnapshots: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("daily_wages")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("work_id", .string, .required)
            .field("amount_fen", .int, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "company_id", "work_id")
            .create()
        try await db.schema("monthly_statements").field("sheet", .string).update()
    }

    func revert(on db: Database) async throws {
        try await db.schema("monthly_statements").deleteField("sheet").update()
        try await db.schema("daily_wages").delete()
    }
}
