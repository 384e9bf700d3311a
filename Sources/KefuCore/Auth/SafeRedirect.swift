/// Where a browser may be sent after signing in: a path on this site, never another origin.
/// Browsers treat `//host`, `/\host` and `\\host` (and the same with tabs or newlines mixed
/// in) as links to another site, so only a plain absolute path of printable characters
/// passes; anything else falls back to the role's home page.
public enum SafeRedirect {
    public static func localPath(_ candidate: String?) -> String? {
        guard let candidate, candidate.hasPrefix("/"), candidate.count <= 2000 else { return nil }
        let scalars = candidate.unicodeScalars
        if scalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0 == "\\" }) { return nil }
        if candidate.hasPrefix("//") { return nil }
        // Percent-encoded slashes and backslashes are decoded by some servers before routing.
        let lower = candidate.lowercased()
        if lower.hasPrefix("/%2f") || lower.hasPrefix("/%5c") || lower.contains("%5c") { return nil }
        return candidate
    }
}
