import Fluent
import SQLKit

/// A customer's history (R5.1) looks up calls by the calling number and chats by the phone
/// the visitor gave, both within a company: without these it read every event and every
/// chat of the company for each customer page and screen pop.
struct M022_AddHistoryIndexes: AsyncMigration {
    static let indexes = [
        M015_AddPageIndexes.Index(name: "cti_events_company_caller_idx", table: "cti_events", columns: ["company_id", "caller"]),
        M015_AddPageIndexes.Index(name: "chats_company_phone_idx", table: "chats", columns: ["company_id", "customer_phone"]),
    ]

    func prepare(on db: Database) async throws { try await M015_AddPageIndexes.create(Self.indexes, on: db) }
    func revert(on db: Database) async throws { try await M015_AddPageIndexes.drop(Self.indexes, on: db) }
}
