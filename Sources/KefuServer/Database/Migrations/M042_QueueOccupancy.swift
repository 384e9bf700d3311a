import Fluent
import SQLKit

/// Each queue's occupancy (R10.3): the agents' talk split across intervals and the free time
/// spent waiting for the queue's calls, kept beside the queue's figures. Every day already
/// folded is owed a fold again, so old periods get the new columns right, not zeros.
struct M042_QueueOccupancy: AsyncMigration {
    func prepare(on db: Database) async throws {
        for column in ["agent_talk_seconds", "agent_idle_seconds"] {
            try await db.schema("report_call_slots").field(.string(column), .int, .required, .sql(.default(0))).update()
        }
        let sql = try db.sql()
        try await sql.raw(SQLQueryString(
            "INSERT INTO report_dirty_call_hours (company_id, hour, version) SELECT DISTINCT company_id, "
                + "\(M041_CreateCallRollups.hour(of: "at", sqlite: sql.dialect.name == "sqlite")), 1 FROM cti_events WHERE company_id IS NOT NULL "
                + M041_CreateCallRollups.upsert
        )).run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("report_call_slots").deleteField("agent_talk_seconds").deleteField("agent_idle_seconds").update()
    }
}
