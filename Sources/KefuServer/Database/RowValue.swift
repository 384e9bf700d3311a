import Foundation
import SQLKit
import KefuCore

/// A value bound into a hand-written statement, typed so each database stores it the way
/// Fluent reads it back: the SQLite writer thread stores UUIDs as text, dates as seconds since
/// 1970, booleans as 0/1 and structs as JSON text (what sqlite-nio writes); SQLKit gives
/// PostgreSQL its native types.
enum RowValue: Sendable {
    case text(String?)
    case int(Int?)
    case bool(Bool?)
    case uuid(UUID?)
    case date(Date?)
    case address(Address?)

    /// The value as SQLKit binds it.
    var encodable: any Encodable & Sendable {
        switch self {
        case .text(let v): v
        case .int(let v): v
        case .bool(let v): v
        case .uuid(let v): v
        case .date(let v): v
        case .address(let v): v
        }
    }
}

/// A statement with `?` placeholders and its values, one text for SQLite's writer thread and
/// for SQLKit (PostgreSQL, and SQLite through Fluent when the writer is not in use), so the
/// rows an order writes are spelled once.
struct SQLText: Sendable {
    let sql: String
    let binds: [RowValue]
    /// Set for a point read run prepared on PostgreSQL (`PreparedRead`).
    var prepared: (any PreparedRead.Type)? = nil

    /// One row to insert into `table`.
    static func insert(into table: String, _ pairs: KeyValuePairs<String, RowValue>) -> SQLText {
        let columns = pairs.map { "\"\($0.key)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: pairs.count).joined(separator: ", ")
        return SQLText(sql: "INSERT INTO \"\(table)\" (\(columns)) VALUES (\(marks))", binds: pairs.map(\.value))
    }

    /// The statement for SQLKit: each `?` becomes a bind in the dialect's own placeholder form.
    var query: SQLQueryString {
        var q = SQLQueryString("")
        var values = binds.makeIterator()
        let pieces = sql.split(separator: "?", omittingEmptySubsequences: false)
        for (i, piece) in pieces.enumerated() {
            q.appendLiteral(String(piece))
            if i < pieces.count - 1, let v = values.next() { q.appendInterpolation(bind: v.encodable) }
        }
        return q
    }
}

extension SQLDatabase {
    func raw(_ text: SQLText) -> SQLRawBuilder { raw(text.query) }
}
