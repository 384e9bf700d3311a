import Fluent
import SQLKit

/// The index behind the one search box (`Search/`). Each searchable kind has a table of
/// its rows (`seq` orders them newest first; `version` keeps a late writer from putting back
/// an older text) and their grams: an FTS5 table on SQLite, a `tsvector` with a GIN index on
/// PostgreSQL (`SearchGrams` explains the grams).
///
/// The database itself notes what changed: triggers on the source tables add a line to
/// `search_pending` for every insert, delete and change of a searched column, whoever wrote
/// it (the order writer thread, an import, a migration, an operator's SQL). `SearchIndexer`
/// turns those lines into grams. Existing rows are queued here and indexed after start.
struct M027_CreateSearchIndex: AsyncMigration {
    /// Source table, key column, queued kind, and the columns whose change needs new grams.
    struct Source { var table: String; var key: String; var kind: String; var columns: [String] }
    static let sources = [
        Source(table: "work_orders", key: "id", kind: "orders", columns: ["company_id", "number", "subject", "description"]),
        Source(table: "customers", key: "id", kind: "customers", columns: ["company_id", "name", "phone", "phone2"]),
        Source(table: "customer_contacts", key: "customer_id", kind: "customers", columns: ["customer_id", "value"]),
    ]
    static let kinds = ["orders", "customers"]

    func prepare(on db: Database) async throws {
        let sql = try db.sql()
        let postgres = sql.dialect.name == "postgresql"
        if postgres {
            try await sql.raw("CREATE TABLE search_pending (id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, ref UUID NOT NULL)").run()
            for kind in Self.kinds { try await Self.createKind(kind, on: sql) }
            try await sql.raw("""
                CREATE FUNCTION search_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO search_pending (kind, ref) VALUES (TG_ARGV[0],
                        ((CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END) ->> TG_ARGV[1])::uuid);
                    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) ->> TG_ARGV[1]) IS DISTINCT FROM (to_jsonb(NEW) ->> TG_ARGV[1]) THEN
                        INSERT INTO search_pending (kind, ref) VALUES (TG_ARGV[0], (to_jsonb(OLD) ->> TG_ARGV[1])::uuid);
                    END IF;
                    RETURN NULL;
                END $$
                """).run()
            for s in Self.sources { try await Self.createTriggers(s, on: sql) }
        } else {
            try await sql.raw("CREATE TABLE search_pending (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ref BLOB NOT NULL)").run()
            for kind in Self.kinds { try await Self.createKind(kind, on: sql) }
            for s in Self.sources { try await Self.createTriggers(s, on: sql) }
        }
        // What is already there, oldest first, so `seq` follows age.
        try await Self.queueExisting("orders", from: "work_orders", on: sql)
        try await Self.queueExisting("customers", from: "customers", on: sql)
    }

