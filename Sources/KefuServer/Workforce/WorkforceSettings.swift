import Fluent
import Vapor
import KefuCore

/// The planner's small documents in `app_settings`: shift templates, rostering rules and
/// staffing targets, one set per company (`CompanySettings`). Defaults apply until someone
/// saves their own.
enum WorkforceSettings {
    static let templatesKey = "workforce.templates"
    static let rulesKey = "workforce.rules"
    static let staffingKey = "workforce.staffing"

    static func templates(_ company: WorkforceCompany) async throws -> [ShiftTemplate] {
        try await load(templatesKey, company) ?? ShiftTemplate.defaults
    }

    static func rules(_ company: WorkforceCompany) async throws -> RosterRules {
        try await load(rulesKey, company) ?? RosterRules()
    }

    static func staffing(_ company: WorkforceCompany) async throws -> StaffingParameters {
        try await load(staffingKey, company) ?? StaffingParameters()
    }

    /// Saves one company's document and audits the change with its before and after, in one
    /// transaction.
    static func save(_ req: Request, company: WorkforceCompany, key: String, json: String, action: String) async throws {
        try await req.db.writeTransaction { tx in
            let before = try await CompanySettings.get(key, company: company.id, on: tx)
            try await CompanySettings.set(key, json, company: company.id, on: tx)
            try await req.history(on: tx).audit(action: action, objectType: "workforce_settings", objectId: company.code + "/" + key,
                                                before: before, after: json)
        }
    }

    static func load<T: Decodable>(_ key: String, _ company: WorkforceCompany) async throws -> T? {
        guard let text = try await CompanySettings.get(key, company: company.id, on: company.db) else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    static func json<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    /// "2026-12" → first day and day count; nil when malformed.
    static func month(_ text: String) -> (first: LocalDay, days: [LocalDay])? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
              (2000...2100).contains(y), (1...12).contains(m) else { return nil }
        let first = LocalDay(year: y, month: m, day: 1)
        var days: [LocalDay] = []
        var d = first
        while d.month == m { days.append(d); d = d.adding(days: 1) }
        return (first, days)
    }

    static func monthText(_ day: LocalDay) -> String { String(format: "%04d-%02d", day.year, day.month) }

    static func previousMonth(_ text: String) -> String? {
        guard let m = month(text) else { return nil }
        return monthText(m.first.adding(days: -1))
    }

    static func nextMonth(_ text: String) -> String? {
        guard let m = month(text) else { return nil }
        return monthText(m.days.last!.adding(days: 1))
    }
}
