import Foundation

/// 班组: the agents a team lead (话务班长) leads. Seed 002 has the team lead look after their
/// own agents — their daily figures (R10.3), their QC results (R2.10) — so a team is the
/// unit a team lead's view is cut to, while shift leads and the office read the whole floor.
public enum TeamRules {
    public static let maxNameLength = 20

    /// Who sits in a team.
    public static let memberRoles: [Role] = Role.seated
    /// Who leads one.
    public static let leadRole: Role = .teamLead

    public static func checkName(_ raw: String?) -> FieldProblem? {
        Validation.checkLine(raw, field: "name", label: "班组名称", max: maxNameLength)
    }

    /// Why `role` may not be a member, or nil when it may.
    public static func memberProblem(_ workId: String, role: Role) -> FieldProblem? {
        memberRoles.contains(role) ? nil
            : FieldProblem(field: "members", message: "\(workId) 是\(role.label)，班组成员须为话务员、VIP话务员或外呼话务员")
    }

    public static func leadProblem(_ workId: String, role: Role) -> FieldProblem? {
        role == leadRole ? nil : FieldProblem(field: "lead", message: "\(workId) 是\(role.label)，班组须由话务班长带领")
    }
}

/// Whose daily figures a person sees (R10.3): "each agent sees theirs before leaving, team
/// leads see their team's"; those who run the floor (shift leads, QC, planners, the admin)
/// see everyone's.
public enum AgentDayAudience: Equatable, Sendable {
    case own, team, center

    public init(_ role: Role) {
        if role == TeamRules.leadRole { self = .team }
        else if Permission.reportsRead.roles.contains(role) { self = .center }
        else { self = .own }
    }

    /// Whether one whose audience this is may read `workId`'s day; `team` is the work IDs of
    /// the team the viewer leads (empty when they lead none).
    public func mayRead(_ workId: String, viewer: String, team: Set<String>) -> Bool {
        switch self {
        case .own: workId == viewer
        case .team: workId == viewer || team.contains(workId)
        case .center: true
        }
    }
}
