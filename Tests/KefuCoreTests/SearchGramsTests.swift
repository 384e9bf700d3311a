import Foundation
import Testing
@testable import KefuCore

/// The grams must give substring search: every piece of two or more characters of a row's
/// text finds the row, and nothing else does. Checked with the engines' phrase rule (the
/// phrase's tokens next to each other) applied in memory.
@Suite struct SearchGramsTests {
    let company = UUID()

    /// What FTS5 and PostgreSQL answer for one document: every phrase occurs as neighbours.
    func matches(_ query: SearchQuery, _ document: String, companies: Set<UUID>? = nil) -> Bool {
        let tokens = document.split(separator: " ").map(String.init)
        if let companies, !companies.contains(where: { tokens.contains(SearchGrams.companyToken($0)) }) { return false }
        return query.phrases.allSatisfy { phrase in
            guard phrase.count <= tokens.count else { return false }
            return (0...(tokens.count - phrase.count)).contains { start in
                phrase.indices.allSatisfy { tokens[start + $0] == phrase[$0] }
            }
        }
    }

    func finds(_ q: String, in texts: [String]) -> Bool {
        guard let query = SearchGrams.query(q) else { return false }
        return matches(query, SearchGrams.document(texts, company: company))
    }

    @Test(arguments: ["宽带", "退费", "宽带故障", "带故障报", "13800", "0013", "38", "GD20261123-0007", "gd2026", "張三", "ＡＢＣ"])
    func aPieceOfTheTextFindsIt(_ q: String) {
        let texts = ["GD20261123-0007", "宽带故障报修，要求退费", "张三 abc 13800138000"]
        #expect(finds(q, in: texts), "\(q)")
    }

    @Test(arguments: ["宽费", "故障退", "13900", "8000x", "报修要", "带故障修"])
    func whatIsNotInTheTextDoesNot(_ q: String) {
        #expect(!finds(q, in: ["宽带故障报修，要求退费", "13800138000"]), "\(q)")
    }

    @Test func wordsAreFoundInAnyOrderButNotAcrossAGap() {
        #expect(finds("退费 宽带", in: ["宽带故障，退费"]))
        // 障退 spans the comma: the text never says it.
        #expect(!finds("障退", in: ["宽带故障，退费"]))
        // A word that ends one run and one that starts the next are not a phrase.
        #expect(!finds("abc", in: ["xab bcy"]))
    }

    @Test func oneCharacterIsNoQuery() {
        #expect(SearchGrams.query("宽") == nil)
        #expect(SearchGrams.query(" 宽 ， 1 ") == nil)
        #expect(SearchGrams.query("") == nil)
    }

    @Test func theCompanyTokenScopesTheSearch() throws {
        let other = UUID()
        let doc = SearchGrams.document(["宽带故障"], company: company)
        let q = try #require(SearchGrams.query("宽带"))
        #expect(matches(q, doc, companies: [company]))
        #expect(!matches(q, doc, companies: [other]))
        #expect(q.fts5(companies: [company]).hasPrefix("(c"))
        #expect(q.fts5(companies: []).hasPrefix("cnone"))
        #expect(q.tsquery(companies: nil) == "(" + q.phrases[0].joined(separator: " <-> ") + ")")
    }

    @Test func gramsAreLettersOnly() {
        let doc = SearchGrams.document(["宽带 GD2026 😀😀 ａｂ"], company: company)
        #expect(doc.unicodeScalars.allSatisfy { ($0.value >= 97 && $0.value <= 122) || $0 == " " })
    }

    /// Random Chinese text: every substring of 2–6 characters is found; a random pair of
    /// characters is found exactly when it is in the text.
    @Test func randomTextBehavesLikeSubstringSearch() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("宽带故障退费话费套餐停机网络信号电视报修投诉咨询0123456789")
        for _ in 0..<200 {
            let text = String((0..<Int.random(in: 5...40, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
            let chars = Array(text)
            let start = Int.random(in: 0..<(chars.count - 1), using: &rng)
            let length = Int.random(in: 2...min(6, chars.count - start), using: &rng)
            let piece = String(chars[start..<(start + length)])
            #expect(finds(piece, in: [text]), "\(piece) in \(text)")
            let pair = String([alphabet[Int.random(in: 0..<alphabet.count, using: &rng)], alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]])
            #expect(finds(pair, in: [text]) == text.contains(pair), "\(pair) in \(text)")
        }
    }
}

@Suite struct SearchSnippetTests {
    @Test func theFirstMatchIsMarkedInTheTextsOwnCharacters() {
        let pieces = SearchSnippet.pieces("客户反映寬帶故障，要求退费", query: "宽带 退费")
        #expect(pieces.filter(\.mark).map(\.text) == ["寬帶", "退费"])
        #expect(pieces.map(\.text).joined() == "客户反映寬帶故障，要求退费")
    }

    @Test func aLongTextIsCutAroundTheMatch() {
        let text = String(repeating: "一", count: 200) + "宽带" + String(repeating: "二", count: 200)
        let pieces = SearchSnippet.pieces(text, query: "宽带", width: 40)
        #expect(pieces.first?.text == "…" && pieces.last?.text == "…")
        #expect(pieces.contains(.init("宽带", mark: true)))
        #expect(pieces.map(\.text).joined().count <= 42)
    }

    @Test func noMatchShowsTheStart() {
        #expect(SearchSnippet.pieces("abc", query: "xy") == [.init("abc", mark: false)])
        #expect(SearchSnippet.pieces("", query: "xy").isEmpty)
    }
}
