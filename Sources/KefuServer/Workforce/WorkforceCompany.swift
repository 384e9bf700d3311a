import Fluent
import Vapor
import KefuCore

/// The one client company a workforce action works in (R11.2). Traffic history, forecasts,
/// rosters, profiles and swaps are kept per company: a planner granted several companies
/// plans each of them apart, never a mix. Every workforce service takes this instead of a
/// bare database; `data` is narrowed to this single company, so a scoped query through it
/// cannot read a neighbour's rows even when the person may see several.
struct WorkforceCompany: Sendable {
    let id: UUID
    let code: String
    let name: String
    let data: TenantData
    var db: Database { data.db }

    /// Pages and APIs read in the person's own company when none is named; writes into one
    /// of several companies must say which.
    enum Intent: Sendable { case read, write }

    private init(id: UUID, code: String, name: String, data: TenantData) {
        self.id = id; self.code = code; self.name = name; self.data = data
    }

    /// `company` as seen by the caller (a request's scope, or `.system` for the CLI and the demo).
    init(_ company: Company, db: Database) throws {
        let id = try company.requireID()
        self.init(id: id, code: company.code, name: company.name, data: TenantData(scope: .companies([id]), db: db))
    }

    /// The company of a row the caller already found through their own scope.
    static func of(_ companyID: UUID, in tenant: TenantData) async throws -> WorkforceCompany {
        try WorkforceCompany(try await tenant.company(companyID), db: tenant.db)
    }

    /// For the CLI and the demo: `code`, or the only company when there is one.
    static func named(_ code: String?, on db: Database) async throws -> WorkforceCompany {
        try WorkforceCompany(try await TenantData.system(db).company(named: code), db: db)
    }

    /// The same company on another connection (a transaction).
    func on(_ db: Database) -> WorkforceCompany {
        WorkforceCompany(id: id, code: code, name: name, data: data.on(db))
    }

    /// The `company=CODE` query string that keeps links and forms in this company.
    var query: String { "company=" + (code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? code) }
}

/// The small company select of the workforce pages, shown only to people who may see
/// several companies; the chosen one travels as `?company=CODE`.
struct WorkforceCompanyPicker: Encodable, Sendable {
    struct Choice: Encodable, Sendable { var code: String; var name: String; var selected: Bool }
    var code: String
    var name: String
    /// `company=CODE`, to append to the page's own links and form actions.
    var query: String
    var choices: [Choice]
    /// More than one company to choose from.
    var show: Bool
    /// Kept when switching, on pages whose month is a query parameter.
    var month: String? = nil

    static func make(_ company: WorkforceCompany, tenant: TenantData) async throws -> WorkforceCompanyPicker {
        let all = try await tenant.companies()
        return WorkforceCompanyPicker(code: company.code, name: company.name, query: company.query,
                                      choices: all.map { Choice(code: $0.code, name: $0.name, selected: $0.id == company.id) },
                                      show: all.count > 1)
    }
}

extension Request {
    /// The company this workforce request works in: `?company=CODE` when named (a company
    /// outside the caller's scope is a 404); else the one company of the scope (the company
    /// switcher's choice, or a person of one company); else, for reads, the person's own
    /// company; a write into one of several companies is refused until one is chosen.
    func workforceCompany(_ intent: WorkforceCompany.Intent, code: String? = nil) async throws -> WorkforceCompany {
        let tenant = try await tenant()
        let named = code ?? query[String.self, at: "company"]
        if let named {
            let trimmed = named.trimmingCharacters(in: .whitespaces)
            // Empty breaks the schema's minLength: 400. Blank (`company=+`) is a value the
            // schema allows and no company has: 422, like an unknown code.
            guard !named.isEmpty else { throw KefuError.badRequest("company 不能为空：请填写公司代码，或去掉这个参数。") }
            guard !trimmed.isEmpty else {
                throw KefuError.invalid([.init(field: "company", message: "company 不能为空：请填写公司代码，或去掉这个参数。")])
            }
            return try WorkforceCompany(try await tenant.company(code: trimmed), db: tenant.db)
        }
        if let single = tenant.scope.single { return try await WorkforceCompany.of(single, in: tenant) }
        if intent == .read, let home = tenant.homeCompanyID, tenant.scope.includes(home) {
            return try await WorkforceCompany.of(home, in: tenant)
        }
        throw KefuError(.unprocessableEntity, "company_required", "请选择公司：您可以为多家公司排班，请先在公司切换中选定一家，或在请求中加上 company=公司代码。",
                        fields: [.init(field: "company", message: "请选择公司")])
    }
}
