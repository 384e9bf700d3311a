import Fluent
import SQLKit

extension Database {
    /// The SQL face of the database. Both drivers Kefu ships (SQLite, PostgreSQL) are SQL
    /// databases; a driver that is not gets a clear error instead of a trap.
    func sql() throws -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            throw DatabaseNotSQL()
        }
        return sql
    }
}

struct DatabaseNotSQL: Error, CustomStringConvertible {
    var description: String { "the configured database driver does not speak SQL" }
}
