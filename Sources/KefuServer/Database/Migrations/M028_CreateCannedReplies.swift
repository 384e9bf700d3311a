import Fluent

/// Canned replies (R6.3).
struct M028_CreateCannedReplies: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema(CannedReplyRecord.schema)
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("owner_work_id", .string, .required)
            .field("shortcut", .string, .required)
            .field("title", .string, .required)
            .field("text", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "company_id", "owner_work_id", "shortcut")
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema(CannedReplyRecord.schema).delete()
    }
}
