import Fluent
import SQLKit

/// The period reports' daily rollups (R10.1): one facts row per order, its day's buckets
/// summed from them, and the orders whose facts are owed. The database itself marks an
/// order owed whenever it, its supervision orders or its callbacks change (triggers; a
/// reopening always changes the order itself), so
/// no write path can forget to: the rollups are brought up to date from the marks before a
/// report is read and by the sweeper.
struct M038_CreateReportRollups: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await Self.dimensions(db.schema("report_order_facts").field("order_id", .uuid, .identifier(auto: false)))
            .field("closed", .int, .required)
            .field("fcr", .int, .required)
            .field("sla_met", .int, .required)
            .field("sla_breached", .int, .required)
            .field("escalated", .int, .required)
            .field("reopened", .int, .required)
            .field("duplicate", .int, .required)
            .field("satisfaction", .int)
            .create()
        let sql = try db.sql()
        try await sql.create(index: "report_order_facts_day").on("report_order_facts").column("company_id").column("day").run()
        try await Self.dimensions(db.schema("report_order_days"))
            .field("created", .int, .required)
            .field("closed", .int, .required)
            .field("fcr", .int, .required)
            .field("sla_met", .int, .required)
            .field("sla_breached", .int, .required)
            .field("escalated", .int, .required)
            .field("reopened", .int, .required)
            .field("duplicates", .int, .required)
            .field("sampled", .int, .required)
            .field("satisfaction_sum", .int, .required)
            .create()
        try await sql.create(index: "report_order_days_day").on("report_order_days").column("company_id").column("day").run()
        try await db.schema("report_dirty_orders")
            .field("order_id", .uuid, .identifier(auto: false))
            .field("version", .int, .required)
            .create()
        for statement in sql.dialect.name == "sqlite" ? Self.sqliteTriggers : Self.postgresTriggers {
            try await sql.raw(SQLQueryString(statement)).run()
        }
        // Orders taken before this migration are owed their facts too.
        try await sql.raw("INSERT INTO report_dirty_orders (order_id, version) SELECT id, 1 FROM work_orders").run()
    }

    /// What a report groups and filters by, the same in the facts and in the day buckets.
    static func dimensions(_ schema: SchemaBuilder) -> SchemaBuilder {
        schema.field("company_id", .uuid, .required).field("branch_id", .uuid).field("day", .string, .required)
            .field("type", .string, .required).field("channel", .string, .required).field("priority", .string, .required)
            .field("department_id", .uuid)
    }

    func revert(on db: Database) async throws {
        let sql = try db.sql()
        if sql.dialect.name == "sqlite" {
            for name in Self.sqliteTriggerNames { try await sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS \(name)")).run() }
        } else {
            for (table, name, _) in Self.marked {
                try await sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS \(name) ON \(table)")).run()
            }
            try await sql.raw("DROP FUNCTION IF EXISTS report_mark_order()").run()
            try await sql.raw("DROP FUNCTION IF EXISTS report_mark_parent_order()").run()
        }
        try await db.schema("report_dirty_orders").delete()
        try await db.schema("report_order_days").delete()
        try await db.schema("report_order_facts").delete()
    }

    /// (table, trigger name, the column naming the order).
    static let marked: [(String, String, String)] = [
        ("work_orders", "report_mark_work_orders", "id"),
        ("supervision_orders", "report_mark_supervision_orders", "work_order_id"),
        ("callbacks", "report_mark_callbacks", "work_order_id"),
    ]

    static let upsert = "ON CONFLICT (order_id) DO UPDATE SET version = report_dirty_orders.version + 1"

    static var sqliteTriggerNames: [String] {
        marked.flatMap { _, name, _ in ["\(name)_insert", "\(name)_update", "\(name)_delete"] }
    }

    static var sqliteTriggers: [String] {
        marked.flatMap { table, name, column -> [String] in
            let mark = { (row: String) in
                "INSERT INTO report_dirty_orders (order_id, version) VALUES (\(row).\(column), 1) \(upsert);"
            }
            return [
                "CREATE TRIGGER \(name)_insert AFTER INSERT ON \(table) BEGIN \(mark("NEW")) END",
                "CREATE TRIGGER \(name)_update AFTER UPDATE ON \(table) BEGIN \(mark("NEW")) END",
                "CREATE TRIGGER \(name)_delete AFTER DELETE ON \(table) BEGIN \(mark("OLD")) END",
            ]
        }
    }

    static var postgresTriggers: [String] {
        let function = { (name: String, column: String) in
            """
            CREATE OR REPLACE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                INSERT INTO report_dirty_orders (order_id, version) VALUES (OLD.\(column), 1) \(upsert);
              ELSE
                INSERT INTO report_dirty_orders (order_id, version) VALUES (NEW.\(column), 1) \(upsert);
              END IF;
              RETURN NULL;
            END $$
            """
        }
        return [function("report_mark_order", "id"), function("report_mark_parent_order", "work_order_id")]
            + marked.map { table, name, column in
                "CREATE TRIGGER \(name) AFTER INSERT OR UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION "
                    + (column == "id" ? "report_mark_order()" : "report_mark_parent_order()")
            }
    }
}
