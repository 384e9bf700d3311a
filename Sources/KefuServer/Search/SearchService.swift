import Vapor
import Fluent
import SQLKit
import KefuCore

/// The one search box (`GET /api/v1/search`, `/search`, the header of every page): orders,
/// customers and articles whose text contains every word of the query, newest first, each
/// kind in its own group. The index (`SearchIndexer`) finds candidates inside the company
/// scope; the rows themselves are then read through the order scope, so a role sees only
/// what its lists would show it (a liaison: their department's orders and those customers;
/// phones masked as in every list).
struct SearchService {
    let scope: OrderScope
    let kinds: [SearchKind]

    struct Item: Content {
        var kind: SearchKind
        var id: UUID
        var title: String
        var href: String
        var at: Date
        /// Orders: the number and status; customers: the masked phone.
        var number: String?
        var status: String?
        var statusLabel: String?
        var phone: String?
        /// The text around the first match, the words marked.
        var snippet: [SearchSnippet.Piece]
    }

    struct Group: Content {
        var kind: SearchKind
        var label: String
        var items: [Item]
        /// More rows match than `limit` shows.
        var more: Bool
    }

    struct Results: Content {
        var q: String
        var groups: [Group]
    }

    static let maxLimit = 50
    static let defaultLimit = 10

    /// The checked query: words of two characters or more, at most 100 characters.
    static func parse(_ q: String?) throws -> (text: String, query: SearchQuery) {
        let text = (q ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw KefuError(.unprocessableEntity, "query_required", "请输入要搜索的内容。", fields: [.init(field: "q", message: "请输入搜索内容")])
        }
        guard text.count <= SearchGrams.maximumQueryCharacters, !Validation.hasControlCharacters(text) else {
            throw KefuError(.unprocessableEntity, "query_invalid", "搜索内容最多 \(SearchGrams.maximumQueryCharacters) 个字，且不能含控制字符。",
                            fields: [.init(field: "q", message: "搜索内容过长或含控制字符")])
        }
        guard let query = SearchGrams.query(text) else {
            throw KefuError(.unprocessableEntity, "query_too_short", "请至少输入两个连续的字（如「宽带」「退费」或号码的一部分）。",
                            fields: [.init(field: "q", message: "至少两个字")])
        }
        return (text, query)
    }

    func search(_ text: String, _ query: SearchQuery, limit: Int) async throws -> Results {
        var groups: [Group] = []
        for kind in kinds {
            groups.append(try await group(kind, text: text, query: query, limit: limit))
        }
        return Results(q: text, groups: groups)
    }

    /// The row columns a search shows, aliased to `Row`'s keys.
    struct Row: Decodable, Sendable {
        var id: UUID
        var title: String
        var text: String
        var at: Date
        var number: String?
        var status: String?
        var phone: String?
    }

