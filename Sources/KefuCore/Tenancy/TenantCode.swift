/// The short code a company or branch is named by on the command line, in the API
/// (`companyCode`, `branchCode`) and in `?branch=`: letters, digits, `-` and `_`, so it can
/// travel in a URL and a CSV cell without quoting.
public enum TenantCode {
    public static let maxLength = 32

    /// nil when valid, otherwise the reason in Chinese.
    public static func problem(_ code: String) -> String? {
        if code.isEmpty { return "代码不能为空" }
        if code.count > maxLength { return "代码最长 \(maxLength) 个字符" }
        let ok = code.unicodeScalars.allSatisfy { s in
            (s.value >= 0x30 && s.value <= 0x39) || (s.value >= 0x41 && s.value <= 0x5A)
                || (s.value >= 0x61 && s.value <= 0x7A) || s == "-" || s == "_"
        }
        return ok ? nil : "代码只能包含字母、数字、- 和 _"
    }
}
