import Fluent
import Vapor

/// One saved version of the center's lexicon. Versions are only ever added, so every stored
/// contact can say which lexicon scored it; the newest version is the one in force.
final class LexiconVersion: Model, @unchecked Sendable {
    static let schema = "qa_lexicons"
    @ID(key: .id) var id: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "body") var body: String
    @Field(key: "note") var note: String
    @OptionalField(key: "created_by") var createdBy: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
