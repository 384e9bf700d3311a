import Vapor
import Fluent
import KefuCore

struct CompanyDTO: Content {
    var code: String
    var name: String
    var hotline: String
    /// The company whose center this is (its staff may be granted other companies).
    var isOperator: Bool
}

struct BranchDTO: Content {
    var companyCode: String
    var code: String
    var name: String
    var hotline: String
    /// The IVR welcome as typed, with {company} {branch} {hotline} placeholders.
    var welcome: String
    /// The same filled in: what callers hear.
    var welcomeText: String
}

/// GET /api/v1/companies and /api/v1/branches: the companies and branches the caller may
/// see (their own, the granted ones, narrowed by `X-Kefu-Company`). Anyone signed in may
/// read them: clients need the codes for `branchCode` and `?branch=`.
struct CompanyAPI {
    func register(_ api: RoutesBuilder) {
        let signedIn = api.requiring(.signedIn)
        signedIn.get("companies", use: companies)
        signedIn.get("branches", use: branches)
    }

    func companies(req: Request) async throws -> ItemsDTO<CompanyDTO> {
        ItemsDTO(items: try await req.tenant().companies().map(Self.dto))
    }

    /// `?company=CODE` narrows to one company's branches.
    func branches(req: Request) async throws -> ItemsDTO<BranchDTO> {
        try req.refuseEmptyQuery("company")
        let tenant = try await req.tenant()
        var only: UUID?
        if let code = try? req.query.get(String.self, at: "company"), !code.isEmpty {
            only = try await tenant.company(code: code).requireID()
        }
        return ItemsDTO(items: try await Self.branches(tenant, of: only))
    }

    static func dto(_ c: Company) -> CompanyDTO {
        CompanyDTO(code: c.code, name: c.name, hotline: c.hotline, isOperator: c.isOperator)
    }

    static func branches(_ tenant: TenantData, of company: UUID? = nil) async throws -> [BranchDTO] {
        let companies = Dictionary(uniqueKeysWithValues: try await tenant.companies().compactMap { c in c.id.map { ($0, c) } })
        return try await tenant.branches(of: company).compactMap { b in
            guard let c = companies[b.$company.id] else { return nil }
            return dto(b, company: c)
        }.sorted { ($0.companyCode, $0.code) < ($1.companyCode, $1.code) }
    }

    static func dto(_ b: Branch, company c: Company) -> BranchDTO {
        BranchDTO(companyCode: c.code, code: b.code, name: b.name, hotline: b.hotline, welcome: b.welcome,
                  welcomeText: WelcomeText.fill(b.welcome, company: c.name, branch: b.name, hotline: b.hotline))
    }
}
