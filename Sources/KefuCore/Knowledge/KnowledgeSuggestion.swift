import Foundation

/// The articles an order calls for (R6.1 suggestions on the order page and the screen pop):
/// those sharing the most words with its subject and description. The search index finds
/// articles sharing any gram (`fts5`/`tsquery`); `score` then counts the distinct grams an
/// article shares, its title's twice, so one common word (您好, 问题) suggests nothing.
public struct KnowledgeSuggestion: Equatable, Sendable {
    /// The distinct grams of the order's text, subject first, at most `maxGrams`: a long
    /// description adds little after its first sentences, and each gram is a term to read.
    public let grams: [String]

    public static let maxGrams = 64
    /// Fewer shared grams than this is chance (one shared word of two characters).
    public static let minimumScore = 3
    public static let shown = 3

    public init?(subject: String, description: String) {
        var seen = Set<String>(), out: [String] = []
        for g in SearchGrams.grams([subject, description]) where g != SearchGrams.boundary && seen.insert(g).inserted {
            out.append(g)
            if out.count == Self.maxGrams { break }
        }
        guard !out.isEmpty else { return nil }
        grams = out
    }

    /// SQLite FTS5: any of the grams, inside the companies.
    public func fts5(companies: Set<UUID>?) -> String {
        let any = "(" + grams.joined(separator: " OR ") + ")"
        guard let companies else { return any }
        return SearchQuery.companyGroup(companies, or: " OR ") + " AND " + any
    }

    /// PostgreSQL `to_tsquery('simple', …)`: any of the grams, inside the companies.
    public func tsquery(companies: Set<UUID>?) -> String {
        let any = "(" + grams.joined(separator: " | ") + ")"
        guard let companies else { return any }
        return SearchQuery.companyGroup(companies, or: " | ") + " & " + any
    }

    /// How well an article fits: distinct grams shared with its text, those of its title twice.
    public func score(title: String, text: String) -> Int {
        let wanted = Set(grams)
        let inTitle = Set(SearchGrams.grams([title])).intersection(wanted)
        let inText = Set(SearchGrams.grams([text])).intersection(wanted)
        return inTitle.count * 2 + inText.subtracting(inTitle).count
    }

    /// The best of the candidates (id, title, text), best first, those below `minimumScore` left out.
    public func best<ID>(_ candidates: [(id: ID, title: String, text: String)], count: Int = shown) -> [ID] {
        candidates.map { (id: $0.id, score: score(title: $0.title, text: $0.text)) }
            .enumerated()
            .filter { $0.element.score >= Self.minimumScore }
            .sorted { ($0.element.score, -$0.offset) > ($1.element.score, -$1.offset) }
            .prefix(count).map(\.element.id)
    }
}
