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
        var agent: String; var name: String; var contacts: Int; var reviewed: Int; var average: String; var autoAverage: String
        var lowest: String; var forbidden: Int; var findings: Int; var appeals: Int; var upheld: Int
    }
    struct Context: Encodable { var page: PageContext; var month: String; @NilIfEmpty var rows: [Row]; var error: String? }

    func month(_ req: Request) throws -> String {
        let today = LocalDay(req.now, in: req.kefu.settings.timeZone)
        guard let m = req.query[String.self, at: "month"], !m.isEmpty else { return String(today.description.prefix(7)) }
        guard m.count == 7, LocalDay(m + "-01") != nil else {
            throw KefuError.invalid([.init(field: "month", message: "月份格式须为 2026-11。")])
        }
        return m
    }

    func rows(_ req: Request, month: String) async throws -> [Row] {
        let contacts = try await Contact.query(on: req.db).filter(\.$localDay >= month + "-01").filter(\.$localDay <= month + "-31")
            .limit(200_000).all()
        let ids = contacts.compactMap(\.id)
        var findings: [QAFindingRecord] = []
        var appeals: [QAAppeal] = []
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            findings += try await QAFindingRecord.query(on: req.db).filter(\.$contact.$id ~~ chunk).filter(\.$state != "rejected").all()
            appeals += try await QAAppeal.query(on: req.db).filter(\.$contact.$id ~~ chunk).all()
        }
        let agentOf = Dictionary(uniqueKeysWithValues: contacts.map { ($0.id!, $0.agentWorkId ?? "—") })
        let names = Dictionary(try await User.query(on: req.db).all().map { ($0.workId, $0.name) }, uniquingKeysWith: { a, _ in a })
        let reviewedIDs = Set(contacts.filter { $0.finalScore != nil }.compactMap(\.id))
        let findingsByAgent = Dictionary(grouping: findings.filter { reviewedIDs.contains($0.$contact.id) }, by: { agentOf[$0.$contact.id] ?? "—" })
        let appealsByAgent = Dictionary(grouping: appeals, by: { agentOf[$0.$contact.id] ?? "—" })
        func fmt(_ xs: [Int]) -> String { xs.isEmpty ? "—" : String(format: "%.1f", Double(xs.reduce(0, +)) / Double(xs.count)) }
        return Dictionary(grouping: contacts, by: { $0.agentWorkId ?? "—" }).map { agent, cs in
            let reviewed = cs.compactMap(\.finalScore)
            let fs = findingsByAgent[agent] ?? []
            let ap = appealsByAgent[agent] ?? []
            return Row(agent: agent, name: names[agent] ?? "", contacts: cs.count, reviewed: reviewed.count, average: fmt(reviewed),
                       autoAverage: fmt(cs.map(\.autoScore)), lowest: reviewed.min().map(String.init) ?? "—",
                       forbidden: fs.filter { $0.rule.hasPrefix("forbidden.") }.count, findings: fs.count,
                       appeals: ap.count, upheld: ap.filter { $0.status == "upheld" }.count)
        }.sorted { $0.agent < $1.agent }
    }

    func page(req: Request) async throws -> Response {
        let user = try req.user()
        do {
            let m = try month(req)
            return try await req.view.render("qa_appraisal", Context(page: PageContext(req, user: user, title: "质检月度考核"), month: m,
                                                                    rows: try await rows(req, month: m))).encodeResponse(for: req)
        } catch let e as KefuError {
            let m = String(LocalDay(req.now, in: req.kefu.settings.timeZone).description.prefix(7))
            let res = try await req.view.render("qa_appraisal", Context(page: PageContext(req, user: user, title: "质检月度考核"), month: m,
                                                                       rows: [], error: e.reason)).encodeResponse(for: req)
            res.status = e.status
            return res
        }
    }

    func csv(req: Request) async throws -> Response {
        let m = try month(req)
        let rows = try await rows(req, month: m).map { r in
            [r.agent, r.name, "\(r.contacts)", "\(r.reviewed)", r.average, r.autoAverage, r.lowest, "\(r.forbidden)",
             "\(r.findings)", "\(r.appeals)", "\(r.upheld)"]
        }
        let text = CSVDownload.document(headers: ["工号", "姓名", "通话数", "已复核", "复核平均分", "自动评分平均", "最低分", "服务忌语(条)",
                                                  "发现合计", "申诉", "申诉成立"], rows: rows)
        return CSVDownload.response(text, filename: "qa-appraisal-\(m).csv")
    }
}
