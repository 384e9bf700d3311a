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

    static func current(on db: Database, company: String) async throws -> LanguageRules {
        let revision = try await Self.revision(on: db)
        let cacheKey = "\(revision)|\(company)"
        if let cached = cache.withLockedValue({ $0[cacheKey] }) { return cached }
        let lexicon = try await currentLexicon(on: db)
        let scorecard = try await currentScorecard(on: db)
        let calendar = try await festivalCalendar(on: db)
        let rules = LanguageRules(engine: LanguageEngine(lexicon: lexicon, scorecard: scorecard, calendar: calendar, company: company),
                                  lexicon: lexicon, scorecard: scorecard, revision: revision)
        cache.withLockedValue { cache in
            if cache.count > 8 { cache.removeAll() }
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
