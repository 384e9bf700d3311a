import Vapor
import Fluent
import SQLKit
import NIOConcurrencyHelpers
import KefuCore

/// The center's language rules as they stand: the newest lexicon version, the scorecard and
/// the admin's greeting days, compiled into one `LanguageEngine`.
///
/// Compiling the matcher takes milliseconds, so engines are cached per process, keyed by a
/// revision number stored in `app_settings` and bumped by every admin change. Each request
/// reads that one number, so several `kefu serve` processes pick up an edit on their next request.
struct LanguageRules: Sendable {
    let engine: LanguageEngine
    let lexicon: Lexicon
    let scorecard: Scorecard
    let revision: Int

    static let revisionKey = "qa.rules_revision"
    static let scorecardKey = "qa.scorecard"

    /// The center's rules alone (the lexicon admin page, the call screen's phrases).
    static func current(on db: Database, company: String) async throws -> LanguageRules {
        try await build(on: db, company: company, place: nil)
    }

    /// The rules that check a contact or chat of one company and branch: the center's
    /// lexicon plus that company's and branch's forbidden additions (R11.1).
    static func current(on db: Database, place: Place) async throws -> LanguageRules {
        try await build(on: db, company: place.companyName, place: place)
    }

    /// Where a check happens. `companyName` is what the opening phrase names.
    struct Place: Sendable, Hashable {
        var companyID: UUID
        var branchID: UUID?
        var companyName: String
    }

    /// The place of a row of `companyID` / `branchID`, which the caller already read in its
    /// scope. The operating company's agents name the center (`KEFU_COMPANY`); a client
    /// company's agents name their company.
    static func place(companyID: UUID, branchID: UUID?, db: Database, centerName: String) async throws -> Place {
        let company = try await TenantData.system(db).company(companyID)
        return Place(companyID: companyID, branchID: branchID, companyName: company.isOperator ? centerName : company.name)
    }

    private static func build(on db: Database, company: String, place: Place?) async throws -> LanguageRules {
        let revision = try await Self.revision(on: db)
        let cacheKey = "\(revision)|\(company)|\(place?.companyID.uuidString ?? "-")|\(place?.branchID?.uuidString ?? "-")"
        if let cached = cache.withLockedValue({ $0[cacheKey] }) { return cached }
        var lexicon = try await currentLexicon(on: db)
        if let place {
            // Read without a person's scope: the caller resolved the place from a row it may see.
            let additions = try await TenantData.system(db).query(LexiconAddition.self)
                .filter(\.$companyID == place.companyID).filter(\.$active == true).all().map(\.entry)
            lexicon = LexiconAdditions.merged(lexicon, additions: additions, company: place.companyID, branch: place.branchID)
        }
        let scorecard = try await currentScorecard(on: db)
        let calendar = try await festivalCalendar(on: db)
        let rules = LanguageRules(engine: LanguageEngine(lexicon: lexicon, scorecard: scorecard, calendar: calendar, company: company),
                                  lexicon: lexicon, scorecard: scorecard, revision: revision)
        cache.withLockedValue { cache in
            // One entry per company and branch in use; dropped all at once when the rules change.
            if cache.count > 64 { cache.removeAll() }
            cache[cacheKey] = rules
        }
        return rules
    }

    private static let cache = NIOLockedValueBox<[String: LanguageRules]>([:])

    static func revision(on db: Database) async throws -> Int {
        Int(try await AppSettings.get(revisionKey, on: db) ?? "") ?? 0
    }

    /// Called inside the transaction of every change to lexicon, scorecard or greeting days.
    /// A fresh random tag rather than a counter: the engine cache belongs to the process, and
    /// one process may serve several databases (each test has its own), whose counters would
    /// otherwise name different rules with the same number.
    static func bumpRevision(on db: Database) async throws {
        let current = try await revision(on: db)
        var next = Int.random(in: 1...Int.max)
        while next == current { next = Int.random(in: 1...Int.max) }
        try await AppSettings.set(revisionKey, String(next), on: db)
    }

    /// The newest saved lexicon, or the shipped default before any admin edit.
    static func currentLexicon(on db: Database) async throws -> Lexicon {
        guard let row = try await LexiconVersion.query(on: db).sort(\.$version, .descending).first() else {
            return Lexicon.shippedDefault
        }
        // Validated when it was saved. Not validated again: a later rule (a new variant-character
        // fold that makes two old entries equal) must not swap the center's lexicon for the default.
        var lexicon = (try? JSONDecoder().decode(Lexicon.self, from: Data(row.body.utf8))) ?? Lexicon.shippedDefault
        lexicon.version = row.version
        return lexicon
    }

    static func currentScorecard(on db: Database) async throws -> Scorecard {
        guard let json = try await AppSettings.get(scorecardKey, on: db),
              let card = try? JSONDecoder().decode(Scorecard.self, from: Data(json.utf8)) else { return .standard }
        return card
    }

    static func festivalCalendar(on db: Database) async throws -> FestivalCalendar {
        var extra: [LocalDay: GreetingKind] = [:]
        for d in try await GreetingDay.query(on: db).all() {
            if let day = LocalDay(d.day), let kind = GreetingKind(rawValue: d.kind) { extra[day] = kind }
        }
        return FestivalCalendar(extraDays: extra)
    }
}
