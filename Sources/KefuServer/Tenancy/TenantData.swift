import Vapor
import Fluent
import SQLKit
import KefuCore

/// A table whose rows belong to one client company. Every read and write of such a table
/// goes through `TenantData`, the one place the company filter is applied (R11.2); the
/// `TenantIsolationTests` lint keeps handlers from querying these models directly.
protocol CompanyScoped: Model {
    var companyID: UUID { get set }
}

extension CompanyScoped {
    static var companyKey: FieldKey { "company_id" }
}

/// The data layer of one request (or of a job, with `.system`): scoped queries, finds that
/// answer "missing" for another company's rows, and the company/branch lookups the
/// handlers need. Built once per request by `Request.tenant()`.
struct TenantData: Sendable {
    let scope: TenantScope
    let db: Database
    /// The signed-in person's own company and branch (nil for jobs and the CLI).
    let homeCompanyID: UUID?
    let homeBranchID: UUID?

    /// Every company the person may work for (own + granted), before the switcher narrowed
    /// `scope`: what the switcher offers. Empty for jobs and the CLI.
    let available: Set<UUID>
    /// The request's point reads (`LeanReads`), for the labels every list and order answer
    /// needs; nil for jobs, the CLI and a transaction (which must read on its own connection).
    var reads: LeanReads?

    init(scope: TenantScope, db: Database, homeCompanyID: UUID? = nil, homeBranchID: UUID? = nil, available: Set<UUID> = []) {
        self.scope = scope; self.db = db; self.homeCompanyID = homeCompanyID; self.homeBranchID = homeBranchID
        self.available = available
    }

    static func system(_ db: Database) -> TenantData { TenantData(scope: .system, db: db) }

    /// The same scope on another connection (a transaction).
    func on(_ db: Database) -> TenantData {
        TenantData(scope: scope, db: db, homeCompanyID: homeCompanyID, homeBranchID: homeBranchID, available: available)
    }

    /// The same person's data layer with every company they may work for, whatever the
    /// switcher chose (grant pages concern people who are out of view while a client is chosen).
    func unswitched() -> TenantData {
        guard !available.isEmpty else { return self }
        return TenantData(scope: .companies(available), db: db, homeCompanyID: homeCompanyID, homeBranchID: homeBranchID, available: available)
    }

    /// Every query of a scoped table starts here.
    func query<M: CompanyScoped>(_ type: M.Type) -> QueryBuilder<M> {
        let query = M.query(on: db)
        if let ids = scope.companyIDs {
            query.filter(.path([M.companyKey], schema: M.schema), .subset(inverse: false), .array(ids.map { .bind($0) }))
        }
        return query
    }

    /// Rows of a scoped table by key, planned on the key. SQLite keeps no statistics here, so
    /// it rated `company_id IN (…)` as selective as a dozen keys and read every row of the
    /// company through that index instead (measured: 35 ms for 11 orders among 50,000). On
    /// SQLite the company test is written `+company_id`, which only filters.
    func query<M: CompanyScoped>(_ type: M.Type, ids: [UUID]) -> QueryBuilder<M> where M.IDValue == UUID {
        let query = M.query(on: db).filter(\M._$id ~~ ids)
        if let filter = keyedCompanyFilter(table: M.schema) { query.filter(.custom(filter)) }
        return query
    }

    /// The company scope as a filter for a read planned on a key (see `query(_:ids:)`); nil
    /// when every company is in scope.
    func keyedCompanyFilter(table: String) -> (any SQLExpression)? {
        guard let companies = scope.companyIDs else { return nil }
        let column = SQLColumn("company_id", table: table)
        let lhs: any SQLExpression = isSQLite ? SQLUnaryPlus(column) : column
        return SQLBinaryExpression(lhs, .in, SQLBind.group(companies.sorted { $0.uuidString < $1.uuidString }))
    }

