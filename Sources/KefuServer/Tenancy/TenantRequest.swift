import Vapor
import Fluent
import KefuCore

/// Builds the request's `TenantData` once: the signed-in person's company, the companies
/// they were granted, and the one they chose in the switcher (a page session's choice, or
/// an API client's `X-Kefu-Company` header). Not signed in: an empty scope, so a public
/// route that forgot its guard still reads nothing.
extension Request {
    static let companyChoiceKey = "company"
    static let companyHeader = "X-Kefu-Company"

    func tenant() async throws -> TenantData {
        if let cached = storage[TenantDataKey.self] { return cached }
        let built = try await buildTenant()
        storage[TenantDataKey.self] = built
        return built
    }

    private func buildTenant() async throws -> TenantData {
        guard let user = auth.get(User.self), let userID = user.id else {
            return TenantData(scope: .companies([]), db: db)
        }
        let granted: [UUID]
        if let known = knownGrants { granted = known } else {
            granted = try await CompanyGrant.query(on: db).filter(\.$user.$id == userID).all().map(\.$company.id)
        }
        var chosen: UUID?
        if let code = headers.first(name: Self.companyHeader), !code.isEmpty {
            // An API client names the company it works for; an unknown or foreign code is a 404.
            guard let c = try await Company.query(on: db).filter(\.$code == code).first(), let id = c.id,
                  id == user.companyID || granted.contains(id) else { throw KefuError.notFound("公司 \(code)") }
            chosen = id
        } else if sessionAvailable, headers.bearerAuthorization == nil, let raw = session.data[Self.companyChoiceKey] {
            // Only a page has a switcher choice; reading the session of a token request
            // would start (and store) an empty session on every API call.
            chosen = UUID(uuidString: raw)
        }
        var data = TenantData(scope: .of(home: user.companyID, granted: Set(granted), chosen: chosen), db: db,
                              homeCompanyID: user.companyID, homeBranchID: user.branchID,
                              available: Set(granted).union([user.companyID]))
        data.reads = leanReads
        return data
    }
}

private struct TenantDataKey: StorageKey { typealias Value = TenantData }
private struct KnownGrantsKey: StorageKey { typealias Value = [UUID] }

extension Request {
    /// The signed-in person's granted companies, when sign-in already read them (a bearer
    /// token's query joins them), so the scope needs no query of its own.
    var knownGrants: [UUID]? {
        get { storage[KnownGrantsKey.self] }
        set { storage[KnownGrantsKey.self] = newValue }
    }
}
