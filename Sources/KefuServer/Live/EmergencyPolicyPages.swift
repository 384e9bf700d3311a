import Vapor
import Fluent
import KefuCore

/// The admin's editor of the staged emergency staffing policy (R3.4: thresholds, durations
/// and group order are editable). The policy is JSON validated by KefuCore; a readable
/// table of the ladder sits beside it, and every save is audited.
struct EmergencyPolicyPages {
    func register(_ routes: RoutesBuilder) {
        let admin = routes.requiring(.adminSettings)
        admin.get("admin", "emergency", use: page)
        admin.post("admin", "emergency", use: save)
    }

    struct StageRow: Encodable { var number: Int; var kind: String; var trigger: String; var sustain: String; var groups: String; var seats: String }
    struct Context: Encodable {
        var page: PageContext; var json: String; var stages: [StageRow]; var night: [StageRow]; var release: String
        var seats: Int; var nightWindow: String; var error: String?
    }

    static func rows(_ stages: [EmergencyStage]) -> [StageRow] {
        stages.enumerated().map { i, s in
            StageRow(number: i + 1, kind: s.kind.label, trigger: "排队 " + s.trigger.text, sustain: "\(s.sustainSeconds) 秒",
                     groups: s.groups.map(\.label).joined(separator: "、"),
                     seats: [s.minSeats, s.maxSeats].compactMap { $0 }.map(String.init).joined(separator: "–"))
        }
    }

    func page(req: Request) async throws -> Response {
        try await render(req, policy: try await EmergencyCoordinator.policy(on: req.db), draft: nil, error: nil)
    }

    func render(_ req: Request, policy: EmergencyPolicy, draft: String?, error: KefuError?) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let current = String(decoding: try encoder.encode(policy), as: UTF8.self)
        let json = draft ?? current
        let ctx = Context(page: PageContext(req, user: try req.user(), title: "应急调度策略"), json: json, stages: Self.rows(policy.stages),
                          night: Self.rows(policy.nightMode.stages),
                          release: "排队 ≤ \(policy.release.waitingAtMost) 通持续 \(policy.release.sustainSeconds) 秒，按\(policy.release.order == .reverse ? "签入的相反顺序" : "签入顺序")签出",
                          seats: policy.physicalSeats, nightWindow: policy.nightMode.windowText, error: error?.reason)
        let res = try await req.view.render("emergency_policy", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func save(req: Request) async throws -> Response {
        struct Form: Content { var json: String? }
        let text = (try req.content.decode(Form.self)).json ?? ""
        let current = try await EmergencyCoordinator.policy(on: req.db)
        do {
            let policy: EmergencyPolicy
            do { policy = try JSONDecoder().decode(EmergencyPolicy.self, from: Data(text.utf8)) } catch {
                throw KefuError.invalid([.init(field: "json", message: "策略须为有效的 JSON（可先复制现行策略再修改）：\(error)")])
            }
            let problems = policy.validate()
            if !problems.isEmpty { throw KefuError.invalid(problems.map(FieldProblemDTO.init)) }
            let json = String(decoding: try JSONEncoder().encode(policy), as: UTF8.self)
            try await req.db.writeTransaction { tx in
                let before = try await AppSettings.get(EmergencyCoordinator.policyKey, on: tx)
                try await AppSettings.set(EmergencyCoordinator.policyKey, json, on: tx)
                try await req.history(on: tx).audit(action: "emergency.policy_saved", objectType: "emergency_policy", objectId: nil,
                                                    before: before, after: json)
            }
            return req.redirect(to: "/admin/emergency", notice: "应急调度策略已保存")
        } catch let e as KefuError {
            return try await render(req, policy: current, draft: text, error: e)
        }
    }
}
