import Fluent
import SQLKit

/// Indexes for the pages people open all day, measured with a year of orders (1,000,000,
/// `Benchmarks/pages`). Every order query of a page carries the company scope
/// (`company_id IN …`), and SQLite — which Kefu never ANALYZEs — picks the index with the
/// most equality columns; a bare `company_id` index won that choice and made it walk a
/// million rows for a list, a count, the workspace or the escalated orders. So each index
/// here starts with the company and then carries what the page filters or sorts by:
///
/// - `(company_id, created_at)`: the order list's newest-first pages and deep offsets are
///   read off the index (it replaces M014's `(company_id)`, its prefix);
/// - `(company_id, status, owner_work_id)`: counts by status, the workspace's active orders
///   of one agent, the shift board's escalated orders, each a few index seeks;
/// - `(company_id, owner_work_id, created_at)` and `(company_id, type, created_at)`: the
///   list filtered by owner or by type, newest first, and their counts from the index;
/// - supervision orders by `(department_id, deadline)`: the liaison's page in deadline
///   order; by `(work_order_id, department_id)`: the "was my department sent this order"
///   probe of a liaison's visibility (replacing M004's `(work_order_id)`); and by
///   `(company_id, work_order_id)`: one order's supervision orders on the order page
///   (replacing M014's `(company_id)`);
/// - notifications by recipient and by role and company, newest first: the workspace's
///   reminders and the shift board's notices.
struct M015_AddPageIndexes: AsyncMigration {
    struct Index: Sendable {
        let name: String
        let table: String
        let columns: [String]
    }

    static let added: [Index] = [
        Index(name: "work_orders_company_created_idx", table: "work_orders", columns: ["company_id", "created_at"]),
        Index(name: "work_orders_company_status_owner_idx", table: "work_orders", columns: ["company_id", "status", "owner_work_id"]),
        Index(name: "work_orders_company_owner_created_idx", table: "work_orders", columns: ["company_id", "owner_work_id", "created_at"]),
        Index(name: "work_orders_company_type_created_idx", table: "work_orders", columns: ["company_id", "type", "created_at"]),
        Index(name: "supervision_orders_department_deadline_idx", table: "supervision_orders", columns: ["department_id", "deadline"]),
        Index(name: "supervision_orders_company_work_order_idx", table: "supervision_orders", columns: ["company_id", "work_order_id"]),
        Index(name: "supervision_orders_work_order_department_idx", table: "supervision_orders", columns: ["work_order_id", "department_id"]),
        Index(name: "notifications_recipient_created_idx", table: "notifications", columns: ["recipient_work_id", "created_at"]),
        Index(name: "notifications_role_company_created_idx", table: "notifications", columns: ["recipient_role", "company_id", "created_at"]),
    ]

    /// Single-column indexes that are each a prefix of one above. Without statistics SQLite
    /// takes any one equality for as selective as another: "company_id = ?" (one value in
    /// most centers) won over "work_order_id = ?" and read a company's every supervision
    /// order to find one order's (27 ms a page at 1,000,000), and "department_id = ?" won
    /// over "work_order_id = ?" in the liaison's visibility probe.
    static let replaced: [Index] = [
        Index(name: "work_orders_company_idx", table: "work_orders", columns: ["company_id"]),
        Index(name: "supervision_orders_company_idx", table: "supervision_orders", columns: ["company_id"]),
        Index(name: "supervision_orders_work_order_idx", table: "supervision_orders", columns: ["work_order_id"]),
    ]

    func prepare(on db: Database) async throws {
        let sql = try db.sql()
        for index in Self.added { try await Self.create(index, on: sql) }
        for index in Self.replaced { try await sql.drop(index: index.name).run() }
    }

    func revert(on db: Database) async throws {
        let sql = try db.sql()
        for index in Self.replaced { try await Self.create(index, on: sql) }
        for index in Self.added.reversed() { try await sql.drop(index: index.name).run() }
    }

    static func create(_ index: Index, on sql: any SQLDatabase) async throws {
        var builder = sql.create(index: index.name).on(index.table)
        for column in index.columns { builder = builder.column(column) }
        try await builder.run()
    }

    /// A later migration's indexes, created and dropped as one.
    static func create(_ indexes: [Index], on db: Database) async throws {
        let sql = try db.sql()
        for index in indexes { try await create(index, on: sql) }
    }

    static func drop(_ indexes: [Index], on db: Database) async throws {
        let sql = try db.sql()
        for index in indexes { try await sql.drop(index: index.name).run() }
    }
}