    func group(_ kind: SearchKind, text: String, query: SearchQuery, limit: Int) async throws -> Group {
        // Articles are for every role (R6.1); orders and customers as the role's lists show them.
        let visibility: OrderVisibility = kind == .articles ? .all : scope.visibility
        // A department sees few of the matches: read further into the index for it.
        let reach: Int
        switch visibility {
        case .all: reach = limit + 1
        case .department: reach = 200
        case .none: return Group(kind: kind, label: kind.label, items: [], more: false)
        }
        let reads = scope.tenant.reads ?? LeanReads(reader: nil, db: scope.db)
        let index = SearchIndexQuery(reads: reads, kind: kind)
        let companies = scope.tenant.scope.companyIDs
        let refs: [UUID]
        if kind == .orders, let prefix = OrderNumber.searchPrefix(text) {
            refs = try await index.numbered(prefix, tenant: scope.tenant, limit: reach)
        } else {
            refs = try await index.newest(query, companies: companies, limit: reach)
        }
        guard !refs.isEmpty else { return Group(kind: kind, label: kind.label, items: [], more: false) }
        let rank = Dictionary(refs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [Row]
        if let statement = rowsText(kind, refs, visibility: visibility) {
            rows = try await reads.all(statement, as: Row.self)
        } else {
            rows = try await reads.all(try rowsQuery(kind, refs), as: Row.self)
        }
        rows.sort { (rank[$0.id] ?? .max) < (rank[$1.id] ?? .max) }
        let items = rows.prefix(limit).map { r in
            switch kind {
            case .orders:
                return Item(kind: kind, id: r.id, title: r.title, href: "/work-orders/\(r.id.uuidString)", at: r.at, number: r.number,
                            status: r.status, statusLabel: r.status.map { WorkOrderStatus(rawValue: $0)?.label ?? $0 },
                            snippet: SearchSnippet.pieces(r.title + "：" + r.text, query: text))
            case .customers:
                // Lists mask phone numbers; the full number is read one archive at a time (R5.5).
                return Item(kind: kind, id: r.id, title: r.title, href: "/customers/\(r.id.uuidString)", at: r.at,
                            phone: r.phone.map(Masking.phone), snippet: SearchSnippet.pieces(r.title, query: text))
            case .articles:
                return Item(kind: kind, id: r.id, title: r.title, href: "/kb/articles/\(r.id.uuidString)", at: r.at,
                            snippet: SearchSnippet.pieces(r.title + "：" + r.text, query: text))
            }
        }
        return Group(kind: kind, label: kind.label, items: items,
                     more: rows.count > limit || (reach > limit + 1 && refs.count == reach))
    }

    static func columns(_ kind: SearchKind) -> (table: String, columns: [(String, String)]) {
        switch kind {
        case .orders:
            (WorkOrder.schema, [("id", "id"), ("subject", "title"), ("description", "text"), ("created_at", "at"), ("number", "number"), ("status", "status")])
        case .customers:
            (Customer.schema, [("id", "id"), ("name", "title"), ("name", "text"), ("created_at", "at"), ("phone", "phone")])
        case .articles:
            (KnowledgeArticleRecord.schema, [("id", "id"), ("title", "title"), ("official_wording", "text"), ("updated_at", "at")])
        }
    }

    /// The found rows as one point read (run on the calling thread on SQLite) when the role
    /// sees every row of its companies; nil when a visibility rule needs `rowsQuery`.
    func rowsText(_ kind: SearchKind, _ refs: [UUID], visibility: OrderVisibility) -> SQLText? {
        guard visibility == .all else { return nil }
        let (table, columns) = Self.columns(kind)
        let marks = { (n: Int) in Array(repeating: "?", count: n).joined(separator: ", ") }
        let company = scope.tenant.keyedCompanyFilterText()
        let published = kind == .articles ? " AND status = 'published'" : ""
        let sql = "SELECT " + columns.map { "\($0.0) AS \($0.1)" }.joined(separator: ", ") + " FROM \(table) WHERE id IN (\(marks(refs.count)))" + published + company.sql
        let binds = refs.map { RowValue.uuid($0) } + company.binds
        return SQLText(sql: sql, binds: binds)
    }

    /// The visible ones of the found rows, by key: the company test written so it only
    /// filters (`TenantData.query(_:ids:)` explains why), then the role's visibility.
    func rowsQuery(_ kind: SearchKind, _ refs: [UUID]) throws -> any SQLExpression {
        let sql = try scope.db.sql()
        let (table, columns) = Self.columns(kind)
        let visibility = kind == .orders ? scope.visibilityPredicate : scope.customerPredicate
        var conditions: [any SQLExpression] = [SQLBinaryExpression(SQLColumn("id", table: table), .in, SQLBind.group(refs))]
        if let company = scope.tenant.keyedCompanyFilter(table: table) { conditions.append(company) }
        if let visibility { conditions.append(visibility) }
        return sql.select()
            .columns(columns.map { SQLAlias(SQLColumn($0.0, table: table), as: SQLIdentifier($0.1)) })
            .from(table)
            .where(conditions.dropFirst().reduce(conditions[0]) { SQLBinaryExpression($0, .and, $1) })
            .select
    }
}

extension SearchService.Results {
    /// Written by hand (`JSONWriter`): the search box is asked on every few keystrokes.
    func response(timeZone: TimeZone) -> Response {
        var w = JSONWriter(timeZone: timeZone, capacity: 4096)
        w.beginObject()
        w.key("q"); w.string(q)
        w.key("groups"); w.beginArray()
        for g in groups {
            w.beginObject()
            w.key("kind"); w.string(g.kind.rawValue)
            w.key("label"); w.string(g.label)
            w.key("more"); w.bool(g.more)
            w.key("items"); w.beginArray()
            for i in g.items {
                w.beginObject()
                w.key("kind"); w.string(i.kind.rawValue)
                w.key("id"); w.uuid(i.id)
                w.key("title"); w.string(i.title)
                w.key("href"); w.string(i.href)
                w.key("at"); w.date(i.at)
                if let v = i.number { w.key("number"); w.string(v) }
                if let v = i.status { w.key("status"); w.string(v) }
                if let v = i.statusLabel { w.key("statusLabel"); w.string(v) }
                if let v = i.phone { w.key("phone"); w.string(v) }
                w.key("snippet"); w.beginArray()
                for p in i.snippet {
                    w.beginObject(); w.key("text"); w.string(p.text); w.key("mark"); w.bool(p.mark); w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return JSONWriter.response(.ok, w)
    }
}

/// The index read of one kind: the newest rows whose grams hold every phrase of the query,
/// inside the companies given (all when nil).
struct SearchIndexQuery {
    let reads: LeanReads
    let kind: SearchKind

    struct Ref: Decodable, Sendable { var ref: UUID }
    struct Top: Decodable, Sendable { var top: Int64? }

    /// PostgreSQL's GIN index finds rows but not the newest first, and its planner, which
    /// rates a phrase as matching thousands of rows, would walk the whole table newest first
    /// for a word nobody wrote (measured: 0.8 s on 1,000,000 orders). So three steps:
    /// 1. the newest `newestWindow` rows one by one: a common word (宽带, in one order in
    ///    ten) is answered here;
    /// 2. the index alone (bitmap; the planner may use nothing else) for up to `fewMatches`
    ///    older matches: a rare word has them all, sorted here;
    /// 3. a word common in older rows only: growing windows of rows, then the index.
    static let newestWindow = 3_000
    static let fewMatches = 2_000
    static let olderWindows = [30_000, 300_000]

    /// Orders whose number starts with `prefix`, newest first, through the numbers' unique index.
    func numbered(_ prefix: String, tenant: TenantData, limit: Int) async throws -> [UUID] {
        let company = tenant.keyedCompanyFilterText()
        return try await reads.all(SQLText(sql: "SELECT id AS ref FROM work_orders WHERE number >= ? AND number < ?" + company.sql
                                                + " ORDER BY number DESC LIMIT \(limit)",
                                           binds: [.text(prefix), .text(prefix + "~")] + company.binds), as: Ref.self).map(\.ref)
    }

    func newest(_ query: SearchQuery, companies: Set<UUID>?, limit: Int) async throws -> [UUID] {
        let table = kind.table
        if try reads.db.sql().dialect.name == "postgresql" {
            return try await newestOnPostgres(query.tsquery(companies: companies), limit: limit)
        }
        return try await reads.all(SQLText(sql: """
            SELECT ref FROM \(table) WHERE seq IN (SELECT \(Self.rowidBase) - rowid FROM \(table)_fts WHERE \(table)_fts MATCH ?
                ORDER BY rowid LIMIT \(limit))
            ORDER BY seq DESC
            """, binds: [.text(query.fts5(companies: companies))]), as: Ref.self).map(\.ref)
    }

    struct Found: Decodable, Sendable { var seq: Int64; var ref: UUID }

    func newestOnPostgres(_ text: String, limit: Int) async throws -> [UUID] {
        let table = kind.table
        guard let top = try await reads.first(SQLText(sql: "SELECT max(seq) AS top FROM \(table)", binds: []), as: Top.self)?.top else { return [] }
        func window(above: Int, upTo: Int, limit: Int) async throws -> [UUID] {
            try await reads.all(SQLText(sql: "SELECT ref FROM \(table) WHERE seq > ? AND seq <= ? AND grams @@ to_tsquery('simple', ?) ORDER BY seq DESC LIMIT \(limit)",
                                        binds: [.int(above), .int(upTo), .text(text)]), as: Ref.self).map(\.ref)
        }
        /// Matches at or below `upTo` through the index's bitmap alone, at most `cap` (unordered).
        func indexed(upTo: Int, cap: Int?, newestFirst: Bool) async throws -> [Found] {
            try await reads.db.transaction { tx in
                let sql = try tx.sql()
                try await sql.raw("SET LOCAL enable_indexscan = off").run()
                try await sql.raw("SET LOCAL enable_seqscan = off").run()
                var q = SQLQueryString("SELECT seq, ref FROM \(unsafeRaw: table) WHERE seq <= \(bind: upTo) AND grams @@ to_tsquery('simple', \(bind: text))")
                if newestFirst { q.appendLiteral(" ORDER BY seq DESC") }
                if let cap { q.appendLiteral(" LIMIT \(cap)") }
                return try await sql.raw(q).all(decoding: Found.self)
            }
        }
        let total = Int(top)
        var found = try await window(above: total - Self.newestWindow, upTo: total, limit: limit)
        var edge = total - Self.newestWindow
        guard found.count < limit, edge > 0 else { return found }
        let few = try await indexed(upTo: edge, cap: Self.fewMatches + 1, newestFirst: false)
        if few.count <= Self.fewMatches {
            return found + few.sorted { $0.seq > $1.seq }.prefix(limit - found.count).map(\.ref)
        }
        for size in Self.olderWindows where edge > 0 {
            found += try await window(above: edge - size, upTo: edge, limit: limit - found.count)
            edge -= size
            if found.count >= limit { return found }
        }
        guard edge > 0 else { return found }
        return found + (try await indexed(upTo: edge, cap: limit - found.count, newestFirst: true)).map(\.ref)
    }

    /// On SQLite the FTS5 row of `seq` is `rowidBase - seq`: the newest row has the smallest
    /// rowid, so "newest first" is FTS5's forward order, which reads its doclists about three
    /// times faster than `ORDER BY rowid DESC` (measured on 1,000,000 orders: 0.1 against 0.3–0.4 ms).
    static let rowidBase: Int64 = 1 << 40

    static func ftsRowid(_ seq: Int64) -> Int64 { rowidBase - seq }
}

extension SearchIndexQuery {
    /// Rows sharing any gram of `suggestion`, best ranked first by the engine (FTS5's bm25,
    /// PostgreSQL's `ts_rank`): the candidates `KnowledgeSuggestion.best` then scores.
    func related(_ suggestion: KnowledgeSuggestion, companies: Set<UUID>?, limit: Int) async throws -> [UUID] {
        let table = kind.table
        if try reads.db.sql().dialect.name == "postgresql" {
            return try await reads.all(SQLText(sql: """
                SELECT ref FROM \(table) WHERE grams @@ to_tsquery('simple', ?)
                ORDER BY ts_rank(grams, to_tsquery('simple', ?)) DESC LIMIT \(limit)
                """, binds: [.text(suggestion.tsquery(companies: companies)), .text(suggestion.tsquery(companies: companies))]), as: Ref.self).map(\.ref)
        }
        return try await reads.all(SQLText(sql: """
            SELECT ref FROM \(table) WHERE seq IN (SELECT \(Self.rowidBase) - rowid FROM \(table)_fts WHERE \(table)_fts MATCH ?
                ORDER BY rank LIMIT \(limit))
            """, binds: [.text(suggestion.fts5(companies: companies))]), as: Ref.self).map(\.ref)
    }
}
