import Foundation

/// Canned replies (快捷回复, R6.3): what a chat agent who cannot type fast picks by typing
/// `/` and a few letters. A reply is the agent's own or shared by the center; its text may
/// name the customer, the agent and today's greeting, filled in when it is picked.
public enum CannedReply {
    public static let maxShortcut = 20
    public static let maxTitle = 50
    public static let maxText = 1000

    /// The variables a reply may use, as written in its text.
    public enum Variable: String, CaseIterable, Sendable {
        case customerName = "客户姓名"
        case workId = "工号"
        case greeting = "问候语"

        public var token: String { "{\(rawValue)}" }
    }

    /// The greeting a day calls for, as the agent says it (R2.1, R2.2).
    public static func greeting(_ kind: GreetingKind) -> String {
        switch kind {
        case .daily: "您好"
        case .newYear: "新年好"
        case .festival: "节日好"
        }
    }

    /// The text with its variables filled in; a customer without a name is 先生/女士.
    public static func expand(_ text: String, customerName: String?, workId: String, greeting: GreetingKind) -> String {
        let name = customerName.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } ?? "先生/女士"
        return text
            .replacingOccurrences(of: Variable.customerName.token, with: name)
            .replacingOccurrences(of: Variable.workId.token, with: workId)
            .replacingOccurrences(of: Variable.greeting.token, with: Self.greeting(greeting))
    }

    /// What is wrong with a reply as typed: field → message, empty when it may be saved
    /// (the language check comes after, on the server, with the company's lexicon).
    public static func problems(shortcut: String, title: String, text: String) -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        let s = shortcut.trimmingCharacters(in: .whitespaces)
        if s.isEmpty || s.count > maxShortcut || s.contains(where: { $0.isWhitespace || $0 == "/" }) {
            out.append(("shortcut", "快捷码须为 1–\(maxShortcut) 个字符，不含空格和 /"))
        }
        let t = title.trimmingCharacters(in: .whitespaces)
        if t.isEmpty || t.count > maxTitle { out.append(("title", "标题须为 1–\(maxTitle) 个字")) }
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.isEmpty || body.count > maxText { out.append(("text", "内容须为 1–\(maxText) 个字")) }
        let control = { (v: String, allowed: Set<Unicode.Scalar>) in
            v.unicodeScalars.contains { $0.properties.generalCategory == .control && !allowed.contains($0) }
        }
        if control(shortcut, []) { out.append(("shortcut", "快捷码不能含控制字符")) }
        if control(title, []) { out.append(("title", "标题不能含控制字符")) }
        if control(text, ["\n", "\r", "\t"]) { out.append(("text", "内容不能含控制字符（换行除外）")) }
        if let unknown = unknownVariables(body).first {
            out.append(("text", "未知的变量 {\(unknown)}，可用：\(Variable.allCases.map(\.token).joined(separator: "、"))"))
        }
        return out
    }

    /// Names in braces that are not variables.
    public static func unknownVariables(_ text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            let name = String(after[..<close])
            if Variable(rawValue: name) == nil { names.append(name) }
            rest = after[after.index(after: close)...]
        }
        return names
    }

    /// Who may keep the center's shared replies: the knowledge editor (采编) and the leads.
    public static func mayKeepShared(_ role: Role) -> Bool {
        [.knowledgeEditor, .teamLead, .shiftLead, .admin].contains(role)
    }
}
