import Fluent
import SQLKit

/// 营业厅排队 (R3.6): the services a hall's counters take, the counters open now, and the
/// tickets, numbered per hall, service and day.
struct M044_CreateCounterQueue: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("counter_services")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("branch_id", .uuid, .required, .references("branches", "id"))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "branch_id", "code")
            .create()
        try await db.schema("counter_windows")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("branch_id", .uuid, .required, .references("branches", "id"))
            .field("name", .string, .required)
            .field("services", .string, .required)
            .field("clerk_work_id", .string, .required)
            .field("opened_at", .datetime, .required)
            .unique(on: "branch_id", "name")
            .create()
        try await db.schema("counter_tickets")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("branch_id", .uuid, .required, .references("branches", "id"))
            .field("day", .string, .required)
            .field("service_code", .string, .required)
            .field("service_name", .string, .required)
            .field("sequence", .int, .required)
            .field("number", .string, .required)
            .field("priority", .string, .required)
            .field("status", .string, .required)
            .field("issued_at", .datetime, .required)
            .field("issued_by", .string, .required)
            .field("counter", .string)
            .field("for_counter", .string)
            .field("transferred_at", .datetime)
            .field("first_called_at", .datetime)
            .field("called_at", .datetime)
            .field("announced_at", .datetime)
            .field("recalls", .int, .required)
            .field("called_by", .string)
            .field("call_token", .uuid)
            .field("finished_at", .datetime)
            .field("finished_by", .string)
            // Two kiosks taking a number at once cannot both get A012.
            .unique(on: "branch_id", "day", "service_code", "sequence")
            .create()
        // The hall's queue and display read one branch's waiting and recent tickets; the
        // report reads a company's days.
        try await db.sql().create(index: "counter_tickets_hall_idx").on("counter_tickets").column("branch_id").column("status").column("issued_at").run()
        try await db.sql().create(index: "counter_tickets_day_idx").on("counter_tickets").column("company_id").column("day").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("counter_tickets").delete()
        try await db.schema("counter_windows").delete()
        try await db.schema("counter_services").delete()
    }
}
