import Vapor
import Fluent
import SQLKit

/// The few reads every API request makes (the caller behind a token, the order's branch,
/// customer and time limits), as one statement each. On a SQLite file they go to a thread of
/// their own that holds a connection and its prepared statements (`SQLiteWriter` as a reader):
/// one hand-off per read instead of sqlite-nio's pool hop, SQL serialising and re-preparing.
/// Elsewhere — PostgreSQL, or inside a transaction, whose connection must see its own writes —
/// they run through SQLKit. Either way the same `SQLText` and row type.
struct LeanReads: Sendable {
    let reader: SQLiteWriter?
    let db: any Database

    func all<R: Decodable & Sendable>(_ text: SQLText, as type: R.Type) async throws -> [R] {
        if let reader, !db.inTransaction {
            return try await reader.perform { connection in try connection.all(text, as: R.self) }
        }
        return try await (try db.sql()).raw(text).all(decoding: R.self)
    }

    func first<R: Decodable & Sendable>(_ text: SQLText, as type: R.Type) async throws -> R? {
        try await all(text, as: type).first
    }
}

extension Request {
    var leanReads: LeanReads { LeanReads(reader: application.sqliteReader, db: db) }
}

extension Application {
    private struct SQLiteReaderKey: StorageKey { typealias Value = SQLiteWriter }

    /// The lean-read thread of a SQLite file database (see `LeanReads`).
    var sqliteReader: SQLiteWriter? {
        get { storage[SQLiteReaderKey.self] }
        set { storage.set(SQLiteReaderKey.self, to: newValue, onShutdown: { $0.shutdown() }) }
    }
}
