import Vapor
import Fluent
import KefuCore

/// The company switcher in the top bar (R11.2): for people who may work for several
/// companies (their own plus granted ones). The choice lives in the page session under
/// `Request.companyChoiceKey`; `Request.tenant()` narrows the scope to it. "all" shows every
/// company the person may see, with a 公司 column in lists.
struct CompanySwitcher: Encodable {
    struct Option: Encodable { var value: String; var label: String; var selected: Bool }
    var options: [Option]
    /// What the bar shows as the current choice.
    var current: String
    /// Where the switch sends the browser back to.
    var back: String

    static let all = "all"

    /// The companies the signed-in person may work for, their own first, then the granted
    /// ones by code; empty when that is only their own. Read from the request's data layer,
    /// which has already looked up the grants once for this request.
    static func companies(for req: Request) async throws -> [Company] {
        let tenant = try await req.tenant()
        guard tenant.available.count > 1, let home = tenant.homeCompanyID else { return [] }
        let rows = try await Company.query(on: req.db).filter(\.$id ~~ Array(tenant.available)).sort(\.$code).all()
        return rows.filter { $0.id == home } + rows.filter { $0.id != home }
    }

    /// Built for a signed-in page request; nil for someone with only their own company.
    static func load(for req: Request) async throws -> CompanySwitcher? {
        let companies = try await companies(for: req)
        guard companies.count > 1 else { return nil }
        let chosen = req.sessionAvailable ? req.session.data[Request.companyChoiceKey].flatMap(UUID.init(uuidString:)) : nil
        let valid = companies.contains { $0.id == chosen } ? chosen : nil
        var options = [Option(value: all, label: "全部公司", selected: valid == nil)]
        options += companies.map { Option(value: $0.code, label: "\($0.name)（\($0.code)）", selected: $0.id == valid) }
        let current = companies.first { $0.id == valid }.map(\.name) ?? "全部公司"
        // Back to the page shown; a form's answer (a POST re-rendered) goes home instead.
        var back = req.method == .GET ? req.url.path : "/"
        if req.method == .GET, let q = req.url.query, !q.isEmpty { back += "?" + q }
        return CompanySwitcher(options: options, current: current, back: SafeRedirect.localPath(back) ?? "/")
    }
}

extension Request {
    /// The switcher of this page request, loaded when the person signed in from the session.
    var companySwitcher: CompanySwitcher? {
        get { storage[CompanySwitcherKey.self] }
        set { storage[CompanySwitcherKey.self] = newValue }
    }
}

private struct CompanySwitcherKey: StorageKey { typealias Value = CompanySwitcher }

/// POST /company-switch: `company` = a code the person may work for, or "all".
struct CompanySwitchPage {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.signedIn).post("company-switch", use: switchCompany)
    }

    struct Form: Content { var company: String?; var back: String? }

    func switchCompany(req: Request) async throws -> Response {
        let user = try req.user()
        let form = try req.content.decode(Form.self)
        let code = form.company?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !code.isEmpty else { throw KefuError.invalid([.init(field: "company", message: "请选择公司")]) }
        let back = SafeRedirect.localPath(form.back) ?? "/"
        guard req.sessionAvailable else { throw KefuError.badRequest("公司切换只用于网页登录；接口请用 X-Kefu-Company 请求头。") }
        if code == CompanySwitcher.all {
            req.session.data[Request.companyChoiceKey] = nil
            try await req.history().audit(action: "company.switch", objectType: "user", objectId: user.workId, after: CompanySwitcher.all)
            return req.redirect(to: back, notice: "已切换到全部公司")
        }
        let mine = try await CompanySwitcher.companies(for: req)
        let own = try await Company.find(user.companyID, on: req.db)
        let allowed = mine.isEmpty ? [own].compactMap { $0 } : mine
        // A company the person may not work for does not exist for them.
        guard let company = allowed.first(where: { $0.code == code }), let id = company.id else { throw KefuError.notFound("公司 \(code)") }
        req.session.data[Request.companyChoiceKey] = id.uuidString
        try await req.history().audit(action: "company.switch", objectType: "user", objectId: user.workId, after: company.code)
        return req.redirect(to: back, notice: "已切换到\(company.name)")
    }
}