    /// The index tables of one kind (`search_KIND`, and on SQLite its FTS5 table).
    static func createKind(_ kind: String, on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw(SQLQueryString("""
                CREATE TABLE search_\(unsafeRaw: kind) (seq BIGSERIAL PRIMARY KEY, ref UUID NOT NULL UNIQUE,
                    company_id UUID NOT NULL, version BIGINT NOT NULL, grams TSVECTOR NOT NULL)
                """)).run()
            try await sql.raw(SQLQueryString("CREATE INDEX search_\(unsafeRaw: kind)_grams_idx ON search_\(unsafeRaw: kind) USING GIN (grams)")).run()
            return
        }
        try await sql.raw(SQLQueryString("""
            CREATE TABLE search_\(unsafeRaw: kind) (seq INTEGER PRIMARY KEY AUTOINCREMENT, ref BLOB NOT NULL UNIQUE,
                company_id BLOB NOT NULL, version INTEGER NOT NULL)
            """)).run()
        // Contentless: the grams are only searched, never shown; deletable by rowid (= seq).
        try await sql.raw(SQLQueryString("""
            CREATE VIRTUAL TABLE search_\(unsafeRaw: kind)_fts USING fts5(grams, content='', contentless_delete=1,
                tokenize='ascii')
            """)).run()
        // Merge the small pieces each write makes as soon as two are alike in size: a
        // search reads every piece, and the center writes little compared with its reads.
        try await sql.raw(SQLQueryString("INSERT INTO search_\(unsafeRaw: kind)_fts (search_\(unsafeRaw: kind)_fts, rank) VALUES ('automerge', 2)")).run()
    }

    /// The triggers that note each change of a source table's searched columns.
    static func createTriggers(_ s: Source, on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw(SQLQueryString("""
                CREATE TRIGGER search_\(unsafeRaw: s.table) AFTER INSERT OR DELETE OR UPDATE OF \(unsafeRaw: s.columns.joined(separator: ", "))
                ON \(unsafeRaw: s.table) FOR EACH ROW EXECUTE FUNCTION search_note_change('\(unsafeRaw: s.kind)', '\(unsafeRaw: s.key)')
                """)).run()
            return
        }
        let note = { (row: String) in "INSERT INTO search_pending (kind, ref) VALUES ('\(s.kind)', \(row).\(s.key));" }
        try await sql.raw(SQLQueryString("CREATE TRIGGER search_\(unsafeRaw: s.table)_insert AFTER INSERT ON \(unsafeRaw: s.table) BEGIN \(unsafeRaw: note("NEW")) END")).run()
        try await sql.raw(SQLQueryString("CREATE TRIGGER search_\(unsafeRaw: s.table)_delete AFTER DELETE ON \(unsafeRaw: s.table) BEGIN \(unsafeRaw: note("OLD")) END")).run()
        // The old key too, when the change moved the row to another parent.
        try await sql.raw(SQLQueryString("""
            CREATE TRIGGER search_\(unsafeRaw: s.table)_update AFTER UPDATE OF \(unsafeRaw: s.columns.joined(separator: ", ")) ON \(unsafeRaw: s.table)
            BEGIN \(unsafeRaw: note("NEW")) \(unsafeRaw: s.key == "id" ? "" : "INSERT INTO search_pending (kind, ref) SELECT '\(s.kind)', OLD.\(s.key) WHERE OLD.\(s.key) IS NOT NEW.\(s.key);") END
            """)).run()
    }

    /// Notes every row of `table` for the indexer, oldest first, so `seq` follows age.
    static func queueExisting(_ kind: String, from table: String, on sql: any SQLDatabase) async throws {
        try await sql.raw(SQLQueryString("INSERT INTO search_pending (kind, ref) SELECT '\(unsafeRaw: kind)', id FROM \(unsafeRaw: table) ORDER BY created_at, id")).run()
    }

    /// Drops what `createKind` and `createTriggers` made.
    static func drop(kind: String, sources: [Source], on sql: any SQLDatabase) async throws {
        let postgres = sql.dialect.name == "postgresql"
        for s in sources {
            if postgres {
                try await sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS search_\(unsafeRaw: s.table) ON \(unsafeRaw: s.table)")).run()
            } else {
                for op in ["insert", "delete", "update"] {
                    try await sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS search_\(unsafeRaw: s.table)_\(unsafeRaw: op)")).run()
                }
            }
        }
        if !postgres { try await sql.raw(SQLQueryString("DROP TABLE IF EXISTS search_\(unsafeRaw: kind)_fts")).run() }
        try await sql.raw(SQLQueryString("DROP TABLE IF EXISTS search_\(unsafeRaw: kind)")).run()
    }

    func revert(on db: Database) async throws {
        let sql = try db.sql()
        let postgres = sql.dialect.name == "postgresql"
        for s in Self.sources {
            if postgres {
                try await sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS search_\(unsafeRaw: s.table) ON \(unsafeRaw: s.table)")).run()
            } else {
                for op in ["insert", "delete", "update"] {
                    try await sql.raw(SQLQueryString("DROP TRIGGER IF EXISTS search_\(unsafeRaw: s.table)_\(unsafeRaw: op)")).run()
                }
            }
        }
        if postgres { try await sql.raw("DROP FUNCTION IF EXISTS search_note_change()").run() }
        for kind in Self.kinds {
            if !postgres { try await sql.raw(SQLQueryString("DROP TABLE IF EXISTS search_\(unsafeRaw: kind)_fts")).run() }
            try await sql.raw(SQLQueryString("DROP TABLE IF EXISTS search_\(unsafeRaw: kind)")).run()
        }
        try await sql.raw("DROP TABLE search_pending").run()
    }
}
