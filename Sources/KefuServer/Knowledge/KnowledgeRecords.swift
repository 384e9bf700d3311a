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
    /// The groups that must read it (`KnowledgeArticle.audience`); empty: everyone who answers.
    @Field(key: "audience") var audience: String
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

/// A picture of an article or a case, kept in the database and served by `/kb/images/{id}`.
final class KnowledgeImageRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "kb_images"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    /// The case it is a photo of; nil: a picture of an article (named in its Markdown).
    @OptionalField(key: "case_id") var caseID: UUID?
    @Field(key: "kind") var kind: KnowledgeImage.Kind
    @Field(key: "bytes") var bytes: Data
    @Field(key: "size") var size: Int
    @Field(key: "alt") var alt: String
    @Field(key: "uploaded_by") var uploadedBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// New knowledge or a correction sent to the knowledge editor (R6.1), and the editor's answer.
final class KnowledgeSubmissionRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "kb_submissions"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "kind") var kind: KnowledgeArticle.SubmissionKind
    @Field(key: "status") var status: KnowledgeArticle.SubmissionStatus
    /// The article corrected, or (once accepted) the draft made from new knowledge.
    @OptionalField(key: "article_id") var articleID: UUID?
    @Field(key: "title") var title: String
    @Field(key: "text") var text: String
    @Field(key: "submitted_by") var submittedBy: String
    @Field(key: "submitted_at") var submittedAt: Date
    @OptionalField(key: "handled_by") var handledBy: String?
    @OptionalField(key: "handled_at") var handledAt: Date?
    @OptionalField(key: "reply") var reply: String?

    init() {}
}

/// A case of the case library (R6.2).
final class KnowledgeCaseRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "kb_cases"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "title") var title: String
    @Field(key: "problem") var problem: String
    @Field(key: "cause") var cause: String
    /// The department that answers for the cause.
    @OptionalField(key: "department_id") var departmentID: UUID?
    @Field(key: "lesson") var lesson: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A work order a case came from.
final class KnowledgeCaseOrder: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "kb_case_orders"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "work_order_id") var workOrderID: UUID
    @Field(key: "linked_by") var linkedBy: String
    @Field(key: "linked_at") var linkedAt: Date

    init() {}
}
