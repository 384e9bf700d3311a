import Fluent
import SQLKit

/// A person's seat sign-ins and sign-outs, by `(company_id, agent_work_id, at)`: the
/// attendance sheet reads them as punches (R9.2) for one person and month, which without
/// this index walked the company's whole event history.
struct M034_AddAgentEventIndex: AsyncMigration {
    static let index = M015_AddPageIndexes.Index(name: "cti_events_company_agent_idx", table: "cti_events",
                                                 columns: ["company_id", "agent_work_id", "at"])

    func prepare(on db: Database) async throws {
        try await M015_AddPageIndexes.create(Self.index, on: try db.sql())
    }

    func revert(on db: Database) async throws {
        try await (try db.sql()).drop(index: Self.index.name).run()
    }
}
