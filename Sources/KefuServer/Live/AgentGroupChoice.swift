import Fluent
import Vapor
import KefuCore

/// An agent joining or leaving groups from their own workspace (R3.1: agents sign in and out
/// of seats and groups). The same list the shift lead edits on the wallboard; the VIP group
/// is kept for VIP agents (R3.2), and the leads' own edits still override.
enum AgentGroupChoice {
    struct Choice: Encodable { var field: String; var label: String; var checked: Bool }

    /// Groups this person may put themselves in.
    static func allowed(for role: Role) -> [AgentGroup] {
        switch role {
        case .vipAgent, .teamLead, .shiftLead, .admin: return AgentGroup.allCases
        case .complaintHandler: return [.inbound, .outbound, .floatingExperts, .backOffice]
        default: return [.inbound, .outbound, .floatingExperts]
        }
    }

    static func choices(for user: User, roster: [AgentGroup: [String]]) -> [Choice] {
        allowed(for: user.roleValue).map { Choice(field: "g_" + $0.rawValue, label: $0.label, checked: roster[$0]?.contains(user.workId) == true) }
    }

    /// Sets the person's membership of every group they may choose, in every company their
    /// desk serves (`AgentDesk.companies`: one seat, the same groups); others are untouched.
    static func save(_ req: Request, user: User, form: [String: String]) async throws {
        let allowed = allowed(for: user.roleValue)
        let chosen = Set(allowed.filter { ["on", "true", "1"].contains(form["g_" + $0.rawValue] ?? "") })
        let companies = try await AgentDesk.companies(req).compactMap(\.id)
        try await req.db.writeTransaction { tx in
            for company in companies {
                var roster = try await EmergencyCoordinator.roster(company: company, on: tx)
                for g in allowed {
                    var members = roster[g] ?? []
                    members.removeAll { $0 == user.workId }
                    if chosen.contains(g) { members.append(user.workId) }
                    roster[g] = members.isEmpty ? nil : members
                }
                try await EmergencyCoordinator.saveRoster(roster, company: company, on: tx)
            }
            try await req.history(on: tx).audit(action: "live.groups_chosen", objectType: "agent_groups", objectId: user.workId,
                                                after: chosen.map(\.label).sorted().joined(separator: "、"))
        }
    }
}
