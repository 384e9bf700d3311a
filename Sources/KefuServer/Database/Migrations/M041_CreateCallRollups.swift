import Fluent
import SQLKit

/// The telephony KPIs' rollups (R10.3): each local day's events folded once into 15-minute
/// queue figures, agents' daily time and the floor's time per interval, so a year's report
/// sums some tens of thousands of rows, never millions of events. Events are only ever
/// inserted; the database marks the hour of each one as owed (a trigger, so no intake can
/// forget), and the days those hours fall on are folded again.
///
/// `owner_day` is the day whose fold wrote a row; `day`/`minute` is where the figure lies.
/// They differ only for time that crosses midnight, which the later day's fold books.
struct M041_CreateCallRollups: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("report_call_slots")
            .field("company_id", .uuid, .required).field("owner_day", .string, .required)
            .field("day", .string, .required).field("minute", .int, .required).field("weekday", .int, .required)
            .field("queue", .string, .required)
            .field("enqueued", .int, .required).field("answered", .int, .required).field("answered_in_sl", .int, .required)
            .field("completed", .int, .required).field("completed_in_sl", .int, .required)
            .field("abandoned", .int, .required).field("abandoned_in_sl", .int, .required).field("voicemail", .int, .required)
            .field("wait_seconds", .int, .required).field("talk_seconds", .int, .required).field("wrap_seconds", .int, .required)
            .create()
        try await Self.time(db.schema("report_agent_days").field("company_id", .uuid, .required).field("owner_day", .string, .required)
            .field("day", .string, .required).field("agent_work_id", .string, .required)).create()
        try await Self.time(db.schema("report_floor_slots").field("company_id", .uuid, .required).field("owner_day", .string, .required)
            .field("day", .string, .required).field("minute", .int, .required).field("weekday", .int, .required)).create()
        let sql = try db.sql()
        for table in ["report_call_slots", "report_agent_days", "report_floor_slots"] {
            try await sql.create(index: "\(table)_day").on(table).column("company_id").column("day").run()
            try await sql.create(index: "\(table)_owner").on(table).column("company_id").column("owner_day").run()
        }
        // A day's fold reads one company's events by time: without this index SQLite walks
        // every event of the company through (company_id, agent_work_id, at).
        try await sql.create(index: "cti_events_company_at_idx").on("cti_events").column("company_id").column("at").run()
        try await db.schema("report_dirty_call_hours")
            .field("company_id", .uuid, .required).field("hour", .int64, .required).field("version", .int, .required)
            .unique(on: "company_id", "hour")
            .create()
        for statement in sql.dialect.name == "sqlite" ? Self.sqliteTriggers : Self.postgresTriggers {
            try await sql.raw(SQLQueryString(statement)).run()
        }
        // Events stored before this migration are owed their figures too.
        try await sql.raw(SQLQueryString(
            "INSERT INTO report_dirty_call_hours (company_id, hour, version) SELECT DISTINCT company_id, \(Self.hour(of: "at", sqlite: sql.dialect.name == "sqlite")), 1 FROM cti_events WHERE company_id IS NOT NULL"
        )).run()
    }

    /// An agent's time and calls, the same in the per-agent days and the floor's intervals.
    static func time(_ schema: SchemaBuilder) -> SchemaBuilder {
        schema.field("answered", .int, .required).field("completed", .int, .required)
            .field("talk_seconds", .int, .required).field("wrap_seconds", .int, .required)
            .field("idle_seconds", .int, .required).field("not_ready_seconds", .int, .required)
    }

    /// Hours since 1970 (UTC) of a timestamp column: SQLite keeps dates as seconds.
    static func hour(of column: String, sqlite: Bool) -> String {
        sqlite ? "CAST(\(column) / 3600 AS INTEGER)" : "CAST(floor(extract(epoch from \(column)) / 3600) AS BIGINT)"
    }

    static let upsert = "ON CONFLICT (company_id, hour) DO UPDATE SET version = report_dirty_call_hours.version + 1"

    static var sqliteTriggers: [String] {
        ["CREATE TRIGGER report_mark_cti_events AFTER INSERT ON cti_events WHEN NEW.company_id IS NOT NULL BEGIN "
            + "INSERT INTO report_dirty_call_hours (company_id, hour, version) VALUES (NEW.company_id, \(hour(of: "NEW.at", sqlite: true)), 1) \(upsert); END"]
    }

    static var postgresTriggers: [String] {
        [
            """
            CREATE OR REPLACE FUNCTION report_mark_call_hour() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.company_id IS NOT NULL THEN
                INSERT INTO report_dirty_call_hours (company_id, hour, version) VALUES (NEW.company_id, \(hour(of: "NEW.at", sqlite: false)), 1) \(upsert);
              END IF;
              RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER report_mark_cti_events AFTER INSERT ON cti_events FOR EACH ROW EXECUTE FUNCTION report_mark_call_hour()",
        ]
    }

    func revert(on db: Database) async throws {
        let sql = try db.sql()
        if sql.dialect.name == "sqlite" {
            try await sql.raw("DROP TRIGGER IF EXISTS report_mark_cti_events").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS report_mark_cti_events ON cti_events").run()
            try await sql.raw("DROP FUNCTION IF EXISTS report_mark_call_hour()").run()
        }
        try await sql.drop(index: "cti_events_company_at_idx").run()
        for table in ["report_dirty_call_hours", "report_floor_slots", "report_agent_days", "report_call_slots"] {
            try await db.schema(table).delete()
        }
    }
}
