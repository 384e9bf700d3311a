import Vapor
import Fluent
import SQLKit
import NIOConcurrencyHelpers
import KefuCore

/// Turns the database's notes of changed rows (`search_pending`, written by M027's
/// triggers) into grams (`SearchGrams`), a batch at a time, in the transaction that removes
/// the notes: a crash leaves them to the next run, and several processes sharing one
/// PostgreSQL each take other notes (`SKIP LOCKED`). A note is the row's key only; the
/// indexer reads the row as it is now, and a row that is gone leaves the index.
///
/// One owner: the background loop (`SearchIndexLifecycle`) keeps the index within a quarter
/// second of the rows. Where no loop runs (tests, a process started without the scheduler)
/// or it has stalled, a search first indexes a short backlog itself, so what was just saved
/// is found; with the loop running, searches never wait for a write.
final class SearchIndexer: Sendable {
    static let batch = 500
    /// A search waits for at most this many notes to be indexed; beyond, it reads the index as is.
    static let searchCatchUp = 100

    private let busy = NIOLockedValueBox(false)
    /// When the background loop last finished a pass (nil: no loop in this process).
    private let loopPass = NIOLockedValueBox<Date?>(nil)

    func loopPassed() { loopPass.withLockedValue { $0 = Date() } }

    /// One batch; the number of notes handled (0: nothing waits).
    @discardableResult
    func drainBatch(_ db: Database) async throws -> Int {
        let sql = try db.sql()
        // A read first: an idle index must not take the write lock on every tick.
        guard try await sql.raw("SELECT id FROM search_pending LIMIT 1").first() != nil else { return 0 }
        if sql.dialect.name == "postgresql" {
            return try await db.transaction { tx in
                let t = try tx.sql()
                let rows = try await t.raw("""
                    DELETE FROM search_pending WHERE id IN
                        (SELECT id FROM search_pending ORDER BY id LIMIT \(unsafeRaw: String(Self.batch)) FOR UPDATE SKIP LOCKED)
                    RETURNING id, kind, ref
                    """).all()
                let notes = try rows.map(Note.init)
                try await Self.apply(notes, on: t, postgres: true)
                return notes.count
            }
        }
        return try await db.writeTransaction { tx in
            let t = try tx.sql()
            let rows = try await t.raw("SELECT id, kind, ref FROM search_pending ORDER BY id LIMIT \(unsafeRaw: String(Self.batch))").all()
            let notes = try rows.map(Note.init)
            guard let last = notes.map(\.id).max() else { return 0 }
            try await Self.apply(notes, on: t, postgres: false)
            // One writer at a time on SQLite: every note up to `last` was read above.
            try await t.raw("DELETE FROM search_pending WHERE id <= \(bind: last)").run()
            return notes.count
        }
    }

    /// Everything waiting; the number of notes handled.
    @discardableResult
    func drainAll(_ db: Database) async throws -> Int {
        var total = 0
        while true {
            let n = try await drainBatch(db)
            total += n
            if n == 0 { return total }
        }
    }

    /// Before a search, unless the loop is keeping up: a short backlog is indexed now, unless
    /// this process is already at it.
    func catchUp(_ db: Database, logger: Logger) async {
        if let last = loopPass.withLockedValue({ $0 }), Date().timeIntervalSince(last) < 1 { return }
        guard busy.withLockedValue({ b in defer { b = true }; return !b }) else { return }
        defer { busy.withLockedValue { $0 = false } }
        do {
            let waiting = try await db.sql().raw("SELECT count(*) AS n FROM (SELECT id FROM search_pending LIMIT \(unsafeRaw: String(Self.searchCatchUp + 1))) w").first()?.decode(column: "n", as: Int.self) ?? 0
            if waiting > 0 && waiting <= Self.searchCatchUp { try await drainBatch(db) }
        } catch {
            logger.warning("search catch-up failed: \(String(describing: error))")
        }
    }

    // MARK: notes → grams

