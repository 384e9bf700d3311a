import Vapor
import Fluent
import SQLKit
import PostgresKit

/// The few reads every API request makes (the caller behind a token, the order's branch,
/// customer and time limits), as one statement each. On a SQLite file they run on the calling
/// thread's own connection with its prepared statements (`SQLiteWriter.readHere`), and lists
/// on reader threads (`SQLiteWriter` as a reader): no sqlite-nio pool hop, SQL serialising
/// and re-preparing.
/// Elsewhere — PostgreSQL, or inside a transaction, whose connection must see its own writes —
/// they run through SQLKit. Either way the same `SQLText` and row type.
struct LeanReads: Sendable {
    let reader: SQLiteWriter?
    let db: any Database

    /// A point read (a few rows by key): on SQLite it runs right here, on this thread's connection.
    func all<R: Decodable & Sendable>(_ text: SQLText, as type: R.Type) async throws -> [R] {
        if let reader, !db.inTransaction {
            return try reader.readHere { connection in try connection.all(text, as: R.self) }
        }
        if let prepared = text.prepared, !db.inTransaction, let postgres = db as? any PostgresDatabase {
            return try await Self.prepared(prepared, text.binds, on: postgres, as: R.self)
        }
        return try await (try db.sql()).raw(text).all(decoding: R.self)
    }

    private static func prepared<S: PreparedRead, R: Decodable & Sendable>(
        _ statement: S.Type, _ binds: [RowValue], on database: any PostgresDatabase, as type: R.Type
    ) async throws -> [R] {
        try await PostgresPreparedRead<S>.all(binds, on: database, logger: database.logger, as: R.self)
    }

    func first<R: Decodable & Sendable>(_ text: SQLText, as type: R.Type) async throws -> R? {
        try await all(text, as: type).first
    }

    /// A query built with SQLKit (a list with its filters): serialised once and run on the
    /// reader thread when its values are plain ones, else through SQLKit.
    func all<R: Decodable & Sendable>(_ query: any SQLExpression, as type: R.Type) async throws -> [R] {
        let sql = try db.sql()
        if let reader, !db.inTransaction, let text = SQLText(serializing: query, on: sql) {
            return try await reader.perform { connection in try connection.all(text, as: R.self) }
        }
        return try await sql.raw("\(query)").all(decoding: R.self)
    }
}

extension SQLText {
    /// `query` as text and values, when every value is one the SQLite thread binds; nil otherwise.
    init?(serializing query: any SQLExpression, on sql: any SQLDatabase) {
        let (text, binds) = sql.serialize(query)
        var values: [RowValue] = []
        for bind in binds {
            switch bind {
            case let v as String: values.append(.text(v))
            case let v as UUID: values.append(.uuid(v))
            case let v as Date: values.append(.date(v))
            case let v as Bool: values.append(.bool(v))
            case let v as Int: values.append(.int(v))
            default: return nil
            }
        }
        self.init(sql: text, binds: values)
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
