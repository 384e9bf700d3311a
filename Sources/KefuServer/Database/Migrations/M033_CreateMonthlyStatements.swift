import Fluent
import SQLKit

/// Rewards and penalties (R9.3): what leads record by hand (offences, rewards), and each
/// person's monthly statement as published (a snapshot), with its one appeal and the answer.
struct M033_CreateMonthlyStatements: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("discipline_entries")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("work_id", .string, .required)
            .field("day", .string, .required)
            .field("kind", .string, .required)
            .field("rule", .string, .required)
            .field("amount", .double, .required)
            .field("facts", .string, .required)
            .field("rule_version", .int, .required)
            .field("recorded_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("monthly_statements")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("work_id", .string, .required)
            .field("month", .string, .required)
            .field("lines", .string, .required)
            .field("fine_total", .double, .required)
            .field("reward_total", .double, .required)
            .field("rule_version", .int, .required)
            .field("published_at", .datetime, .required)
            .field("appeal_status", .string, .required)
            .field("appeal_text", .string)
            .field("appealed_at", .datetime)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("decision", .string)
            .unique(on: "company_id", "work_id", "month")
            .create()
        try await (try db.sql()).create(index: "discipline_entries_person").on("discipline_entries").column("company_id").column("work_id").column("day").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("monthly_statements").delete()
        try await db.schema("discipline_entries").delete()
    }
}