    struct Note {
        var id: Int64
        var kind: String
        var ref: UUID
        init(_ row: any SQLRow) throws {
            id = try row.decode(column: "id", as: Int64.self)
            kind = try row.decode(column: "kind", as: String.self)
            ref = try row.decode(column: "ref", as: UUID.self)
        }
    }

    struct Document { var company: UUID; var texts: [String] }

    static func apply(_ notes: [Note], on sql: any SQLDatabase, postgres: Bool) async throws {
        // The latest note of each row is its version: a late writer with an older one loses (PostgreSQL).
        var latest: [SearchKind: [UUID: Int64]] = [:]
        for n in notes {
            // A kind this version does not know (written by a newer one) is left to it.
            guard let kind = SearchKind(rawValue: n.kind) else { continue }
            latest[kind, default: [:]][n.ref] = max(latest[kind]?[n.ref] ?? 0, n.id)
        }
        for (kind, versions) in latest.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let refs = versions.keys.sorted { versions[$0] ?? 0 < versions[$1] ?? 0 }
            let docs = try await documents(kind, refs, on: sql)
            let table = kind.table
            if postgres {
                let present = refs.filter { docs[$0] != nil }
                if !present.isEmpty {
                    var q = SQLQueryString("INSERT INTO \(unsafeRaw: table) (ref, company_id, version, grams) VALUES ")
                    for (i, ref) in present.enumerated() {
                        guard let d = docs[ref] else { continue }
                        if i > 0 { q.appendLiteral(", ") }
                        q.appendInterpolation(unsafeRaw: "(")
                        q.appendInterpolation(bind: ref); q.appendLiteral(", "); q.appendInterpolation(bind: d.company); q.appendLiteral(", ")
                        q.appendInterpolation(bind: versions[ref] ?? 0); q.appendLiteral(", to_tsvector('simple', ")
                        q.appendInterpolation(bind: SearchGrams.document(d.texts, company: d.company)); q.appendLiteral("))")
                    }
                    q.appendLiteral("""
                         ON CONFLICT (ref) DO UPDATE SET company_id = EXCLUDED.company_id, version = EXCLUDED.version, grams = EXCLUDED.grams
                         WHERE \(table).version < EXCLUDED.version
                        """)
                    try await sql.raw(q).run()
                }
                for ref in refs where docs[ref] == nil {
                    try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE ref = \(bind: ref) AND version < \(bind: versions[ref] ?? 0)").run()
                }
            } else {
                // FTS5 rows are written after the bookkeeping, deletions first, each in rising
                // rowid order: FTS5 writes out its pending rows whenever a rowid goes down.
                var removed: [Int64] = [], added: [(seq: Int64, grams: String)] = []
                for ref in refs {
                    let version = versions[ref] ?? 0
                    let seq = try await sql.raw("SELECT seq FROM \(unsafeRaw: table) WHERE ref = \(bind: ref)").first()?.decode(column: "seq", as: Int64.self)
                    if let seq { removed.append(seq) }
                    guard let d = docs[ref] else {
                        if seq != nil { try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE ref = \(bind: ref)").run() }
                        continue
                    }
                    let row: Int64
                    if let seq {
                        try await sql.raw("UPDATE \(unsafeRaw: table) SET company_id = \(bind: d.company), version = \(bind: version) WHERE seq = \(bind: seq)").run()
                        row = seq
                    } else {
                        guard let new = try await sql.raw("INSERT INTO \(unsafeRaw: table) (ref, company_id, version) VALUES (\(bind: ref), \(bind: d.company), \(bind: version)) RETURNING seq").first() else { continue }
                        row = try new.decode(column: "seq", as: Int64.self)
                    }
                    added.append((row, SearchGrams.document(d.texts, company: d.company)))
                }
                for seq in removed.sorted(by: >) {
                    try await sql.raw("DELETE FROM \(unsafeRaw: table)_fts WHERE rowid = \(bind: SearchIndexQuery.ftsRowid(seq))").run()
                }
                for (seq, grams) in added.sorted(by: { $0.seq > $1.seq }) {
                    try await sql.raw("INSERT INTO \(unsafeRaw: table)_fts (rowid, grams) VALUES (\(bind: SearchIndexQuery.ftsRowid(seq)), \(bind: grams))").run()
                }
            }
        }
    }

