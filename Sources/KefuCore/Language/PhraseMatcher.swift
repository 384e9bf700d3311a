import Foundation

/// One occurrence of a pattern.
public struct PhraseMatch: Sendable, Hashable {
    /// Index into the `phrases` the matcher was built with.
    public var pattern: Int
    /// Unicode-scalar offset in the original text.
    public var start: Int
    /// Exclusive end, Unicode-scalar offset in the original text.
    public var end: Int

    public init(pattern: Int, start: Int, end: Int) {
        self.pattern = pattern
        self.start = start
        self.end = end
    }
}

/// Finds many phrases at once in folded text (R2.8, R2.11).
///
/// Written by hand rather than taken from a package: there is no maintained
/// Swift Aho-Corasick package with a Unicode-scalar alphabet, a compact layout
/// and leftmost-longest semantics; the well-known peers (daachorse,
/// aho-corasick, hyperscan) are Rust/C libraries that a plain-Foundation
/// Swift target cannot use. The layout follows daachorse: scalars are mapped
/// to a compact alphabet of the characters that occur in patterns (anything
/// else means "no edge" and sends the automaton to the root at once), the
/// root has a dense transition table, and the other states live in a
/// double array (`base[s] + class` with a `check` array) with failure links.
/// When states × alphabet is small (any realistic service lexicon), a full
/// DFA with power-of-two rows is built as well, so the UTF-8 counting loop is
/// decode → one class-table load → one transition load, with no failure loop
/// and no branch for skipped punctuation. Folding happens inline through a
/// per-matcher 64 K table (fold + alphabet in one load), so scanning UTF-8
/// allocates nothing.
public struct PhraseMatcher: Sendable {
    /// How overlapping occurrences are reported.
    public enum Mode: Sendable {
        /// Non-overlapping: the leftmost-starting match, the longest among
        /// those, then scanning resumes after it (as daachorse /
        /// aho-corasick's `LeftmostLongest`). This is what a reader perceives
        /// as "the phrase that was said".
        case leftmostLongest
        /// Every occurrence of every pattern, including ones inside others.
        case overlapping
    }

    let automaton: Automaton
    let folder: TextFolder

    /// Builds the automaton; patterns that fold to nothing never match.
    public init(phrases: [String], folder: TextFolder = .shared) {
        self.init(phrases: phrases, folder: folder, allowDFA: true)
    }

    /// `allowDFA: false` forces the double-array path (tests cover both).
    init(phrases: [String], folder: TextFolder, allowDFA: Bool) {
        self.folder = folder
        self.automaton = Automaton(patterns: phrases.map { folder.fold($0).scalars }, folder: folder, allowDFA: allowDFA)
    }

    /// Whether the full transition table is in use (small lexicons).
    var usesDFA: Bool { automaton.dfa != nil }

    public var patternCount: Int { automaton.patternCount }

    /// All matches with offsets into the ORIGINAL text (Unicode scalars, end exclusive),
    /// sorted by start, then end.
    public func matches(in text: String, mode: Mode) -> [PhraseMatch] {
        matches(in: folder.fold(text), mode: mode)
    }

    /// Same as `matches(in:mode:)` for text folded already (the engine folds once per segment).
    public func matches(in folded: FoldedText, mode: Mode) -> [PhraseMatch] {
        let raw = automaton.matches(folded: folded.scalars, mode: mode)
        let offsets = folded.originalOffsets
        return raw.map { PhraseMatch(pattern: $0.pattern, start: offsets[$0.start], end: offsets[$0.end - 1] + 1) }
    }

    /// Counts matches directly on UTF-8 bytes, folding inline, without allocating.
    /// The benchmark uses this; malformed UTF-8 bytes count as non-matching characters.
    public func countMatches(utf8: UnsafeBufferPointer<UInt8>, mode: Mode) -> Int {
        guard let base = utf8.baseAddress, utf8.count > 0 else { return 0 }
        switch mode {
        case .overlapping: return automaton.countOverlapping(base, utf8.count)
        case .leftmostLongest: return automaton.countLeftmostLongest(base, utf8.count)
        }
    }
}
