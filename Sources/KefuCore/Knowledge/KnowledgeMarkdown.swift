import Foundation

/// The Markdown of a knowledge article (R6.1) made into HTML that cannot run anything.
///
/// Editors write articles in a small Markdown: headings, paragraphs, lists, quotes, code,
/// emphasis, links and pictures. Everything else — raw HTML above all — is shown as the
/// text it is. Written by hand because no Markdown package ships with the toolchain here and
/// a general one would have to be trusted to strip HTML; this one never emits a tag it did
/// not write itself, and every piece of the editor's text goes through `escape`.
public enum KnowledgeMarkdown {
    /// Where an article's pictures are served from (`/kb/images/{id}`): the only image source allowed.
    public static let imagePrefix = "/kb/images/"

    public static func html(_ markdown: String) -> String {
        var out = ""
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        var quote: [String] = []
        var code: [String]?

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            out += "<p>" + paragraph.map(inline).joined(separator: "<br>") + "</p>\n"
            paragraph = []
        }
        func flushList() {
            guard let l = list else { return }
            let tag = l.ordered ? "ol" : "ul"
            out += "<\(tag)>" + l.items.map { "<li>\(inline($0))</li>" }.joined() + "</\(tag)>\n"
            list = nil
        }
        func flushQuote() {
            guard !quote.isEmpty else { return }
            out += "<blockquote><p>" + quote.map(inline).joined(separator: "<br>") + "</p></blockquote>\n"
            quote = []
        }
        func flushAll() { flushParagraph(); flushList(); flushQuote() }

        for rawLine in markdown.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var lines = code {
                if trimmed.hasPrefix("```") {
                    out += "<pre><code>" + escape(lines.joined(separator: "\n")) + "</code></pre>\n"
                    code = nil
                } else {
                    lines.append(line)
                    code = lines
                }
                continue
            }
            if trimmed.hasPrefix("```") { flushAll(); code = []; continue }
            if trimmed.isEmpty { flushAll(); continue }
            if let level = headingLevel(trimmed) {
                flushAll()
                let text = trimmed.dropFirst(level).trimmingCharacters(in: .whitespaces)
                // h1 is the article's title on the page: the body's headings start at h2.
                out += "<h\(level + 1)>\(inline(text))</h\(level + 1)>\n"
                continue
            }
            if trimmed == "---" || trimmed == "***" { flushAll(); out += "<hr>\n"; continue }
            if trimmed.hasPrefix(">") {
                flushParagraph(); flushList()
                quote.append(trimmed.dropFirst().trimmingCharacters(in: .whitespaces))
                continue
            }
            if let item = listItem(trimmed) {
                flushParagraph(); flushQuote()
                if list == nil || list?.ordered != item.ordered { flushList(); list = (item.ordered, []) }
                list?.items.append(item.text)
                continue
            }
            flushList(); flushQuote()
            paragraph.append(trimmed)
        }
        if let lines = code { out += "<pre><code>" + escape(lines.joined(separator: "\n")) + "</code></pre>\n" }
        flushAll()
        return out
    }

    /// `#`, `##`, `###` followed by a space.
    static func headingLevel(_ s: String) -> Int? {
        let hashes = s.prefix { $0 == "#" }.count
        guard (1...3).contains(hashes), s.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    static func listItem(_ s: String) -> (ordered: Bool, text: String)? {
        if s.hasPrefix("- ") || s.hasPrefix("* ") { return (false, String(s.dropFirst(2))) }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 3, s.dropFirst(digits.count).hasPrefix(". ") {
            return (true, String(s.dropFirst(digits.count + 2)))
        }
        return nil
    }

    /// Emphasis, code, links and pictures inside a line; all other text escaped.
    static func inline(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        while let c = rest.first {
            if c == "`", let end = rest.dropFirst().firstIndex(of: "`") {
                out += "<code>" + escape(String(rest[rest.index(after: rest.startIndex)..<end])) + "</code>"
                rest = rest[rest.index(after: end)...]
            } else if rest.hasPrefix("**"), let end = rest.dropFirst(2).range(of: "**") {
                out += "<strong>" + inline(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound])) + "</strong>"
                rest = rest[end.upperBound...]
            } else if c == "*", let end = rest.dropFirst().firstIndex(of: "*"), end > rest.index(after: rest.startIndex) {
                out += "<em>" + inline(String(rest[rest.index(after: rest.startIndex)..<end])) + "</em>"
                rest = rest[rest.index(after: end)...]
            } else if let (html, after) = linkOrImage(rest) {
                out += html
                rest = after
            } else {
                out += escape(String(c))
                rest = rest.dropFirst()
            }
        }
        return out
    }

    /// `[text](url)` to a page or a web address; `![alt](/kb/images/ID)` to one of the
    /// article's stored pictures. Anything else is left as text.
    static func linkOrImage(_ s: Substring) -> (String, Substring)? {
        let image = s.hasPrefix("![")
        guard image || s.hasPrefix("[") else { return nil }
        let textStart = s.index(s.startIndex, offsetBy: image ? 2 : 1)
        guard let close = s[textStart...].firstIndex(of: "]"), s[s.index(after: close)...].hasPrefix("("),
              let end = s[close...].firstIndex(of: ")") else { return nil }
        let text = String(s[textStart..<close])
        let url = String(s[s.index(close, offsetBy: 2)..<end]).trimmingCharacters(in: .whitespaces)
        let after = s[s.index(after: end)...]
        if image {
            guard url.hasPrefix(imagePrefix), UUID(uuidString: String(url.dropFirst(imagePrefix.count))) != nil else { return nil }
            return ("<img src=\"\(escape(url))\" alt=\"\(escape(text))\" loading=\"lazy\">", after)
        }
        guard isSafeLink(url) else { return nil }
        let external = !url.hasPrefix("/")
        return ("<a href=\"\(escape(url))\"\(external ? " rel=\"noopener noreferrer\" target=\"_blank\"" : "")>\(inline(text))</a>", after)
    }

    /// http(s) addresses and the center's own pages (`/…`, not `//host`); never `javascript:`.
    static func isSafeLink(_ url: String) -> Bool {
        guard !url.isEmpty, !url.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" }) else { return false }
        let lower = url.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") { return true }
        return url.hasPrefix("/") && !url.hasPrefix("//") && !url.hasPrefix("/\\")
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
