import Fluent
import Vapor

/// One finding on a stored contact: found by the engine (`auto`) or added by an inspector
/// (`manual`). Its `state` moves open → confirmed | rejected; rejected findings cost nothing.
final class QAFindingRecord: Model, @unchecked Sendable {
    static let schema = "qa_findings"
    @ID(key: .id) var id: UUID?
    @Parent(key: "contact_id") var contact: Contact
    @Field(key: "rule") var rule: String
    @Field(key: "segment") var segment: Int
    @Field(key: "text") var text: String
    @Field(key: "start_offset") var start: Int
    @Field(key: "end_offset") var end: Int
    @OptionalField(key: "suggestion") var suggestion: String?
    /// The lexicon entry (pattern as written) an automatic forbidden-phrase finding matched.
    @OptionalField(key: "entry") var entry: String?
    @Field(key: "points") var points: Int
    @Field(key: "source") var source: String
    @Field(key: "state") var state: String
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