    /// The company scope as a plain filter on `column`, planned through its index (a rollup
    /// table read by company and day); nil when every company is in scope.
    func companyPredicate(column: String, table: String? = nil) -> (any SQLExpression)? {
        guard let companies = scope.companyIDs else { return nil }
        guard !companies.isEmpty else { return SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0")) }
        return SQLBinaryExpression(SQLColumn(column, table: table), .in, SQLBind.group(companies.sorted { $0.uuidString < $1.uuidString }))
    }

    /// The same as SQL text with `?` marks, for `LeanReads` (`" AND +company_id IN (?, ?)"`).
    func keyedCompanyFilterText() -> (sql: String, binds: [RowValue]) {
        guard let companies = scope.companyIDs else { return ("", []) }
        guard !companies.isEmpty else { return (" AND 1 = 0", []) }
        let marks = Array(repeating: "?", count: companies.count).joined(separator: ", ")
        return (" AND \(isSQLite ? "+" : "")company_id IN (\(marks))", companies.sorted { $0.uuidString < $1.uuidString }.map { .uuid($0) })
    }

    private var isSQLite: Bool { (db as? any SQLDatabase)?.dialect.name == "sqlite" }

    /// A row of a company in scope, or nil: another company's row does not exist here.
    func find<M: CompanyScoped>(_ type: M.Type, _ id: M.IDValue?) async throws -> M? where M.IDValue == UUID {
        guard let id else { return nil }
        return try await query(M.self).filter(\M._$id == id).first()
    }

    /// Like `find`, but a missing row is a 404 naming `what`.
    func require<M: CompanyScoped>(_ type: M.Type, _ id: M.IDValue?, _ what: String) async throws -> M where M.IDValue == UUID {
        guard let row = try await find(M.self, id) else { throw KefuError.notFound(what) }
        return row
    }

    /// Refuses a write into a company outside the scope (as missing, like a read would).
    func check(_ company: UUID, _ what: String = "公司") throws {
        guard scope.includes(company) else { throw KefuError.notFound(what) }
    }

    // MARK: companies and branches

    func companies() async throws -> [Company] {
        let query = Company.query(on: db)
        if let ids = scope.companyIDs { query.filter(\.$id ~~ Array(ids)) }
        return try await query.sort(\.$code).all()
    }

    func branches(of company: UUID? = nil) async throws -> [Branch] {
        let query = Branch.query(on: db)
        if let ids = scope.companyIDs { query.filter(\.$company.$id ~~ Array(ids)) }
        if let company { query.filter(\.$company.$id == company) }
        return try await query.sort(\.$code).all()
    }

    func company(code: String) async throws -> Company {
        guard let c = try await Company.query(on: db).filter(\.$code == code).first(), let id = c.id, scope.includes(id) else {
            throw KefuError.notFound("公司 \(code)")
        }
        return c
    }

    /// The company a command or form names (`--company CODE`), or the only one in scope when
    /// it names none; several without a name is an error listing their codes. One rule for
    /// every CLI command and tool that places rows.
    func company(named code: String?) async throws -> Company {
        if let code = code?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
            guard let c = try await Company.query(on: db).filter(\.$code == code).first(), let id = c.id, scope.includes(id) else {
                throw KefuError(.unprocessableEntity, "unknown_company", "公司「\(code)」不存在。", fields: [.init(field: "company", message: "公司不存在")])
            }
            return c
        }
        let all = try await companies()
        guard all.count == 1, let only = all.first else {
            throw KefuError(.unprocessableEntity, "company_required", "有多家公司（\(all.map(\.code).joined(separator: "、"))），请用 --company 指明。",
                            fields: [.init(field: "company", message: "请指明公司")])
        }
        return only
    }

    func company(_ id: UUID) async throws -> Company {
        guard scope.includes(id), let c = try await Company.find(id, on: db) else { throw KefuError.notFound("公司") }
        return c
    }

    /// A branch by code. Codes are unique inside a company; when the scope holds several
    /// companies with the same branch code, `company` must say which.
    func branch(code: String, company: UUID? = nil) async throws -> Branch {
        let query = Branch.query(on: db).filter(\.$code == code)
        if let company { query.filter(\.$company.$id == company) }
        let found = try await query.all().filter { scope.includes($0.$company.id) }
        guard found.count == 1, let b = found.first else {
            if found.count > 1 {
                throw KefuError.invalid([.init(field: "branchCode", message: "多家公司都有分公司 \(code)，请先在公司切换中选定一家公司")])
            }
            throw KefuError.notFound("分公司 \(code)")
        }
        return b
    }

