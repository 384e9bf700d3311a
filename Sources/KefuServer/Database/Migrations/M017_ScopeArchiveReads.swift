import Fluent
import SQLKit

/// The archive read register (查阅登记, R5.5) gains the company of the archive read (so the
/// register is read through the company scope like every other table) and the reason of the
/// read — the call or order that caused it, or what the reader typed. Existing rows take
/// their customer's company; their reason stays empty (it was never asked for).
struct M017_ScopeArchiveReads: AsyncMigration {
    static let indexes: [M015_AddPageIndexes.Index] = [
        .init(name: "customer_access_logs_company_at_idx", table: "customer_access_logs", columns: ["company_id", "at"]),
        .init(name: "customer_access_logs_customer_at_idx", table: "customer_access_logs", columns: ["customer_id", "at"]),
        .init(name: "customer_access_logs_actor_at_idx", table: "customer_access_logs", columns: ["actor_work_id", "at"]),
    ]

    func prepare(on db: Database) async throws {
        try await db.schema("customer_access_logs").field("company_id", .uuid, .references("companies", "id")).update()
        try await db.schema("customer_access_logs").field("reason", .string).update()
        let sql = try db.sql()
        try await sql.raw("""
            UPDATE customer_access_logs SET company_id =
                (SELECT customers.company_id FROM customers WHERE customers.id = customer_access_logs.customer_id)
            """).run()
        for index in Self.indexes { try await M015_AddPageIndexes.create(index, on: sql) }
    }

    func revert(on db: Database) async throws {
        let sql = try db.sql()
        for index in Self.indexes.reversed() { try await sql.drop(index: index.name).run() }
        try await db.schema("customer_access_logs").deleteField("reason").update()
        try await db.schema("customer_access_logs").deleteField("company_id").update()
    }
}
