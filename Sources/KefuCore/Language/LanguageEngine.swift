import Foundation

/// Scores contacts against the service-language rules (M2).
///
/// Built once per lexicon version (compiling the matcher is the expensive
/// part) and then shared: it is immutable, so any number of threads may scan
/// with one instance.
///
/// Rule choices that the seed leaves open, in one place:
/// - Call-script rules (opening, closing, holds, courtesy, verification,
///   hang-up) apply to `channel == "phone"` only; every channel is checked for
///   forbidden phrases, and only in agent utterances.
/// - Opening: the agent's first utterance must hold a greeting (您好/新年好/节日好)
///   plus 为您服务 or the company name (any company name is tolerated through
///   为您服务). If the customer cut in (next segment is the customer, starting
///   before the agent finished), the greeting alone suffices (seed: the opening
///   may be interrupted). Right phrase, wrong greeting for the day →
///   `opening.holiday`, not `opening.missing`.
/// - Closing: the agent's last two utterances together must contain 评价 and
///   再见; 新年/春节愉快 or 节日愉快 must match the day, else `closing.holiday`.
/// - Holds: a hold runs from `hold_start` to `hold_end` (or to the hangup /
///   last segment when never ended). A *reminder* during a wait is any agent
///   utterance that starts inside the hold interval; an agent who unmutes
///   (hold_end) and mutes again (hold_start) starts a new hold, so the break
///   itself is the reminder. Hence `wait.no_reminder` fires for one hold
///   interval longer than 60 s with no agent utterance inside it.
/// - `call.agent_hung_up_first` is excused after the agent announced ending
///   the call (two civility warnings, bad line — R2.6).
public final class LanguageEngine: Sendable {
    public let lexicon: Lexicon
    public let scorecard: Scorecard
    public let calendar: FestivalCalendar
    public let company: String

    let folder: TextFolder
    let forbiddenMatcher: PhraseMatcher
    /// Matcher pattern id → index of the lexicon entry it was expanded from.
    let entryOfPattern: [Int]
    let cues: Cues

    public init(lexicon: Lexicon, scorecard: Scorecard = .standard, calendar: FestivalCalendar = FestivalCalendar(), company: String) {
        self.lexicon = lexicon
        self.scorecard = scorecard
        self.calendar = calendar
        self.company = company
        self.folder = .shared
        let variants = lexicon.forbiddenVariants()
        self.forbiddenMatcher = PhraseMatcher(phrases: variants.map(\.phrase), folder: .shared)
        self.entryOfPattern = variants.map(\.entry)
        self.cues = Cues(lexicon: lexicon, company: company, folder: .shared)
    }

    // MARK: - Public entry points

    /// Scores one contact. `timeZone` is used only when `startedAt` is UTC ("Z").
    /// `protected`: the company's numbers never to be given out (R5.6), checked on every channel.
    public func scan(_ transcript: Transcript, timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!,
                     protected: ProtectedNumbers = .none) -> ContactScore {
        var findings: [Finding] = protected.findings(in: transcript)
        for (index, segment) in transcript.segments.enumerated() where segment.speaker == "agent" {
            if let text = segment.text, !text.isEmpty {
                findings += forbiddenFindings(in: text, segment: index)
            }
        }
        if transcript.channel.lowercased() == "phone" {
            let day = transcript.localDay(defaultTimeZone: timeZone)
            let context = ScanContext(segments: transcript.segments, folder: folder)
            findings += openingFindings(context, day: day)
            findings += closingFindings(context, day: day)
            findings += holdFindings(context)
            findings += courtesyFindings(context)
            findings += verifyFindings(context)
            findings += hangupFindings(context)
        }
        findings.sort { ($0.segment, $0.start, $0.end, $0.rule) < ($1.segment, $1.start, $1.end, $1.rule) }
        return ContactScore(id: transcript.id, score: scorecard.score(findings), findings: findings)
    }

    /// Live check of what an agent is about to send (chat) or just said:
    /// forbidden phrases with the suggested replacement. Segment is 0.
    public func checkText(_ text: String, channel: String, protected: ProtectedNumbers = .none) -> [Finding] {
        (forbiddenFindings(in: text, segment: 0) + protected.findings(in: text, segment: 0)).sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }

