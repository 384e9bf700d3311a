import Fluent

/// Which lexicon entry an automatic finding came from. One entry is a pattern that
/// stands for many sentences (`(这个)不归[我们|我]管`), so the inspector needs it to
/// judge the finding and the admin to correct the entry. Empty for findings stored
/// before this migration and for structural and manual findings.
struct M013_AddFindingEntry: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("qa_findings").field("entry", .string).update()
    }

    func revert(on db: Database) async throws {
        try await db.schema("qa_findings").deleteField("entry").update()
    }
}
