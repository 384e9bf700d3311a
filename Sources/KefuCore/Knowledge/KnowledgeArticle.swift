import Foundation

/// The knowledge base's rules (R6.1, 002 采编员, 004 第十五条): who submits, who publishes,
/// when an article is in force, and who must confirm having read it.
public enum KnowledgeArticle {
    public static let maxTitle = 100
    public static let maxOfficialWording = 2_000
    public static let maxBody = 50_000

    /// An article's life: written, published (each publish a version), withdrawn.
    public enum Status: String, CaseIterable, Sendable, Codable {
        case draft, published, retired

        public var label: String {
            switch self {
            case .draft: "草稿"
            case .published: "已发布"
            case .retired: "已停用"
            }
        }
    }

    /// What a department liaison sends the editor: a new piece of knowledge or a correction.
    public enum SubmissionKind: String, CaseIterable, Sendable, Codable {
        case new, correction

        public var label: String { self == .new ? "新增知识" : "纠错" }
    }

    public enum SubmissionStatus: String, CaseIterable, Sendable, Codable {
        case pending, accepted, rejected

        public var label: String {
            switch self {
            case .pending: "待处理"
            case .accepted: "已采纳"
            case .rejected: "未采纳"
            }
        }
    }

    /// The editor writes and publishes; the admin may stand in.
    public static func mayPublish(_ role: Role) -> Bool { Permission.knowledgeEdit.isGranted(to: role) }

    /// Liaisons bring their departments' knowledge; the front line and leads report what is
    /// wrong or missing from the calls they take.
    public static func maySubmit(_ role: Role) -> Bool { Permission.knowledgeSubmit.isGranted(to: role) }

    /// Who sees who has not yet confirmed a required article.
    public static func mayFollowReading(_ role: Role) -> Bool { [.teamLead, .shiftLead, .knowledgeEditor, .admin].contains(role) }

    /// The roles that answer customers: by default, everyone of them must read a required article.
    public static let answeringRoles: Set<Role> = [.agent, .vipAgent, .outboundAgent, .teamLead, .shiftLead, .complaintHandler]

    /// Who must confirm a required article (R6.1 "every agent of the affected groups"): the
    /// roles that answer customers, and when the editor named groups, only their members.
    public static func mustRead(role: Role, memberOf groups: Set<AgentGroup>, audience: Set<AgentGroup>) -> Bool {
        answeringRoles.contains(role) && (audience.isEmpty || !groups.isDisjoint(with: audience))
    }

    /// The stored audience ("inbound,vip"; empty: everyone who answers). A name Kefu does not
    /// know is an error, not "everyone": a required article must not silently widen or vanish.
    public static func audience(_ stored: String) throws -> Set<AgentGroup> {
        var out = Set<AgentGroup>()
        for name in stored.split(separator: ",") {
            guard let g = AgentGroup(rawValue: String(name)) else { throw UnknownAudience(name: String(name)) }
            out.insert(g)
        }
        return out
    }

    public static func storedAudience(_ groups: Set<AgentGroup>) -> String {
        AgentGroup.allCases.filter(groups.contains).map(\.rawValue).joined(separator: ",")
    }

    public struct UnknownAudience: Error, Equatable { public let name: String }

    /// In force on `day`: from its effective day, until (not including) its expiry day.
    public static func isInForce(on day: LocalDay, from: LocalDay?, until: LocalDay?) -> Bool {
        if let from, day < from { return false }
        if let until, day >= until { return false }
        return true
    }

    /// What is wrong with a version as the editor typed it: field → message.
    public static func problems(title: String, officialWording: String, body: String, from: LocalDay?, until: LocalDay?) -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        let t = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty || t.count > maxTitle { out.append(("title", "标题须为 1–\(maxTitle) 个字")) }
        if officialWording.count > maxOfficialWording { out.append(("officialWording", "统一口径不超过 \(maxOfficialWording) 字")) }
        if body.count > maxBody { out.append(("body", "正文不超过 \(maxBody) 字")) }
        if officialWording.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            out.append(("body", "统一口径和正文不能都为空"))
        }
        if let from, let until, until <= from { out.append(("expiresOn", "失效日期须晚于生效日期")) }
        return out
    }
}
