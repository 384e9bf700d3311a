import Vapor
import Fluent
import SQLKit

/// A list's `?company=CODE&branch=CODE` (R11: every list filters by company and branch).
/// Codes are resolved inside the request's scope, so an unknown or foreign code is a 404
/// rather than an empty list that would look like "no rows".
struct TenantFilter: Sendable {
    var companyID: UUID?
    var branchID: UUID?
    var companyCode = ""
    var branchCode = ""

    static func resolve(company: String?, branch: String?, tenant: TenantData) async throws -> TenantFilter {
        var f = TenantFilter()
        if let code = company?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
            f.companyID = try await tenant.company(code: code).requireID()
            f.companyCode = code
        }
        if let code = branch?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
            let b = try await tenant.branch(code: code, company: f.companyID ?? tenant.scope.single)
            f.branchID = try b.requireID()
            f.companyID = b.$company.id
            f.branchCode = code
        }
        return f
    }

    static func resolve(_ req: Request, tenant: TenantData) async throws -> TenantFilter {
        try await resolve(company: req.query[String.self, at: "company"], branch: req.query[String.self, at: "branch"], tenant: tenant)
    }

    var isEmpty: Bool { companyID == nil && branchID == nil }

    /// Narrows a scoped query; `hasBranch` false for tables without a branch (supervision
    /// orders follow their work order's branch instead, see `OrderScope`).
    func apply<M: CompanyScoped>(_ query: QueryBuilder<M>, hasBranch: Bool = true) {
        if let c = companyID { query.filter(.path([M.companyKey], schema: M.schema), .equality(inverse: false), .bind(c)) }
        if hasBranch, let b = branchID { query.filter(.path(["branch_id"], schema: M.schema), .equality(inverse: false), .bind(b)) }
    }

    /// The same as SQL conditions on `table`.
    func predicates(table: String) -> [any SQLExpression] {
        var out: [any SQLExpression] = []
        if let c = companyID { out.append(SQLBinaryExpression(SQLColumn("company_id", table: table), .equal, SQLBind(c))) }
        if let b = branchID { out.append(SQLBinaryExpression(SQLColumn("branch_id", table: table), .equal, SQLBind(b))) }
        return out
    }

    /// Query-string parts for paging links.
    var queryItems: [(String, String)] {
        (companyCode.isEmpty ? [] : [("company", companyCode)]) + (branchCode.isEmpty ? [] : [("branch", branchCode)])
    }
}

/// The small company/branch filter form above a page's list, shown when the reader can
/// see more than one branch.
struct TenantFilterForm: Encodable {
    var companies: [Choice]
    var branches: [Choice]
    var company: String
    var branch: String
    /// Whether the list shows 公司/分公司 columns (several companies in scope).
    var mixed: Bool

    /// nil when there is nothing to choose (one company with one branch).
    static func make(_ tenant: TenantData, labels: TenantLabels, filter: TenantFilter) async throws -> TenantFilterForm? {
        let companies = try await tenant.companies()
        let branches = try await tenant.branches()
        guard companies.count > 1 || branches.count > 1 else { return nil }
        let names = Dictionary(uniqueKeysWithValues: companies.compactMap { c in c.id.map { ($0, c.name) } })
        return TenantFilterForm(
            companies: companies.map { Choice(value: $0.code, label: "\($0.code) \($0.name)") },
            branches: branches.map { b in
                Choice(value: b.code, label: labels.mixed ? "\(names[b.$company.id] ?? "")·\(b.name)（\(b.code)）" : "\(b.name)（\(b.code)）")
            },
            company: filter.companyCode, branch: filter.branchCode, mixed: labels.mixed)
    }
}
