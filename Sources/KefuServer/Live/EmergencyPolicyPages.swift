import Vapor
import Fluent
import KefuCore

/// The admin's editor of the staged emergency staffing policy (R3.4: thresholds, durations
/// and group order are editable) as a form in Chinese, validated by KefuCore and stored as
/// JSON; a readable table of the saved ladder sits beside it, and every save is audited.
/// Each company has its own policy (R11.2): `?company=CODE` (a hidden field when saving)
/// picks it, default the person's own company.
struct EmergencyPolicyPages {
    func register(_ routes: RoutesBuilder) {
        let admin = routes.requiring(.adminSettings)
        admin.get("admin", "emergency", use: page)
        admin.post("admin", "emergency", use: save)
    }

    struct StageRow: Encodable { var number: Int; var kind: String; var trigger: String; var sustain: String; var groups: String; var seats: String }
    struct Context: Encodable {
        var page: PageContext; var companyCode: String; var companyName: String
        @NilIfEmpty var companies: [WallboardPages.CompanyChoice]
        var form: EmergencyPolicyForm.Draft; var json: String; var stages: [StageRow]; var night: [StageRow]
        var release: String; var seats: Int; var nightWindow: String; var error: String?
    }

    static func rows(_ stages: [EmergencyStage]) -> [StageRow] {
        stages.enumerated().map { i, s in
            StageRow(number: i + 1, kind: s.kind.label, trigger: "排队 " + s.trigger.text, sustain: "\(EmergencyPolicyForm.minutes(s.sustainSeconds)) 分钟",
                     groups: s.groups.map(\.label).joined(separator: "、"),
                     seats: [s.minSeats, s.maxSeats].compactMap { $0 }.map(String.init).joined(separator: "–"))
        }
    }

    func page(req: Request) async throws -> Response {
        let (company, all) = try await WallboardPages.board(req, code: req.query[String.self, at: "company"])
        return try await render(req, company: company, all: all,
                                policy: try await EmergencyCoordinator.policy(company: try company.requireID(), on: req.db), typed: nil, error: nil)
    }

    /// The saved policy in the side table and the JSON export; the form shows `typed` when a save was refused.
    func render(_ req: Request, company: Company, all: [Company], policy: EmergencyPolicy, typed: [String: String]?,
                error: KefuError?) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(policy), as: UTF8.self)
        let form = typed.map { EmergencyPolicyForm.draft($0, problems: error?.fields ?? []) } ?? EmergencyPolicyForm.draft(policy)
        let ctx = Context(page: PageContext(req, user: try req.user(), title: "应急调度策略"),
                          companyCode: company.code, companyName: company.name,
                          companies: all.count > 1 ? all.map { .init(code: $0.code, name: $0.name, selected: $0.id == company.id) } : [],
                          form: form, json: json,
                          stages: Self.rows(policy.stages), night: Self.rows(policy.nightMode.stages),
                          release: "排队 ≤ \(policy.release.waitingAtMost) 通持续 \(EmergencyPolicyForm.minutes(policy.release.sustainSeconds)) 分钟，\(policy.release.order.label)签出",
                          seats: policy.physicalSeats, nightWindow: policy.nightMode.windowText, error: error?.reason)
        let res = try await req.view.render("emergency_policy", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func save(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let (company, all) = try await WallboardPages.board(req, code: form["company"])
        let companyID = try company.requireID()
        let current = try await EmergencyCoordinator.policy(company: companyID, on: req.db)
        switch EmergencyPolicyForm.policy(form) {
        case .failure(let e):
            return try await render(req, company: company, all: all, policy: current, typed: form, error: e)
        case .success(let policy):
            let json = String(decoding: try JSONEncoder().encode(policy), as: UTF8.self)
            try await req.db.writeTransaction { tx in
                let before = try await CompanySettings.get(EmergencyCoordinator.policyKey, company: companyID, on: tx)
                try await CompanySettings.set(EmergencyCoordinator.policyKey, json, company: companyID, on: tx)
                try await req.history(on: tx).audit(action: "emergency.policy_saved", objectType: "emergency_policy", objectId: company.code,
                                                    before: before, after: json)
            }
            return req.redirect(to: "/admin/emergency?company=" + company.code.urlQueryEncoded, notice: "\(company.name)的应急调度策略已保存")
        }
    }
}
