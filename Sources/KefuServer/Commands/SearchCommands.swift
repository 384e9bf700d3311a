import Vapor
import Fluent
import SQLKit
import KefuCore

/// `kefu search status|index|rebuild`: the search index seen from the operator's side. A
/// server keeps the index up by itself; these are for after a bulk load (index now, timed)
/// and for a suspected fault (rebuild from the rows).
struct SearchCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] {
        ["status": SearchStatusCommand(), "index": SearchIndexCommand(rebuild: false), "rebuild": SearchIndexCommand(rebuild: true)]
    }
    var help: String { "Search index: status, index (what waits), rebuild (from the rows)" }
}

struct SearchStatusCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Rows indexed per kind, notes waiting, and the size of the index" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let s = try await SearchIndexStatus.read(db)
        context.console.print("search_status pending=\(s.pending) " + s.rows.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
                              + " index_bytes=\(s.bytes)")
    }
}

struct SearchIndexCommand: AsyncCommand {
    let rebuild: Bool
    struct Signature: CommandSignature {}
    var help: String { rebuild ? "Drop the index and build it again from every row" : "Index every row that waits, and print the time taken" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let start = Date()
        if rebuild { try await SearchIndexStatus.requeueEverything(app.db) }
        let notes = try await app.kefu.search.drainAll(app.db)
        // After a bulk load the index is many small pieces: merged, each search reads one.
        if notes >= 10_000 { try await SearchIndexStatus.compact(app.db) }
        let seconds = Date().timeIntervalSince(start)
        let s = try await SearchIndexStatus.read(app.db)
        context.console.print(String(format: "search_index notes=%d seconds=%.1f rate=%.0f", notes, seconds, Double(notes) / max(seconds, 0.001))
                              + " " + s.rows.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ") + " index_bytes=\(s.bytes)")
    }
}

/// What the index holds, for the commands and the benchmark.
struct SearchIndexStatus {
    var pending: Int
    var rows: [String: Int]
    var bytes: Int

    static func read(_ db: Database) async throws -> SearchIndexStatus {
        let sql = try db.sql()
        let pending = try await sql.raw("SELECT count(*) AS n FROM search_pending").first()?.decode(column: "n", as: Int.self) ?? 0
        var rows: [String: Int] = [:]
        var bytes = 0
        for kind in SearchKind.allCases {
            rows[kind.rawValue] = try await sql.raw("SELECT count(*) AS n FROM \(unsafeRaw: kind.table)").first()?.decode(column: "n", as: Int.self) ?? 0
            if sql.dialect.name == "postgresql" {
                bytes += try await sql.raw("SELECT pg_total_relation_size('\(unsafeRaw: kind.table)') AS n").first()?.decode(column: "n", as: Int.self) ?? 0
            } else {
                // The FTS5 table keeps its index in shadow tables named after it.
                bytes += try await sql.raw("SELECT coalesce(sum(pgsize), 0) AS n FROM dbstat WHERE name = '\(unsafeRaw: kind.table)' OR name LIKE '\(unsafeRaw: kind.table)_fts%' OR name LIKE 'sqlite_autoindex_\(unsafeRaw: kind.table)_%'").first()?.decode(column: "n", as: Int.self) ?? 0
            }
        }
        return SearchIndexStatus(pending: pending, rows: rows, bytes: bytes)
    }

    /// Merges the index into one piece per kind (SQLite FTS5 `optimize`; PostgreSQL: the GIN
    /// pending list flushed and the planner's statistics refreshed).
    static func compact(_ db: Database) async throws {
        let sql = try db.sql()
        for kind in SearchKind.allCases {
            if sql.dialect.name == "postgresql" {
                try await sql.raw("VACUUM ANALYZE \(unsafeRaw: kind.table)").run()
            } else {
                try await db.writeTransaction { tx in
                    try await tx.sql().raw("INSERT INTO \(unsafeRaw: kind.table)_fts (\(unsafeRaw: kind.table)_fts) VALUES ('optimize')").run()
                }
            }
        }
    }

    /// Empties the index and notes every row again, oldest first (as M027 did).
    static func requeueEverything(_ db: Database) async throws {
        try await db.writeTransaction { tx in
            let sql = try tx.sql()
            for kind in SearchKind.allCases {
                if sql.dialect.name != "postgresql" {
                    try await sql.raw("INSERT INTO \(unsafeRaw: kind.table)_fts (\(unsafeRaw: kind.table)_fts) VALUES ('delete-all')").run()
                }
                try await sql.raw("DELETE FROM \(unsafeRaw: kind.table)").run()
            }
            try await sql.raw("DELETE FROM search_pending").run()
            for kind in SearchKind.allCases {
                try await M027_CreateSearchIndex.queueExisting(kind.rawValue, from: kind.sourceTable, on: sql)
            }
        }
    }
}
