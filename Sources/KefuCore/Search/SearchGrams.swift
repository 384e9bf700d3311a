import Foundation

/// Chinese substring search on full-text engines that split text into words.
///
/// SQLite FTS5 and PostgreSQL's text search index *tokens*; Chinese has no spaces, and their
/// trigram options (FTS5 `trigram`, `pg_trgm`) cannot answer a two-character query such as
/// 宽带 or 退费 without reading every row. So Kefu cuts the text into its own tokens: every
/// two neighbouring characters (a bigram), plus every three neighbouring Latin letters or
/// digits (a trigram: with ten digits, bigrams of a phone number are far too common to find
/// one number quickly). A query becomes phrases of the same grams ("宽带费" = 宽带 then 带费,
/// next to each other), which both engines answer from their index, newest rows first.
///
/// Each gram is spelled with the letters a–z only, so both engines' plain tokenizers (FTS5
/// `ascii`, PostgreSQL `simple`) keep it whole whatever the database's locale.
public enum SearchGrams {
    /// Fewer characters than this in every word of a query finds nothing (and is refused).
    public static let minimumQueryCharacters = 2
    /// The longest query: longer text is not a search but a paste.
    public static let maximumQueryCharacters = 100

    /// Separates runs (and the bigram and trigram sections) so no phrase spans a gap.
    static let boundary = "q"

    /// The document tokens of one row: `texts` folded as the language check folds them
    /// (traditional→simplified, full→half width, lower case; spaces and punctuation split
    /// words), and the company's token so a search is scoped inside the index.
    public static func document(_ texts: [String], company: UUID) -> String {
        ([companyToken(company), boundary] + grams(texts)).joined(separator: " ")
    }

    /// The grams of `texts` in order: bigrams, then Latin trigrams, each run closed by `boundary`.
    static func grams(_ texts: [String]) -> [String] {
        let runs = texts.flatMap(Self.runs)
        var bigrams: [String] = [], trigrams: [String] = []
        for run in runs {
            if run.count >= 2 {
                for i in 0..<(run.count - 1) { bigrams.append(bigram(run[i], run[i + 1])) }
                bigrams.append(boundary)
            }
            // Latin letters and digits also as trigrams, per stretch of them inside the run.
            var start = 0
            while start < run.count {
                var end = start
                while end < run.count, isASCIIWord(run[end]) { end += 1 }
                if end - start >= 3 {
                    for i in start..<(end - 2) { trigrams.append(trigram(run[i], run[i + 1], run[i + 2])) }
                    trigrams.append(boundary)
                }
                start = end + 1
            }
        }
        return bigrams + [boundary] + trigrams
    }

    /// The token naming a company inside the index.
    public static func companyToken(_ id: UUID) -> String {
        "c" + String(id.uuidString.lowercased().unicodeScalars.compactMap { s -> Character? in
            guard let v = hexValue(s) else { return nil }
            return Character(Unicode.Scalar(UInt8(97 + v)))
        })
    }

    /// The query's phrases, or nil when no word has two characters.
    public static func query(_ text: String) -> SearchQuery? {
        var phrases: [[String]] = []
        for run in runs(text) where run.count >= minimumQueryCharacters {
            if run.count >= 3, run.allSatisfy(isASCIIWord) {
                phrases.append((0..<(run.count - 2)).map { trigram(run[$0], run[$0 + 1], run[$0 + 2]) })
            } else {
                phrases.append((0..<(run.count - 1)).map { bigram(run[$0], run[$0 + 1]) })
            }
        }
        guard !phrases.isEmpty else { return nil }
        // The same word twice narrows nothing.
        var seen = Set<[String]>()
        return SearchQuery(phrases: phrases.filter { seen.insert($0).inserted })
    }

    // MARK: cutting

    /// Folded words: runs of characters between spaces and punctuation.
    static func runs(_ text: String) -> [[UInt32]] {
        var runs: [[UInt32]] = [], current: [UInt32] = []
        for scalar in text.unicodeScalars {
            let folded = TextFolder.shared.fold(scalar: scalar.value)
            if folded == TextFolder.skip || scalar.properties.isWhitespace {
                if !current.isEmpty { runs.append(current); current = [] }
            } else {
                current.append(folded)
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    static func isASCIIWord(_ v: UInt32) -> Bool {
        (v >= 48 && v <= 57) || (v >= 97 && v <= 122) || (v >= 65 && v <= 90)
    }

    static func bigram(_ a: UInt32, _ b: UInt32) -> String { "b" + letters(a) + letters(b) }
    static func trigram(_ a: UInt32, _ b: UInt32, _ c: UInt32) -> String { "t" + letters(a) + letters(b) + letters(c) }

    /// A scalar in letters: four for the Basic Multilingual Plane (26⁴ > 65,536; its first
    /// letter is at most "d"), "z" and five beyond it, so a gram reads back one way only.
    static func letters(_ value: UInt32) -> String {
        var v = value, out = [UInt8]()
        let width = value < 0x1_0000 ? 4 : 5
        for _ in 0..<width { out.append(UInt8(97 + v % 26)); v /= 26 }
        if width == 5 { out.append(UInt8(ascii: "z")) }
        return String(decoding: out.reversed(), as: UTF8.self)
    }

    static func hexValue(_ s: Unicode.Scalar) -> Int? {
        switch s.value {
        case 48...57: Int(s.value - 48)
        case 97...102: Int(s.value - 87)
        default: nil
        }
    }
}

/// A parsed search: every phrase must occur (in any order), each phrase's grams next to each other.
public struct SearchQuery: Equatable, Sendable {
    public var phrases: [[String]]

    /// SQLite FTS5 `MATCH` text: the phrases, and one of the companies when the scope has a list.
    public func fts5(companies: Set<UUID>?) -> String {
        var parts = phrases.map { "\"" + $0.joined(separator: " ") + "\"" }
        if let companies { parts.insert(Self.companyGroup(companies, or: " OR "), at: 0) }
        return parts.joined(separator: " AND ")
    }

    /// PostgreSQL `to_tsquery('simple', …)` text: `<->` is "the next token".
    public func tsquery(companies: Set<UUID>?) -> String {
        var parts = phrases.map { "(" + $0.joined(separator: " <-> ") + ")" }
        if let companies { parts.insert(Self.companyGroup(companies, or: " | "), at: 0) }
        return parts.joined(separator: " & ")
    }

    /// No company at all matches nothing: a token no document carries.
    static func companyGroup(_ companies: Set<UUID>, or: String) -> String {
        guard !companies.isEmpty else { return "cnone" }
        return "(" + companies.map(SearchGrams.companyToken).sorted().joined(separator: or) + ")"
    }
}
