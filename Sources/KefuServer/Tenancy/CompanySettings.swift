import Vapor
import Fluent

/// Settings that belong to one company (R11.2): the live floor's emergency policy and
/// state, group roster and built-in ACD switch; the planner's shift templates, rostering
/// rules and staffing targets. Stored in `app_settings` under the
/// key suffixed with the company id (`emergency.state@<uuid>`), so one company's shift
/// lead or planner never changes another's.
///
/// Before companies existed these keys had no suffix; the operating company (the one
/// M014 moved the single center into) reads the old key until it saves its own, so an
/// upgraded center keeps its policy, roster and ACD choice without a migration.
enum CompanySettings {
    static func key(_ base: String, company: UUID) -> String { base + "@" + company.uuidString.lowercased() }

    static func get(_ base: String, company: UUID, on db: Database) async throws -> String? {
        if let value = try await AppSettings.get(key(base, company: company), on: db) { return value }
        guard try await Company.find(company, on: db)?.isOperator == true else { return nil }
        return try await AppSettings.get(base, on: db)
    }

    static func set(_ base: String, _ value: String, company: UUID, on db: Database) async throws {
        try await AppSettings.set(key(base, company: company), value, on: db)
    }

    /// Every company's id, oldest first: what the background jobs loop over.
    static func companyIDs(on db: Database) async throws -> [UUID] {
        try await Company.query(on: db).sort(\.$createdAt).all().compactMap(\.id)
    }
}
