import Vapor
import Fluent

/// A department as the API shows it, with its company's (and branch's) code (R11).
struct DepartmentDTO: Content {
    var id: UUID
    var name: String
    var companyCode: String
    var branchCode: String?
    var liaisonWorkIds: [String]

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(name, forKey: .name)
        try c.encode(companyCode, forKey: .companyCode); try c.encode(branchCode, forKey: .branchCode)
        try c.encode(liaisonWorkIds, forKey: .liaisonWorkIds)
    }
}

/// GET /api/v1/departments: where supervision orders can be sent — the departments of the
/// companies the caller works for, each naming its company (a supervision order goes only to
/// a department of its work order's company).
struct DepartmentAPI {
    func register(_ api: RoutesBuilder) {
        api.requiring(.signedIn).get("departments", use: list)
    }

    struct ListQuery: Content { var company: String?; var branch: String? }

    func list(req: Request) async throws -> ItemsDTO<DepartmentDTO> {
        try req.refuseEmptyQuery("company", "branch")
        let q = try req.query.decode(ListQuery.self)
        let tenant = try await req.tenant()
        let filter = try await TenantFilter.resolve(company: q.company, branch: q.branch, tenant: tenant)
        return ItemsDTO(items: try await Self.all(tenant, filter: filter))
    }

    /// A branch filter keeps the branch's own departments and the company-wide ones (no
    /// branch): both receive that branch's supervision orders.
    static func all(_ tenant: TenantData, filter: TenantFilter = TenantFilter()) async throws -> [DepartmentDTO] {
        let query = tenant.query(Department.self)
        TenantFilter(companyID: filter.companyID).apply(query)
        if let b = filter.branchID { query.group(.or) { $0.filter(\.$branchID == b).filter(\.$branchID == nil) } }
        let deps = try await query.sort(\.$name).all()
        let liaisons = try await tenant.query(User.self).filter(\.$role == "liaison").filter(\.$active == true).all()
        let labels = try await tenant.labels()
        return deps.compactMap { d in
            guard let id = d.id else { return nil }
            return DepartmentDTO(id: id, name: d.name, companyCode: labels.companyCode(d.companyID),
                                 branchCode: d.branchID.map { labels.branchCode($0) },
                                 liaisonWorkIds: liaisons.filter { $0.$department.id == id }.map(\.workId).sorted())
        }
    }
}
