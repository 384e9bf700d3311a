import Foundation

/// Who may administer which companies (R11.2). The operating company's admins run the
/// center: they add client companies and grant their own staff access to them. A client
/// company's admin keeps to their own company: its name, hotline, branches and people.
public enum CompanyAdminRule {
    /// Adding a new client company is the operating company's business.
    public static func mayAddCompanies(homeIsOperator: Bool) -> Bool { homeIsOperator }

    /// Granting and revoking access to companies: only an operating-company admin, and only
    /// for people of the operating company (`CompanyGrantRule`).
    public static func mayGrant(adminHomeIsOperator: Bool) -> Bool { adminHomeIsOperator }

    /// nil when a company or branch name may be saved, otherwise why not.
    public static func nameProblem(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "名称不能为空" }
        if trimmed.count > 100 { return "名称最长 100 个字符" }
        if Validation.hasControlCharacters(trimmed) { return "名称不能包含控制字符" }
        return nil
    }

    /// nil when a hotline may be saved (empty: none yet), otherwise why not.
    public static func hotlineProblem(_ hotline: String) -> String? {
        if hotline.count > 32 { return "热线号码最长 32 个字符" }
        let ok = hotline.unicodeScalars.allSatisfy { s in (s.value >= 0x30 && s.value <= 0x39) || s == "-" || s == " " || s == "+" }
        return ok ? nil : "热线号码只能包含数字、空格、- 和 +"
    }

    /// nil when a welcome template may be saved, otherwise why not.
    public static func welcomeProblem(_ template: String) -> String? {
        if template.trimmingCharacters(in: .whitespaces).isEmpty { return "欢迎词不能为空" }
        if template.count > 200 { return "欢迎词最长 200 个字符" }
        return nil
    }
}
