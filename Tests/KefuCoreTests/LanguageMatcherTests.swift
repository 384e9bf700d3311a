import Foundation
import Testing
@testable import KefuCore

@Suite struct LanguageFoldingTests {
    @Test func foldsTraditionalFullWidthCaseAndSkipsPunctuation() {
        let folder = TextFolder.shared
        #expect(folder.foldedString("我不是已經告訴你了嗎") == "我不是已经告诉你了吗")
        #expect(folder.foldedString("ｎｉ好１２３ＡＢＣ") == "ni好123abc")
        #expect(folder.foldedString("知道了 ， 知道了！") == "知道了知道了")
        #expect(folder.foldedString("～·…—「」“”、。 \t\n") == "")
        #expect(folder.foldedString("機器（系統）有故障") == "机器系统有故障")
    }

    @Test func offsetsPointIntoTheOriginal() {
        let folded = TextFolder.shared.fold("a， 說b")
        #expect(folded.scalars.count == 3)
        #expect(folded.originalOffsets == [0, 3, 4])
    }

    @Test func tableBuildsFast() {
        _ = TextFolder.shared.fold("x")
        #expect(TextFolder.tableBuildSeconds < 1.0)
    }
}

@Suite struct LanguageMatcherTests {
    func texts(_ text: String, _ matches: [PhraseMatch]) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return matches.map { m in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[m.start..<m.end])
            return String(view)
        }
    }

    @Test func leftmostLongestVersusOverlapping() {
        let matcher = PhraseMatcher(phrases: ["我不知道", "不知道", "知道", "剛才不是我接的電話，我不知道"])
        let text = "刚才不是我接的电话，我不知道。"
        let overlapping = matcher.matches(in: text, mode: .overlapping)
        #expect(Set(overlapping.map(\.pattern)) == [0, 1, 2, 3])
        #expect(overlapping.count == 4)
        let leftmost = matcher.matches(in: text, mode: .leftmostLongest)
        #expect(leftmost.map(\.pattern) == [3])
        #expect(texts(text, leftmost) == ["刚才不是我接的电话，我不知道"])
    }

    @Test func leftmostLongestResumesAfterMatch() {
        let matcher = PhraseMatcher(phrases: ["abcde", "ab", "d", "bc"])
        #expect(matcher.matches(in: "abcdx", mode: .leftmostLongest).map(\.pattern) == [1, 2])
        #expect(matcher.matches(in: "abcde", mode: .leftmostLongest).map(\.pattern) == [0])
        let overlap = PhraseMatcher(phrases: ["bcd", "abcdef"])
        #expect(overlap.matches(in: "abcdef", mode: .leftmostLongest).map(\.pattern) == [1])
        #expect(overlap.matches(in: "abcdeg", mode: .leftmostLongest).map(\.pattern) == [0])
    }

    @Test func matchesAcrossSpacesAndVariantsWithOriginalOffsets() {
        let matcher = PhraseMatcher(phrases: ["知道了，知道了，不要再讲了", "我不是已经告诉你了吗"])
        let text = "喂 知道了 ， 知道了 不要再講了！ 我不是已經告訴你了嗎？"
        let found = matcher.matches(in: text, mode: .leftmostLongest)
        #expect(texts(text, found) == ["知道了 ， 知道了 不要再講了", "我不是已經告訴你了嗎"])
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { matcher.countMatches(utf8: $0, mode: .leftmostLongest) } == 2)
        #expect(bytes.withUnsafeBufferPointer { matcher.countMatches(utf8: $0, mode: .overlapping) } == 2)
    }

    @Test func nearMissDoesNotMatch() {
        let matcher = PhraseMatcher(phrases: ["知道了，知道了，不要再讲了"])
        #expect(matcher.matches(in: "我知道了", mode: .overlapping).isEmpty)
        #expect(matcher.matches(in: "知道了，不要再讲了", mode: .overlapping).isEmpty)
    }

    @Test func fullWidthLatinAndDigits() {
        let matcher = PhraseMatcher(phrases: ["ni好", "a20261001778"])
        let text = "ｎｉ好，单号Ａ２０２６１００１７７８"
        #expect(texts(text, matcher.matches(in: text, mode: .leftmostLongest)) == ["ｎｉ好", "Ａ２０２６１００１７７８"])
    }

    @Test func defaultLexiconUsesTheDFAAndBothPathsAgree() {
        let phrases = Lexicon.shippedDefault.forbidden.map(\.phrase)
        let dfa = PhraseMatcher(phrases: phrases)
        let nfa = PhraseMatcher(phrases: phrases, folder: .shared, allowDFA: false)
        #expect(dfa.usesDFA && !nfa.usesDFA)
        let text = String(repeating: "嗯，我不知道。你怎麼還不明白！知道了，知道了，不要再講了 ", count: 50)
        let bytes = Array(text.utf8)
        for mode in [PhraseMatcher.Mode.overlapping, .leftmostLongest] {
            let a = bytes.withUnsafeBufferPointer { dfa.countMatches(utf8: $0, mode: mode) }
            let b = bytes.withUnsafeBufferPointer { nfa.countMatches(utf8: $0, mode: mode) }
            #expect(a == b)
            #expect(a == dfa.matches(in: text, mode: mode).count)
        }
    }

    @Test func emptyAndPunctuationOnlyPatternsNeverMatch() {
        let matcher = PhraseMatcher(phrases: ["", "，。", "好"])
        #expect(matcher.patternCount == 3)
        #expect(matcher.matches(in: "好，。", mode: .overlapping).map(\.pattern) == [2])
        #expect(PhraseMatcher(phrases: []).matches(in: "abc", mode: .overlapping).isEmpty)
    }

    @Test func utf8PathHandlesAstralAndMalformedBytes() {
        let matcher = PhraseMatcher(phrases: ["真烦人", "𠀀a"])
        var bytes = Array("😤真😤烦人 𠀀Ａ".utf8)
        #expect(bytes.withUnsafeBufferPointer { matcher.countMatches(utf8: $0, mode: .overlapping) } == 2)
        bytes += [0xE7, 0x9C]   // truncated sequence at the end
        bytes.insert(0xFF, at: 0)
        #expect(bytes.withUnsafeBufferPointer { matcher.countMatches(utf8: $0, mode: .leftmostLongest) } == 2)
    }

    /// Seeded property test: the automaton agrees with a naive search.
    @Test func agreesWithNaiveSearch() {
        var rng = SimulationRandom(seed: 20_261_001)
        let alphabet: [String] = ["a", "b", "c", "說", "说", "话", "Ａ", "，", " "]
        func word(_ length: Int) -> String {
            (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
        }
        let folder = TextFolder.shared
        for _ in 0..<300 {
            let patterns = (0..<Int(1 + rng.next() % 6)).map { _ in word(Int(1 + rng.next() % 4)) }
            let text = word(Int(rng.next() % 40))
            let folded = folder.fold(text)
            let foldedPatterns = patterns.map { folder.fold($0).scalars }
            // Naive overlapping, in folded positions.
            var naive: [(pattern: Int, start: Int, end: Int)] = []
            for start in 0..<folded.scalars.count {
                for (id, p) in foldedPatterns.enumerated() where !p.isEmpty && start + p.count <= folded.scalars.count {
                    if Array(folded.scalars[start..<start + p.count]) == p { naive.append((id, start, start + p.count)) }
                }
            }
            func mapped(_ list: [(pattern: Int, start: Int, end: Int)]) -> [PhraseMatch] {
                list.map { PhraseMatch(pattern: $0.pattern, start: folded.originalOffsets[$0.start], end: folded.originalOffsets[$0.end - 1] + 1) }
            }
            for allowDFA in [true, false] {
            let matcher = PhraseMatcher(phrases: patterns, folder: .shared, allowDFA: allowDFA)
            #expect(matcher.usesDFA == allowDFA)
            let overlapping = matcher.matches(in: text, mode: .overlapping)
            #expect(Set(overlapping) == Set(mapped(naive)), "overlapping \(patterns) in \(text)")
            #expect(overlapping.count == naive.count)
            // Naive leftmost-longest: leftmost start, longest, lowest id; resume after.
            var selected: [(pattern: Int, start: Int, end: Int)] = []
            var position = 0
            while true {
                let candidates = naive.filter { $0.start >= position }
                guard let best = candidates.min(by: { ($0.start, -$0.end, $0.pattern) < ($1.start, -$1.end, $1.pattern) }) else { break }
                selected.append(best)
                position = best.end
            }
            let leftmost = matcher.matches(in: text, mode: .leftmostLongest)
            #expect(leftmost == mapped(selected), "leftmost \(patterns) in \(text)")
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBufferPointer { matcher.countMatches(utf8: $0, mode: .overlapping) } == naive.count)
            #expect(bytes.withUnsafeBufferPointer { matcher.countMatches(utf8: $0, mode: .leftmostLongest) } == selected.count)
            }
        }
    }
}

