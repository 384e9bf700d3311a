import Foundation

/// Who the customer is (R5.1): a person or an organisation (a company, a school, a
/// residents' committee), which decides how the record is addressed and verified.
public enum CustomerKind: String, Sendable, Codable, CaseIterable {
    case person, organisation
    public var label: String { self == .person ? "个人" : "单位" }
}

/// The contact numbers and addresses beyond the main and second phone (R5.1: several phones
/// and e-mail addresses), and the record's classification fields, checked one way.
public enum CustomerContactRules {
    public static let maxPhones = 10
    public static let maxEmails = 10
    public static let maxTags = 20
    public static let maxTagLength = 20
    public static let maxNotes = 2_000

    /// Plain and strict enough for a service center: one @, a dotted domain, no spaces.
    public static func isValidEmail(_ raw: String) -> Bool {
        let s = raw.trimmingCharacters(in: .whitespaces)
        guard s.unicodeScalars.count <= 254, !s.contains(where: { $0.isWhitespace || $0.isNewline }) else { return false }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }
    }

    public static func normalizeEmail(_ raw: String) -> String { raw.trimmingCharacters(in: .whitespaces).lowercased() }

    public static func problems(phones: [String]?, emails: [String]?, prefix: String = "") -> [FieldProblem] {
        var out: [FieldProblem] = []
        if let phones {
            if phones.count > maxPhones { out.append(.init(field: prefix + "phones", message: "其他电话最多 \(maxPhones) 个")) }
            for p in phones where !Validation.isValidPhone(p) || p.unicodeScalars.count > 40 {
                out.append(.init(field: prefix + "phones", message: "电话格式不正确：\(p.prefix(40))"))
            }
        }
        if let emails {
            if emails.count > maxEmails { out.append(.init(field: prefix + "emails", message: "电子邮箱最多 \(maxEmails) 个")) }
            for e in emails where !isValidEmail(e) {
                out.append(.init(field: prefix + "emails", message: "电子邮箱格式不正确：\(e.prefix(60))"))
            }
        }
        return out
    }

    /// Tags as the form sends them ("宽带, 老客户，投诉敏感"): split, trimmed, deduplicated.
    public static func tags(_ raw: String) -> [String] {
        var seen: Set<String> = []
        return raw.split(whereSeparator: { ",，、;；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    public static func tagProblems(_ tags: [String]) -> [FieldProblem] {
        var out: [FieldProblem] = []
        if tags.count > maxTags { out.append(.init(field: "tags", message: "标签最多 \(maxTags) 个")) }
        for t in tags where t.unicodeScalars.count > maxTagLength || Validation.hasControlCharacters(t) {
            out.append(.init(field: "tags", message: "标签过长或含控制字符：\(t.prefix(20))"))
        }
        return out
    }
}

extension Masking {
    /// w***@example.com: enough to confirm with the caller, not to write to them.
    public static func email(_ s: String) -> String {
        guard let at = s.firstIndex(of: "@") else { return String(repeating: "*", count: s.count) }
        let local = s[s.startIndex..<at]
        return String(local.prefix(1)) + "***" + String(s[at...])
    }
}
