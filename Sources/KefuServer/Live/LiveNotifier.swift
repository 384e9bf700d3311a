import Vapor
import Fluent
import SQLKit

/// "The floor changed": this process's wallboards are told directly; on PostgreSQL a NOTIFY
/// on `kefu_live`, carrying this process's origin, also reaches every other `kefu serve`
/// process sharing the database (each listens, see `LiveListener`, and skips its own).
enum LiveNotifier {
    static let channel = "kefu_live"

    static func changed(_ app: Application, db: Database) async throws {
        let sql = try db.sql()
        app.wallboard.changed()
        if sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT pg_notify(\(bind: channel), \(bind: app.wallboard.origin))").run()
        }
    }
}
