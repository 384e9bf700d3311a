import Vapor
import Fluent
import FluentSQLiteDriver
import FluentPostgresDriver

enum DatabaseSetup {
    static func configure(_ app: Application, _ location: Settings.DatabaseLocation) throws {
        switch location {
        case .sqliteMemory:
            app.databases.use(.sqlite(.memory), as: .sqlite)
        case .sqlite(let path):
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // WAL lets readers (pages, reports) run while a writer commits.
            app.databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(30)), as: .sqlite)
            app.sqliteWriter = SQLiteWriter(path: path, gate: .sqlite, logger: app.logger)
            app.sqliteReader = SQLiteWriter(path: path, gate: .sqlite, logger: app.logger, transactional: false, threads: 4)
        case .postgres(let url):
            var config = try SQLPostgresConfiguration(url: url)
            config.searchPath = nil
            app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: .seconds(30), sqlLogLevel: .debug), as: .psql)
            app.orderBatcher = OrderBatcher(db: app.db)
        }
    }

    /// WAL lets pages and reports read while a writer commits; it is stored in the database
    /// file, so it holds for every connection. `busy_timeout` and `synchronous` are
    /// per-connection settings and reach only the connection this runs on (measured: raw
    /// inserts ~10 % faster with them); concurrent writers are queued by `WriteGate`.
    static func prepare(_ app: Application) async throws {
        guard case .sqlite = app.kefu.settings.database, let sql = app.db as? any SQLDatabase else { return }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        try await sql.raw("PRAGMA busy_timeout=10000").run()
        try await sql.raw("PRAGMA synchronous=NORMAL").run()
    }

    static func isPostgres(_ db: Database) -> Bool {
        (db as? any SQLDatabase)?.dialect.name == "postgresql"
    }
}

import SQLKit
