import Vapor
import Fluent
import KefuCore

/// The articles an order calls for (R6.1), on the order page and the screen pop: published
/// articles in force of the order's company that share the most words with its subject and
/// description (`KnowledgeSuggestion`). Read from the search index, never by scanning articles.
struct KnowledgeSuggestions {
    let tenant: TenantData
    let now: Date
    let timeZone: TimeZone

    struct Link: Encodable { var id: String; var title: String; var wording: String }

    /// For a page: the index caught up first (a no-op while the indexer's loop runs), so an
    /// article published a moment ago is already suggested.
    static func on(_ req: Request, tenant: TenantData) async -> KnowledgeSuggestions {
        await req.kefu.search.catchUp(req.db, logger: req.logger)
        return KnowledgeSuggestions(tenant: tenant, now: req.now, timeZone: req.kefu.settings.timeZone)
    }

    /// How many candidates the index gives for scoring.
    static let candidates = 30

    func articles(subject: String, description: String, company: UUID) async throws -> [Link] {
        guard let suggestion = KnowledgeSuggestion(subject: subject, description: description) else { return [] }
        let reads = tenant.reads ?? LeanReads(reader: nil, db: tenant.db)
        let refs = try await SearchIndexQuery(reads: reads, kind: .articles).related(suggestion, companies: [company], limit: Self.candidates)
        guard !refs.isEmpty else { return [] }
        let today = LocalDay(now, in: timeZone)
        let articles = try await tenant.query(KnowledgeArticleRecord.self, ids: refs).filter(\.$status == .published).all()
            .filter { KnowledgeArticle.isInForce(on: today, from: $0.effectiveFrom.flatMap(LocalDay.init), until: $0.expiresOn.flatMap(LocalDay.init)) }
        guard !articles.isEmpty else { return [] }
        // Readers see the published version's text, which the draft may have moved on from.
        let versions = try await tenant.query(KnowledgeVersion.self).filter(\.$articleID ~~ articles.compactMap(\.id)).all()
        let published = Dictionary(versions.filter { v in articles.contains { $0.id == v.articleID && $0.version == v.version } }.map { ($0.articleID, $0) },
                                   uniquingKeysWith: { a, _ in a })
        let order = Dictionary(refs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let candidates: [(id: UUID, title: String, text: String)] = articles.compactMap { a in
            guard let id = a.id, let v = published[id] else { return nil }
            return (id, v.title, v.officialWording + "\n" + v.body)
        }.sorted { (order[$0.id] ?? .max) < (order[$1.id] ?? .max) }
        let best = suggestion.best(candidates)
        return best.compactMap { id in published[id].map { Link(id: id.uuidString, title: $0.title, wording: String($0.officialWording.prefix(80))) } }
    }
}
