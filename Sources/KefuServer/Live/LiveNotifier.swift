import Vapor
import Fluent
import SQLKit

/// "The floor changed": on PostgreSQL a NOTIFY on `kefu_live` reaches every `kefu serve`
/// process sharing the database (each listens, see `LiveListener`); on SQLite there is one
/// process, so this one's wallboard is told directly.
enum LiveNotifier {
    static let channel = "kefu_live"

    static func changed(_ app: Application, db: Database) async throws {
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT pg_notify(\(bind: channel), '')").run()
        } else {
            app.wallboard.changed()
        }
    }
}
