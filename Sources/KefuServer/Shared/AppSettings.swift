import Fluent
import SQLKit

/// The `app_settings` key/value table: small pieces of center-wide state that must survive
/// a restart and be shared by every process (the simulated clock's offset, the language
/// rules' revision and scorecard, the emergency policy and state, group rosters, the ACD switch).
enum AppSettings {
    static func get(_ key: String, on db: Database) async throws -> String? {
        struct Row: Decodable { var value: String }
        return try await (try db.sql()).raw("SELECT value FROM app_settings WHERE key = \(bind: key)")
            .first(decoding: Row.self)?.value
    }

    static func set(_ key: String, _ value: String, on db: Database) async throws {
        try await (try db.sql()).raw("""
            INSERT INTO app_settings (key, value) VALUES (\(bind: key), \(bind: value))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """).run()
    }
}
