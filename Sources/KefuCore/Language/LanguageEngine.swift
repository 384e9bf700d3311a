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
    let cues: Cues

    public init(lexicon: Lexicon, scorecard: Scorecard = .standard, calendar: FestivalCalendar = FestivalCalendar(), company: String) {
        self.lexicon = lexicon
        self.scorecard = scorecard
        self.calendar = calendar
        self.company = company
        self.folder = .shared
        self.forbiddenMatcher = PhraseMatcher(phrases: lexicon.forbidden.map(\.phrase), folder: .shared)
        self.cues = Cues(lexicon: lexicon, company: company, folder: .shared)
    }

    // MARK: - Public entry points

    /// Scores one contact. `timeZone` is used only when `startedAt` is UTC ("Z").
    public func scan(_ transcript: Transcript, timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) -> ContactScore {
        var findings: [Finding] = []
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
    public func checkText(_ text: String, channel: String) -> [Finding] {
        forbiddenFindings(in: text, segment: 0)
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
            lexicon.forbidden[match.pattern].whole != true || isWholeClause(scalars, match.start, match.end)
        }
        // Leftmost-longest among the admissible matches: a long phrase wins
        // over the short one inside it (剛才不是我接的電話，我不知道 is one finding).
        let ordered = kept.sorted { $0.start != $1.start ? $0.start < $1.start : ($0.end != $1.end ? $0.end > $1.end : $0.pattern < $1.pattern) }
        var findings: [Finding] = []
        var lastEnd = 0
        for match in ordered where match.start >= lastEnd {
            let entry = lexicon.forbidden[match.pattern]
            var matched = String.UnicodeScalarView()
            matched.append(contentsOf: scalars[match.start..<match.end])
            findings.append(Finding(rule: entry.rule, segment: segment, text: String(matched),
                                    start: match.start, end: match.end, suggestion: entry.suggestion))
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

    // MARK: - Call-script rules (phone)

    func openingFindings(_ context: ScanContext, day: LocalDay?) -> [Finding] {
        let suggestion = day.map { openingPhrase(on: $0) } ?? fill(template(.opening))
        guard let first = context.agentUtterances.first else {
            return [Finding(rule: QARule.openingMissing.rawValue, segment: 0, text: "", start: 0, end: 0, suggestion: suggestion)]
        }
        let folded = context.folded[first]
        let greeting: GreetingKind?
        if cues.newYearGreeting.contains(where: { folded.containsRun($0) }) {
            greeting = .newYear
        } else if cues.festivalGreeting.contains(where: { folded.containsRun($0) }) {
            greeting = .festival
        } else if cues.dailyGreeting.contains(where: { folded.containsRun($0) }) {
            greeting = .daily
        } else {
            greeting = nil
        }
        let hasService = cues.service.contains(where: { folded.containsRun($0) })
        let segments = context.segments
        let interrupted = first + 1 < segments.count && segments[first + 1].speaker == "customer"
            && segments[first + 1].start < segments[first].end
        guard let greeting, hasService || interrupted else {
            return [context.finding(.openingMissing, first, suggestion: suggestion)]
        }
        if let day, greeting != calendar.greeting(on: day) {
            return [context.finding(.openingHoliday, first, suggestion: suggestion)]
        }
        return []
    }

    func closingFindings(_ context: ScanContext, day: LocalDay?) -> [Finding] {
        let suggestion = day.map { closingPhrase(on: $0) } ?? fill(template(.closing))
        guard let last = context.agentUtterances.last else {
            return [Finding(rule: QARule.closingMissing.rawValue, segment: 0, text: "", start: 0, end: 0, suggestion: suggestion)]
        }
        let tail = context.agentUtterances.suffix(2).flatMap { context.folded[$0] }
        let hasClosing = cues.closingRequired.allSatisfy { tail.containsRun($0) }
        guard hasClosing else { return [context.finding(.closingMissing, last, suggestion: suggestion)] }
        let kind: GreetingKind
        if cues.newYearWish.contains(where: { tail.containsRun($0) }) {
            kind = .newYear
        } else if cues.festivalWish.contains(where: { tail.containsRun($0) }) {
            kind = .festival
        } else {
            kind = .daily
        }
        if let day, kind != calendar.greeting(on: day) {
            return [context.finding(.closingHoliday, last, suggestion: suggestion)]
        }
        return []
    }

    func holdFindings(_ context: ScanContext) -> [Finding] {
        var findings: [Finding] = []
        let holdNotice = template(.holdNotice)
        let thanks = template(.thanksForWaiting)
        let reminder = template(.waitReminder)
        for hold in context.holds {
            let duration = hold.endTime - hold.startTime
            if duration >= 5 {
                let before = context.agentUtterances.last(where: { $0 < hold.startIndex })
                if let before, cues.holdNotice.contains(where: { context.folded[before].containsRun($0) }) {
                    // announced
                } else if let before {
                    findings.append(context.finding(.holdNoNotice, before, suggestion: holdNotice))
                } else {
                    findings.append(context.eventFinding(.holdNoNotice, hold.startIndex, suggestion: holdNotice))
                }
                if let after = context.agentUtterances.first(where: { $0 > hold.endIndex }),
                   !cues.thanksForWaiting.contains(where: { context.folded[after].containsRun($0) }) {
                    findings.append(context.finding(.holdNoThanks, after, suggestion: thanks))
                }
            }
            if duration > 30 {
                findings.append(context.eventFinding(.holdTooLong, hold.startIndex, suggestion: nil))
            }
            if duration > 60 {
                let reminded = context.agentUtterances.contains { index in
                    let start = context.segments[index].start
                    return start > hold.startTime && start < hold.endTime
                }
                if !reminded {
                    findings.append(context.eventFinding(.waitNoReminder, hold.startIndex, suggestion: reminder))
                }
            }
        }
        return findings
    }

    func courtesyFindings(_ context: ScanContext) -> [Finding] {
        var findings: [Finding] = []
        let reply = template(.thanksReply)
        for index in context.customerUtterances
        where cues.customerThanks.contains(where: { context.folded[index].containsRun($0) }) {
            guard let next = context.agentUtterances.first(where: { $0 > index }) else { continue }
            if !cues.thanksReply.contains(where: { context.folded[next].containsRun($0) }) {
                findings.append(context.finding(.courtesyThanksUnanswered, next, suggestion: reply))
            }
        }
        return findings
    }

    func verifyFindings(_ context: ScanContext) -> [Finding] {
        var findings: [Finding] = []
        let verify = template(.verify)
        for index in context.customerUtterances {
            let numbers = Self.numbers(in: context.folded[index])
            if numbers.isEmpty { continue }
            guard let next = context.agentUtterances.first(where: { $0 > index }) else { continue }
            let reply = context.folded[next]
            if numbers.contains(where: { !reply.containsRun($0) }) {
                findings.append(context.finding(.verifyMissing, next, suggestion: verify))
            }
        }
        return findings
    }

    /// Card/order/member numbers: runs of ≥ 6 ASCII letters/digits with at
    /// least one digit, in folded text (so spaces, dashes and full-width forms
    /// are already normalised and letters lower-cased).
    static func numbers(in folded: [UInt32]) -> [[UInt32]] {
        var out: [[UInt32]] = []
        var run: [UInt32] = []
        func flush() {
            if run.count >= 6, run.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) { out.append(run) }
            run.removeAll(keepingCapacity: true)
        }
        for value in folded {
            if (value >= 0x30 && value <= 0x39) || (value >= 0x61 && value <= 0x7A) {
                run.append(value)
            } else {
                flush()
            }
        }
        flush()
        return out
    }

    func hangupFindings(_ context: ScanContext) -> [Finding] {
        guard let index = context.segments.firstIndex(where: { $0.event == "hangup" }),
              context.segments[index].by == "agent" else { return [] }
        let excused = context.agentUtterances.contains { utterance in
            utterance < index && cues.endCallAnnounced.contains(where: { context.folded[utterance].containsRun($0) })
        }
        return excused ? [] : [context.eventFinding(.callAgentHungUpFirst, index, suggestion: nil)]
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

// MARK: - Scan helpers

/// Cue words for the structural rules, folded once per engine.
struct Cues: Sendable {
    let dailyGreeting: [[UInt32]]
    let newYearGreeting: [[UInt32]]
    let festivalGreeting: [[UInt32]]
    let service: [[UInt32]]
    let closingRequired: [[UInt32]]
    let newYearWish: [[UInt32]]
    let festivalWish: [[UInt32]]
    let holdNotice: [[UInt32]]
    let thanksForWaiting: [[UInt32]]
    let customerThanks: [[UInt32]]
    let thanksReply: [[UInt32]]
    let endCallAnnounced: [[UInt32]]
    let interjections: Set<UInt32>
    let particles: Set<UInt32>

    init(lexicon: Lexicon, company: String, folder: TextFolder) {
        func f(_ words: [String]) -> [[UInt32]] {
            words.map { folder.fold($0).scalars }.filter { !$0.isEmpty }
        }
        func texts(_ kind: StandardPhraseKind) -> [String] {
            lexicon.standard(kind).filter { !$0.contains("{") }
        }
        dailyGreeting = f(["您好", "你好"])
        newYearGreeting = f(["新年好", "春节好", "过年好"])
        festivalGreeting = f(["节日好"])
        service = f(["为您服务", "为你服务"] + (company.isEmpty ? [] : [company]))
        closingRequired = f(["评价", "再见"])
        newYearWish = f(["新年愉快", "春节愉快", "新年快乐", "春节快乐"])
        festivalWish = f(["节日愉快", "节日快乐"])
        holdNotice = f(["稍等", "稍候", "不要挂机", "请您等一下", "请等一下"] + texts(.holdNotice))
        thanksForWaiting = f(["耐心等待", "久等", "感谢您的等待", "谢谢您的等待", "感谢您的耐心", "谢谢您的耐心"] + texts(.thanksForWaiting))
        customerThanks = f(["谢谢", "感谢", "多谢", "谢了", "辛苦了", "辛苦你", "辛苦您", "表扬", "真棒", "太棒了",
                            "服务很好", "服务真好", "态度很好", "态度真好", "你真好", "您真好", "很专业", "真专业"])
        thanksReply = f(["不客气", "应该做的", "应该的", "不用谢", "不用客气", "别客气", "过奖", "谢谢您的夸奖",
                         "谢谢您的认可", "谢谢您的肯定", "谢谢您的表扬"] + texts(.thanksReply))
        endCallAnnounced = f(["结束本次通话", "再次致电", "换一部电话", "再次联系我们"])
        interjections = Set(f(["嗯", "哦", "噢", "啊", "唉", "哎", "呃", "额", "诶", "欸"]).flatMap { $0 })
        particles = Set(f(["啊", "呀", "吧", "呢", "嘛", "哦", "噢", "哈", "啦", "哇", "诶"]).flatMap { $0 })
    }
}

/// Per-transcript view: folded utterances, who spoke when, and the holds.
struct ScanContext {
    struct Hold { var startIndex: Int; var endIndex: Int; var startTime: Double; var endTime: Double }

    let segments: [TranscriptSegment]
    /// Folded text of every segment ([] for events).
    let folded: [[UInt32]]
    let agentUtterances: [Int]
    let customerUtterances: [Int]
    let holds: [Hold]

    init(segments: [TranscriptSegment], folder: TextFolder) {
        self.segments = segments
        folded = segments.map { $0.text.map { folder.fold($0).scalars } ?? [] }
        var agent: [Int] = []
        var customer: [Int] = []
        for (index, segment) in segments.enumerated() where !(folded[index].isEmpty) {
            if segment.speaker == "agent" { agent.append(index) }
            if segment.speaker == "customer" { customer.append(index) }
        }
        agentUtterances = agent
        customerUtterances = customer
        var holds: [Hold] = []
        var open: (index: Int, time: Double)? = nil
        for (index, segment) in segments.enumerated() {
            switch segment.event {
            case "hold_start":
                if open == nil { open = (index, segment.start) }
            case "hold_end":
                if let started = open {
                    holds.append(Hold(startIndex: started.index, endIndex: index, startTime: started.time, endTime: segment.start))
                    open = nil
                }
            case "hangup":
                if let started = open {
                    holds.append(Hold(startIndex: started.index, endIndex: index, startTime: started.time, endTime: segment.start))
                    open = nil
                }
            default:
                break
            }
        }
        if let started = open {
            let end = segments.map(\.end).max() ?? started.time
            holds.append(Hold(startIndex: started.index, endIndex: segments.count, startTime: started.time, endTime: end))
        }
        self.holds = holds
    }

    /// A finding about a whole utterance.
    func finding(_ rule: QARule, _ index: Int, suggestion: String?) -> Finding {
        let text = segments[index].text ?? ""
        return Finding(rule: rule.rawValue, segment: index, text: text, start: 0, end: text.unicodeScalars.count, suggestion: suggestion)
    }

    /// A finding about a system event (hold, hangup): no text.
    func eventFinding(_ rule: QARule, _ index: Int, suggestion: String?) -> Finding {
        Finding(rule: rule.rawValue, segment: min(index, max(0, segments.count - 1)), text: "", start: 0, end: 0, suggestion: suggestion)
    }
}

extension Array where Element == UInt32 {
    /// Naive substring test; utterances and cues are short.
    func containsRun(_ needle: [UInt32]) -> Bool {
        if needle.isEmpty { return true }
        if needle.count > count { return false }
        let first = needle[0]
        var index = 0
        let last = count - needle.count
        while index <= last {
            if self[index] == first {
                var k = 1
                while k < needle.count, self[index + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}