    func branch(_ id: UUID) async throws -> Branch {
        guard let b = try await Branch.find(id, on: db), scope.includes(b.$company.id) else { throw KefuError.notFound("分公司") }
        return b
    }

    /// Where a new row goes when the request names no branch: the person's own branch when
    /// their company is in scope, else the first branch of the only company in scope.
    func defaultBranch() async throws -> Branch {
        if let home = homeBranchID, let b = try await Branch.find(home, on: db), scope.includes(b.$company.id) { return b }
        if let only = scope.single ?? homeCompanyID.flatMap({ scope.includes($0) ? $0 : nil }),
           let b = try await Branch.query(on: db).filter(\.$company.$id == only).sort(\.$createdAt).first() {
            return b
        }
        // Jobs and the CLI: the operating company's first branch, never a client's.
        if case .system = scope, let op = try await Company.query(on: db).filter(\.$isOperator == true).sort(\.$createdAt).first(),
           let opID = op.id, let b = try await Branch.query(on: db).filter(\.$company.$id == opID).sort(\.$createdAt).first() {
            return b
        }
        throw KefuError.invalid([.init(field: "branchCode", message: "请指明分公司（branchCode）：当前可见多家公司")])
    }

    /// Every company's rows with their branches; `labels()` narrows it to the scope.
    private static let labelRows = """
        SELECT c.id AS company_id, c.code AS company_code, c.name AS company_name,
               b.id AS branch_id, b.code AS branch_code, b.name AS branch_name
        FROM "\(Company.schema)" c LEFT JOIN "\(Branch.schema)" b ON b.company_id = c.id
        """

    private enum LabelsOfCompany: PreparedRead {
        static let sql = labelRows + " WHERE c.id = ?"
    }

    /// Code and name of every company and branch, for the column shown when lists mix them.
    /// Every list and order answer carries them: one lean statement (companies joined with
    /// their branches) rather than two model reads.
    func labels() async throws -> TenantLabels {
        struct Row: Decodable, Sendable {
            var company_id: UUID; var company_code: String; var company_name: String
            var branch_id: UUID?; var branch_code: String?; var branch_name: String?
        }
        // One company in scope (the usual case): a point read, prepared, on the request's path.
        let rows: [Row]
        if let reads, let ids = scope.companyIDs, ids.count == 1, let only = ids.first {
            rows = try await reads.all(SQLText(LabelsOfCompany.self, binds: [.uuid(only)]), as: Row.self)
        } else {
            var query: SQLQueryString = "\(unsafeRaw: Self.labelRows)"
            if let ids = scope.companyIDs {
                guard !ids.isEmpty else { return TenantLabels(mixed: scope.isMixed) }
                let only: SQLQueryString = " WHERE c.id IN (\(binds: Array(ids)))"
                query = query + only
            }
            rows = try await (try db.sql()).raw(query).all(decoding: Row.self)
        }
        var l = TenantLabels()
        for r in rows {
            l.companies[r.company_id] = (r.company_code, r.company_name)
            if let id = r.branch_id, let code = r.branch_code, let name = r.branch_name { l.branches[id] = (code, name) }
        }
        l.mixed = scope.isMixed
        return l
    }
}

/// Lookup of companies' and branches' codes and names by id.
struct TenantLabels: Sendable {
    var companies: [UUID: (code: String, name: String)] = [:]
    var branches: [UUID: (code: String, name: String)] = [:]
    /// Whether the list shows a company column.
    var mixed = false

    func companyCode(_ id: UUID?) -> String { id.flatMap { companies[$0]?.code } ?? "" }
    func companyName(_ id: UUID?) -> String { id.flatMap { companies[$0]?.name } ?? "" }
    func branchCode(_ id: UUID?) -> String { id.flatMap { branches[$0]?.code } ?? "" }
    func branchName(_ id: UUID?) -> String { id.flatMap { branches[$0]?.name } ?? "" }
}

/// `+expr`: the same value, but not a column SQLite may look up through an index.
struct SQLUnaryPlus: SQLExpression {
    let inner: any SQLExpression
    init(_ inner: any SQLExpression) { self.inner = inner }
    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("+")
        inner.serialize(to: &serializer)
    }
}
