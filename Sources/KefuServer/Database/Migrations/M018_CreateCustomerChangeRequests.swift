import Fluent
import SQLKit

/// Change requests of customers' registered data (R5.4), each in its company (R11.2).
struct M018_CreateCustomerChangeRequests: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("customer_change_requests")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("requested_by", .string, .required)
            .field("method", .string, .required)
            .field("status", .string, .required)
            .field("changes", .string, .required)
            .field("before", .string)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("decision_note", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await M015_AddPageIndexes.create(.init(name: "customer_change_requests_customer_idx", table: "customer_change_requests",
                                                   columns: ["company_id", "customer_id", "created_at"]), on: try db.sql())
    }

    func revert(on db: Database) async throws {
        try await db.schema("customer_change_requests").delete()
    }
}
