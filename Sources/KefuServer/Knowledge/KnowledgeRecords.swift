import Fluent
import Vapor
import KefuCore

/// A knowledge article (R6.1) as it stands: its draft text, and what was last published.
/// Agents read the published text; every publish also keeps a `KnowledgeVersion`.
final class KnowledgeArticleRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "kb_articles"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "status") var status: KnowledgeArticle.Status
    @Field(key: "category") var category: String
    @Field(key: "title") var title: String
    /// 统一口径: the sentences agents read out as they are.
    @Field(key: "official_wording") var officialWording: String
    /// Markdown (`KnowledgeMarkdown`).
    @Field(key: "body") var body: String
    /// Local days ("yyyy-MM-dd"); nil: from publication, without end.
    @OptionalField(key: "effective_from") var effectiveFrom: String?
    @OptionalField(key: "expires_on") var expiresOn: String?
    /// Every agent must confirm having read each new version.
    @Field(key: "required_reading") var requiredReading: Bool
    /// The last published version (0: never published).
    @Field(key: "version") var version: Int
    /// The draft differs from the last published version.
    @Field(key: "draft_changed") var draftChanged: Bool
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "published_at") var publishedAt: Date?

    init() {}
}

/// One published version, kept as published: old ones stay readable and are compared.
final class KnowledgeVersion: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "kb_versions"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "article_id") var articleID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "category") var category: String
    @Field(key: "title") var title: String
    @Field(key: "official_wording") var officialWording: String
    @Field(key: "body") var body: String
    @OptionalField(key: "effective_from") var effectiveFrom: String?
    @OptionalField(key: "expires_on") var expiresOn: String?
    @Field(key: "required_reading") var requiredReading: Bool
    @OptionalField(key: "note") var note: String?
    @Field(key: "published_by") var publishedBy: String
    @Field(key: "published_at") var publishedAt: Date

    init() {}
}

/// "I have read version N" (已读确认), once per person and version.
final class KnowledgeReading: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "kb_readings"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "article_id") var articleID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "work_id") var workId: String
    @Field(key: "confirmed_at") var confirmedAt: Date

    init() {}
}
