import Fluent
import SQLKit

extension Database {
    /// A transaction for work that reads and then writes. On SQLite it starts with
    /// `BEGIN IMMEDIATE`: a plain BEGIN takes a read lock first, and two such transactions
    /// that both try to upgrade to a write lock fail with "database is locked" instead of
    /// waiting; and write transactions queue on `WriteGate` so waiting never ties up
    /// sqlite-nio's threads. PostgreSQL uses its ordinary transaction.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if !inTransaction, let claim = OnceClaim.current, !claim.isClaimed {
            // A form's one-time token is used up in the transaction that creates what the
            // form asked for (OnceToken.swift), so the two commit or fail together.
            let result = try await OnceClaim.$current.withValue(nil) {
                try await writeTransaction { db in
                    try await claim.claim(on: db)
                    return try await body(db)
                }
            }
            claim.markClaimed()
            return result
        }
        guard !inTransaction, let sql = self as? any SQLDatabase, sql.dialect.name == "sqlite" else {
            return try await transaction(body)
        }
        return try await WriteGate.sqlite.run {
            try await withConnection { conn in
                let c = try conn.sql()
                try await c.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(conn)
                    try await c.raw("COMMIT").run()
                    return result
                } catch {
                    try? await c.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
    }
}
