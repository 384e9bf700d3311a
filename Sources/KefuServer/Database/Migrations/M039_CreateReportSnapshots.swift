import Fluent
import SQLKit

/// The weekly and monthly report snapshots (R10.1): one per company, kind and period.
struct M039_CreateReportSnapshots: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("report_snapshots")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("kind", .string, .required)
            .field("from_day", .string, .required)
            .field("to_day", .string, .required)
            .field("body", .string, .required)
            .field("generated_at", .datetime, .required)
            .unique(on: "company_id", "kind", "from_day")
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema("report_snapshots").delete()
    }
}
