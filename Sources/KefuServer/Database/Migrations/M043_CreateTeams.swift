import Fluent
import SQLKit

/// 班组 (teams): a team lead's agents, so the lead's view of the daily figures is their own
/// team's (R10.3). A person is in at most one team: the team is a column on the user.
struct M043_CreateTeams: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("teams")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("name", .string, .required)
            .field("lead_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .unique(on: "company_id", "name")
            .create()
        // SQLite cannot add a foreign key to an existing table; TeamDirectory clears members
        // before it removes a team, on either database.
        try await db.schema("users").field("team_id", .uuid).update()
        try await db.sql().create(index: "users_team_idx").on("users").column("team_id").run()
    }

    func revert(on db: Database) async throws {
        try await db.sql().drop(index: "users_team_idx").run()
        try await db.schema("users").deleteField("team_id").update()
        try await db.schema("teams").delete()
    }
}