    /// The searched text of each row that still exists.
    static func documents(_ kind: SearchKind, _ refs: [UUID], on sql: any SQLDatabase) async throws -> [UUID: Document] {
        guard !refs.isEmpty else { return [:] }
        var docs: [UUID: Document] = [:]
        switch kind {
        case .orders:
            for row in try await sql.raw("SELECT id, company_id, number, subject, description FROM work_orders WHERE id IN \(SQLBind.group(refs))").all() {
                docs[try row.decode(column: "id", as: UUID.self)] = Document(
                    company: try row.decode(column: "company_id", as: UUID.self),
                    texts: [try row.decode(column: "number", as: String.self), try row.decode(column: "subject", as: String.self),
                            try row.decode(column: "description", as: String.self)])
            }
        case .customers:
            for row in try await sql.raw("SELECT id, company_id, name, phone, phone2 FROM customers WHERE id IN \(SQLBind.group(refs))").all() {
                docs[try row.decode(column: "id", as: UUID.self)] = Document(
                    company: try row.decode(column: "company_id", as: UUID.self),
                    texts: [try row.decode(column: "name", as: String.self), try row.decode(column: "phone", as: String.self),
                            try row.decode(column: "phone2", as: String?.self) ?? ""])
            }
            for row in try await sql.raw("SELECT customer_id, value FROM customer_contacts WHERE customer_id IN \(SQLBind.group(refs))").all() {
                docs[try row.decode(column: "customer_id", as: UUID.self)]?.texts.append(try row.decode(column: "value", as: String.self))
            }
        case .articles:
            // What readers see: the last published version of a published article.
            for row in try await sql.raw("""
                SELECT a.id, a.company_id, v.title, v.category, v.official_wording, v.body FROM kb_articles a
                JOIN kb_versions v ON v.article_id = a.id AND v.version = a.version
                WHERE a.status = 'published' AND a.id IN \(SQLBind.group(refs))
                """).all() {
                docs[try row.decode(column: "id", as: UUID.self)] = Document(
                    company: try row.decode(column: "company_id", as: UUID.self),
                    texts: try ["title", "category", "official_wording", "body"].map { try row.decode(column: $0, as: String.self) })
            }
        }
        return docs
    }
}

extension SearchKind {
    /// The index table of a kind (M027, M029).
    var table: String { "search_\(rawValue)" }
    /// The table whose rows the kind indexes.
    var sourceTable: String {
        switch self {
        case .orders: WorkOrder.schema
        case .customers: Customer.schema
        case .articles: KnowledgeArticleRecord.schema
        }
    }
}

/// Keeps the index up with the center: every quarter second while notes wait.
struct SearchIndexLifecycle: LifecycleHandler {
    func didBootAsync(_ app: Application) async throws {
        guard app.kefu.settings.runScheduler else { return }
        let db = app.db, logger = app.logger, indexer = app.kefu.search
        let task = Task.detached {
            while !Task.isCancelled {
                do {
                    let handled = try await indexer.drainBatch(db)
                    indexer.loopPassed()
                    if handled < SearchIndexer.batch {
                        try? await Task.sleep(nanoseconds: 250_000_000)
                    }
                } catch {
                    logger.warning("search indexing failed: \(String(describing: error))")
                    try? await Task.sleep(nanoseconds: 2_000_000_000)
                }
            }
        }
        app.storage[TaskKey.self] = task
    }

    func shutdownAsync(_ app: Application) async {
        guard let task = app.storage[TaskKey.self] else { return }
        task.cancel()
        await task.value
    }

    private struct TaskKey: StorageKey { typealias Value = Task<Void, Never> }
}
