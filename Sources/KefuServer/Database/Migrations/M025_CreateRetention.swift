import Fluent
import SQLKit

/// Retention (R5.5): when a customer's personal fields were destroyed, and the report of
/// each run (what was destroyed, by whom, under which rule).
struct M025_CreateRetention: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("customers").field("destroyed_at", .datetime).update()
        try await db.schema("retention_runs")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("at", .datetime, .required)
            .field("months", .int, .required)
            .field("cutoff", .datetime, .required)
            .field("destroyed", .int, .required)
            .field("customer_ids", .string, .required)
            .field("run_by", .string, .required)
            .create()
        try await M015_AddPageIndexes.create(.init(name: "retention_runs_at_idx", table: "retention_runs", columns: ["company_id", "at"]), on: try db.sql())
    }

    func revert(on db: Database) async throws {
        try await db.schema("retention_runs").delete()
        try await db.schema("customers").deleteField("destroyed_at").update()
    }
}
