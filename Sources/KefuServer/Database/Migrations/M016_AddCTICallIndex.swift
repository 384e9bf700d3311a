import Fluent
import SQLKit

/// The events of one call of a company, by `(company_id, call_id)`. Every CTI intake looks
/// up the branch an earlier event of the same call was routed to, inside its write
/// transaction, and the screen pop asks the same of the call on the agent's desk; without
/// this index both walked every event the company ever stored through the
/// `(company_id, event_id)` index, inside the write transaction every other writer waits
/// for — a cost that grows with every day of events kept (perf of the center benchmark:
/// SQLite's row seeks were the largest single item of the server's profile).
struct M016_AddCTICallIndex: AsyncMigration {
    static let index = M015_AddPageIndexes.Index(name: "cti_events_company_call_idx", table: "cti_events",
                                                 columns: ["company_id", "call_id"])

    func prepare(on db: Database) async throws {
        try await M015_AddPageIndexes.create(Self.index, on: try db.sql())
    }

    func revert(on db: Database) async throws {
        try await (try db.sql()).drop(index: Self.index.name).run()
    }
}
