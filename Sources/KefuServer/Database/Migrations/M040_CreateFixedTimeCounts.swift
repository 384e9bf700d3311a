import Fluent

/// The fixed-time counts (R10.3): one row per company, day and time of day.
struct M040_CreateFixedTimeCounts: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("report_fixed_counts")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("day", .string, .required)
            .field("minute", .int, .required)
            .field("inbound_calls", .int, .required)
            .field("new_orders", .int, .required)
            .field("recorded_at", .datetime, .required)
            .unique(on: "company_id", "day", "minute")
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema("report_fixed_counts").delete()
    }
}
