import Vapor
import Fluent
import KefuCore

/// The team lead's monthly appraisal table (R2.10: QC results go to the team lead and into
/// each agent's appraisal), as a page and as CSV that opens in Excel.
struct AppraisalPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.qaAppraisal).get("qa", "appraisal", use: page)
        routes.requiring(.qaAppraisal).get("qa", "appraisal.csv", use: csv)
    }

    struct Row: Encodable {
        var company: String; var branch: String
        var agent: String; var name: String; var contacts: Int; var reviewed: Int; var average: String; var autoAverage: String
        var lowest: String; var forbidden: Int; var findings: Int; var appeals: Int; var upheld: Int
    }
    struct Context: Encodable {
        var page: PageContext; var month: String; @NilIfEmpty var rows: [Row]; var error: String?
        var tenantFilter: TenantFilterForm?; var mixed: Bool
        /// The filter as query-string parts for the CSV link (`&company=…&branch=…`).
        var filterQuery: String
    }

    func month(_ req: Request) throws -> String {
        let today = LocalDay(req.now, in: req.kefu.settings.timeZone)
        guard let m = req.query[String.self, at: "month"], !m.isEmpty else { return String(today.description.prefix(7)) }
        guard m.count == 7, LocalDay(m + "-01") != nil else {
            throw KefuError.invalid([.init(field: "month", message: "月份格式须为 2026-11。")])
        }
        return m
    }

    /// One row per agent (per company and branch, so a work ID used in two companies' imports
    /// never mixes their results), of the contacts in the reader's scope and filter.
    func rows(_ req: Request, month: String, tenant: TenantData, filter: TenantFilter, labels: TenantLabels) async throws -> [Row] {
        let query = tenant.query(Contact.self).filter(\.$localDay >= month + "-01").filter(\.$localDay <= month + "-31")
        filter.apply(query)
        let contacts = try await query.limit(200_000).all()
        let ids = contacts.compactMap(\.id)
        var findings: [QAFindingRecord] = []
        var appeals: [QAAppeal] = []
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            findings += try await QAFindingRecord.query(on: req.db).filter(\.$contact.$id ~~ chunk).filter(\.$state != "rejected").all()
            appeals += try await QAAppeal.query(on: req.db).filter(\.$contact.$id ~~ chunk).all()
        }
        struct Key: Hashable { var company: UUID; var branch: UUID?; var agent: String }
        func key(_ c: Contact) -> Key { Key(company: c.companyID, branch: c.branchID, agent: c.agentWorkId ?? "—") }
        let agentOf = Dictionary(contacts.compactMap { c in c.id.map { ($0, key(c)) } }, uniquingKeysWith: { a, _ in a })
        let names = Dictionary(try await tenant.query(User.self).all().map { ($0.workId, $0.name) }, uniquingKeysWith: { a, _ in a })
        let reviewedIDs = Set(contacts.filter { $0.finalScore != nil }.compactMap(\.id))
        let findingsByAgent = Dictionary(grouping: findings.filter { reviewedIDs.contains($0.$contact.id) }, by: { agentOf[$0.$contact.id] })
        let appealsByAgent = Dictionary(grouping: appeals, by: { agentOf[$0.$contact.id] })
        func fmt(_ xs: [Int]) -> String { xs.isEmpty ? "—" : String(format: "%.1f", Double(xs.reduce(0, +)) / Double(xs.count)) }
        return Dictionary(grouping: contacts, by: key).map { k, cs in
            let agent = k.agent
            let reviewed = cs.compactMap(\.finalScore)
            let fs = findingsByAgent[k] ?? []
            let ap = appealsByAgent[k] ?? []
            return Row(company: labels.companyName(k.company), branch: labels.branchName(k.branch), agent: agent, name: names[agent] ?? "", contacts: cs.count, reviewed: reviewed.count, average: fmt(reviewed),
                       autoAverage: fmt(cs.map(\.autoScore)), lowest: reviewed.min().map(String.init) ?? "—",
                       forbidden: fs.filter { $0.rule.hasPrefix("forbidden.") }.count, findings: fs.count,
                       appeals: ap.count, upheld: ap.filter { $0.status == "upheld" }.count)
        }.sorted { ($0.company, $0.branch, $0.agent) < ($1.company, $1.branch, $1.agent) }
    }

    func page(req: Request) async throws -> Response {
        let user = try req.user()
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        // A foreign or unknown company/branch code is a 404 like any other object of another company.
        let filter = try await TenantFilter.resolve(req, tenant: tenant)
        let form = try await TenantFilterForm.make(tenant, labels: labels, filter: filter)
        let filterQuery = filter.queryItems.map { "&\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")" }.joined()
        do {
            let m = try month(req)
            return try await req.view.render("qa_appraisal", Context(page: PageContext(req, user: user, title: "质检月度考核"), month: m,
                                                                    rows: try await rows(req, month: m, tenant: tenant, filter: filter, labels: labels),
                                                                    tenantFilter: form, mixed: labels.mixed, filterQuery: filterQuery)).encodeResponse(for: req)
        } catch let e as KefuError {
            let m = String(LocalDay(req.now, in: req.kefu.settings.timeZone).description.prefix(7))
            let res = try await req.view.render("qa_appraisal", Context(page: PageContext(req, user: user, title: "质检月度考核"), month: m,
                                                                       rows: [], error: e.reason, tenantFilter: form, mixed: labels.mixed,
                                                                       filterQuery: filterQuery)).encodeResponse(for: req)
            res.status = e.status
            return res
        }
    }

    func csv(req: Request) async throws -> Response {
        let m = try month(req)
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        let filter = try await TenantFilter.resolve(req, tenant: tenant)
        let rows = try await rows(req, month: m, tenant: tenant, filter: filter, labels: labels).map { r in
            (labels.mixed ? [r.company, r.branch] : []) + [r.agent, r.name, "\(r.contacts)", "\(r.reviewed)", r.average, r.autoAverage, r.lowest, "\(r.forbidden)",
             "\(r.findings)", "\(r.appeals)", "\(r.upheld)"]
        }
        let text = CSVDownload.document(headers: (labels.mixed ? ["公司", "分公司"] : []) + ["工号", "姓名", "通话数", "已复核", "复核平均分", "自动评分平均", "最低分", "服务忌语(条)",
                                                  "发现合计", "申诉", "申诉成立"], rows: rows)
        return CSVDownload.response(text, filename: "qa-appraisal-\(m).csv")
    }
}