    /// The opening the agent should use on `day`, company filled in (for the screen-pop).
    public func openingPhrase(on day: LocalDay) -> String {
        let kind: StandardPhraseKind
        switch calendar.greeting(on: day) {
        case .daily: kind = .opening
        case .newYear: kind = .openingNewYear
        case .festival: kind = .openingFestival
        }
        return fill(template(kind))
    }

    /// The closing the agent should use on `day`.
    public func closingPhrase(on day: LocalDay) -> String {
        let kind: StandardPhraseKind
        switch calendar.greeting(on: day) {
        case .daily: kind = .closing
        case .newYear: kind = .closingNewYear
        case .festival: kind = .closingFestival
        }
        return fill(template(kind))
    }

    /// A standard phrase of `kind` with `{company}` (and `{workId}` if given) filled in.
    public func standardPhrase(_ kind: StandardPhraseKind, workId: String? = nil) -> String? {
        guard lexicon.standard.contains(where: { $0.kind == kind }) || Lexicon.shippedDefault.standard.contains(where: { $0.kind == kind }) else { return nil }
        var text = fill(template(kind))
        if let workId { text = text.replacingOccurrences(of: "{workId}", with: workId) }
        return text
    }

    // MARK: - Forbidden phrases

    func forbiddenFindings(in text: String, segment: Int) -> [Finding] {
        let folded = folder.fold(text)
        let raw = forbiddenMatcher.matches(in: folded, mode: .overlapping)
        if raw.isEmpty { return [] }
        let scalars = Array(text.unicodeScalars)
        let kept = raw.filter { match in
            lexicon.forbidden[entryOfPattern[match.pattern]].whole != true || isWholeClause(scalars, match.start, match.end)
        }
        // Leftmost-longest among the admissible matches: a long phrase wins
        // over the short one inside it (剛才不是我接的電話，我不知道 is one finding).
        let ordered = kept.sorted { $0.start != $1.start ? $0.start < $1.start : ($0.end != $1.end ? $0.end > $1.end : $0.pattern < $1.pattern) }
        var findings: [Finding] = []
        var lastEnd = 0
        for match in ordered where match.start >= lastEnd {
            let entry = lexicon.forbidden[entryOfPattern[match.pattern]]
            var matched = String.UnicodeScalarView()
            matched.append(contentsOf: scalars[match.start..<match.end])
            findings.append(Finding(rule: entry.rule, segment: segment, text: String(matched),
                                    start: match.start, end: match.end, suggestion: entry.suggestion, entry: entry.phrase))
            lastEnd = match.end
        }
        return findings
    }

    /// True when the match is its own clause: only punctuation/space (or the
    /// text edge) around it, allowing up to two interjections before (嗯, 哦 …)
    /// and two sentence-final particles after (啊, 呀, 吧 …).
    func isWholeClause(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int) -> Bool {
        var index = start - 1
        var allowance = 2
        while index >= 0 {
            let folded = folder.fold(scalar: scalars[index].value)
            if folded == TextFolder.skip { break }
            if allowance > 0, cues.interjections.contains(folded) { allowance -= 1; index -= 1; continue }
            return false
        }
        index = end
        allowance = 2
        while index < scalars.count {
            let folded = folder.fold(scalar: scalars[index].value)
            if folded == TextFolder.skip { break }
            if allowance > 0, cues.particles.contains(folded) { allowance -= 1; index += 1; continue }
            return false
        }
        return true
    }

    // MARK: - Templates

    func template(_ kind: StandardPhraseKind) -> String {
        lexicon.standard(kind).first ?? Lexicon.shippedDefault.standard(kind).first ?? ""
    }

    /// Fills `{company}`; without a company name the slot and its comma vanish
    /// ("您好，很高兴为您服务！").
    func fill(_ template: String) -> String {
        if company.isEmpty {
            return template.replacingOccurrences(of: "{company}，", with: "")
                .replacingOccurrences(of: "{company},", with: "")
                .replacingOccurrences(of: "{company}", with: "")
        }
        return template.replacingOccurrences(of: "{company}", with: company)
    }
}
