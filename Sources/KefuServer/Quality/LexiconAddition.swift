import Fluent
import Vapor
import KefuCore

/// A forbidden (or standard) phrase a client company or one of its branches adds to the
/// center's lexicon (R11.1). Never deleted: a deactivated one stays in the list the center
/// reads, with who added it and when. `branchID` nil means the whole company.
final class LexiconAddition: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "lexicon_additions"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "kind") var kind: LexiconAdditionKind
    @Field(key: "phrase") var phrase: String
    @Field(key: "note") var note: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(companyID: UUID, branchID: UUID?, kind: LexiconAdditionKind, phrase: String, note: String, createdBy: String, createdAt: Date) {
        self.id = UUID(); self.companyID = companyID; self.branchID = branchID; self.kind = kind; self.phrase = phrase
        self.note = note; self.active = true; self.createdBy = createdBy; self.createdAt = createdAt
    }

    /// As KefuCore's rules see it.
    var entry: LexiconAdditionEntry {
        LexiconAdditionEntry(companyID: companyID, branchID: branchID, kind: kind, phrase: phrase, active: active)
    }
}
