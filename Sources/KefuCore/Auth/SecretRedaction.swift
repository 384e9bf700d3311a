/// Messages that reach a person (error pages, the log a support ticket quotes, a failed
/// command's one line) must not carry credentials. Database URLs are the usual carrier:
/// `postgres://kefu:secret@db/kefu` becomes `postgres://kefu:***@db/kefu`.
public enum SecretRedaction {
    public static func redact(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let scheme = rest.range(of: "://") {
            out += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            // The authority ends at the first '/', whitespace or quote; a password sits
            // between the first ':' and the last '@' inside it.
            let end = rest.firstIndex(where: { $0 == "/" || $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\n" }) ?? rest.endIndex
            let authority = rest[..<end]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                out += authority[..<authority.index(after: colon)] + "***" + authority[at...]
            } else {
                out += authority
            }
            rest = rest[end...]
        }
        out += rest
        // "password=…" in key-value connection strings.
        return redactKeyValue(out, key: "password=")
    }

    private static func redactKeyValue(_ text: String, key: String) -> String {
        guard let r = text.range(of: key, options: .caseInsensitive) else { return text }
        let tail = text[r.upperBound...]
        let end = tail.firstIndex(where: { $0 == " " || $0 == "&" || $0 == ";" || $0 == "\n" }) ?? tail.endIndex
        return String(text[..<r.upperBound]) + "***" + redactKeyValue(String(tail[end...]), key: key)
    }
}
