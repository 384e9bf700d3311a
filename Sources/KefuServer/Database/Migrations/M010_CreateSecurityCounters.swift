import Fluent

/// Sign-in throttling and request rate limits (issue 10). Kept in the database, not in
/// process memory, so several `kefu serve` processes count the same failures and a restart
/// does not hand an attacker a fresh set of guesses.
struct M010_CreateSecurityCounters: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("login_failures")
            .id()
            .field("key", .string, .required)
            .field("failures", .int, .required)
            .field("last_failure_at", .datetime, .required)
            .unique(on: "key")
            .create()
        try await db.schema("rate_counters")
            .id()
            .field("key", .string, .required)
            .field("window_start", .datetime, .required)
            .field("count", .int, .required)
            .unique(on: "key")
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema("rate_counters").delete()
        try await db.schema("login_failures").delete()
    }
}
