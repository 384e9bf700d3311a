import Fluent
import SQLKit

/// The knowledge base (R6.1): articles, their published versions and read confirmations,
/// and the search index of published articles (M027's kind `articles`).
struct M029_CreateKnowledgeBase: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("kb_articles")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("status", .string, .required)
            .field("category", .string, .required)
            .field("title", .string, .required)
            .field("official_wording", .string, .required)
            .field("body", .string, .required)
            .field("effective_from", .string)
            .field("expires_on", .string)
            .field("required_reading", .bool, .required)
            .field("version", .int, .required)
            .field("draft_changed", .bool, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("published_at", .datetime)
            .create()
        try await db.schema("kb_versions")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("article_id", .uuid, .required, .references("kb_articles", "id"))
            .field("version", .int, .required)
            .field("category", .string, .required)
            .field("title", .string, .required)
            .field("official_wording", .string, .required)
            .field("body", .string, .required)
            .field("effective_from", .string)
            .field("expires_on", .string)
            .field("required_reading", .bool, .required)
            .field("note", .string)
            .field("published_by", .string, .required)
            .field("published_at", .datetime, .required)
            .unique(on: "article_id", "version")
            .create()
        try await db.schema("kb_readings")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("article_id", .uuid, .required, .references("kb_articles", "id"))
            .field("version", .int, .required)
            .field("work_id", .string, .required)
            .field("confirmed_at", .datetime, .required)
            .unique(on: "article_id", "version", "work_id")
            .create()
        let sql = try db.sql()
        try await M027_CreateSearchIndex.createKind("articles", on: sql)
        try await M027_CreateSearchIndex.createTriggers(Self.searchSource, on: sql)
    }

    /// Publishing changes `version` (and withdrawing `status`): then the published text changes.
    static let searchSource = M027_CreateSearchIndex.Source(table: "kb_articles", key: "id", kind: "articles", columns: ["company_id", "status", "version"])

    func revert(on db: Database) async throws {
        try await M027_CreateSearchIndex.drop(kind: "articles", sources: [Self.searchSource], on: try db.sql())
        try await db.schema("kb_readings").delete()
        try await db.schema("kb_versions").delete()
        try await db.schema("kb_articles").delete()
    }
}
