import Foundation
import FluentKit
import PostgresKit
import PostgresNIO
import SQLKit

/// A point read every request makes (who is behind a token, a branch, a customer, a time
/// limit), prepared once per PostgreSQL connection instead of parsed and planned on each run.
/// Measured with pgbench on this machine: two such reads per transaction run at 16,000/s
/// parsed each time and 45,500/s prepared; in a create they were four of its five statements.
/// SQLite keeps its prepared statements per connection anyway (`SQLiteWriteConnection`).
protocol PreparedRead: Sendable {
    /// The statement with `?` placeholders, as `SQLText` has it.
    static var sql: String { get }
}

extension SQLText {
    /// `statement`'s text with its values; on PostgreSQL it runs prepared (`LeanReads`).
    init<S: PreparedRead>(_ statement: S.Type, binds: [RowValue]) {
        self.init(sql: S.sql, binds: binds, prepared: statement)
    }
}

/// `S` as PostgresNIO prepares it: by name, once per connection, on first use there.
struct PostgresPreparedRead<S: PreparedRead>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { "kefu." + String(describing: S.self) }
    static var sql: String {
        var out = ""
        var n = 0
        for c in S.sql {
            if c == "?" { n += 1; out += "$\(n)" } else { out.append(c) }
        }
        return out
    }

    let binds: [RowValue]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .text(let v): bindings.append(v)
            case .int(let v): bindings.append(v)
            case .bool(let v): bindings.append(v)
            case .uuid(let v): bindings.append(v)
            case .date(let v): bindings.append(v)
            case .address:
                throw KefuError(.internalServerError, "unsupported_bind", "预备语句不支持地址参数：\(S.self)")
            }
        }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

    /// Runs on one connection of `database`'s pool and returns the rows decoded as SQLKit does.
    static func all<R: Decodable>(_ binds: [RowValue], on database: any PostgresDatabase, logger: Logger,
                                  as type: R.Type) async throws -> [R] {
        let statement = Self(binds: binds)
        let rows: [PostgresRow] = try await database.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                var rows: [PostgresRow] = []
                for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
                return rows
            }
        }.get()
        let decoder = SQLRowDecoder()
        return try rows.map { try $0.sql().decode(model: R.self, with: decoder) }
    }
}
