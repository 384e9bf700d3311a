import Vapor
import KefuCore

/// What the contact page shows: the transcript with each finding's span marked, the findings
/// with the actions the viewer may take, and the appeal.
struct ContactPageContext: Encodable {
    struct Piece: Encodable { var text: String; var mark: Bool; var rules: String }
    struct SegmentView: Encodable {
        var index: Int; var speaker: String; var speakerLabel: String; var time: String
        var isEvent: Bool; var eventLabel: String; var pieces: [Piece]; var flagged: Bool
    }
    struct FindingView: Encodable {
        var id: String; var rule: String; var label: String; var segment: Int; var segmentLabel: String; var text: String?
        var points: Int; var source: String; var state: String; var stateLabel: String; var note: String?; var suggestion: String?
        var entry: String?
    }
    struct AppealView: Encodable { var reason: String; var status: String; var statusLabel: String; var decisionNote: String?; var createdAt: String }
    struct RuleOption: Encodable { var code: String; var label: String }

    var page: PageContext
    var contactId: String
    var externalId: String
    var channel: String
    var agentId: String
    var startedAt: String
    var shift: String
    var status: String
    var statusLabel: String
    var autoScore: Int
    var finalScore: Int?
    var lexiconVersion: Int
    var segments: [SegmentView]
    @NilIfEmpty var findings: [FindingView]
    var appeal: AppealView?
    var canReview: Bool
    /// Shown to reviewers instead of the review forms once the review is finished.
    var lockedReason: String?
    var canAppeal: Bool
    var canDecideAppeal: Bool
    var rules: [RuleOption]
    var error: String?
    var draftNote: String?
    var draftReason: String?
    /// The contact's company and branch, shown when the reader sees several companies.
    var companyName = ""
    var branchName = ""
    var mixed = false

    init(req: Request, user: User, contact c: Contact, appeal: QAAppeal?, error: String? = nil,
         draftNote: String? = nil, draftReason: String? = nil) {
        let tz = req.kefu.settings.timeZone
        page = PageContext(req, user: user, title: "质检 · \(c.externalId)")
        contactId = c.id!.uuidString; externalId = c.externalId; channel = QualityLabels.channel(c.channel)
        agentId = c.agentWorkId ?? "—"; startedAt = PageFormat.dateTime(c.startedAt, tz)
        shift = ShiftSlot(rawValue: c.shift)?.label ?? c.shift
        status = c.status; statusLabel = QualityLabels.status(c.status)
        autoScore = c.autoScore; finalScore = c.finalScore; lexiconVersion = c.lexiconVersion
        let transcript = try? Transcript.parse(jsonLine: Substring(c.transcript))
        let findings = c.findings.sorted { ($0.segment, $0.start) < ($1.segment, $1.start) }
        segments = (transcript?.segments ?? []).enumerated().map { i, s in
            Self.segmentView(i, s, findings: findings.filter { $0.segment == i && $0.state != "rejected" })
        }
        self.findings = findings.map { f in
            FindingView(id: f.id!.uuidString, rule: f.rule, label: QualityLabels.rule(f.rule), segment: f.segment,
                        segmentLabel: f.segment >= 0 ? "第 \(f.segment + 1) 段" : "整通", text: f.text.isEmpty ? nil : f.text, points: f.points,
                        source: f.source == "manual" ? "人工" : "自动", state: f.state, stateLabel: QualityLabels.state(f.state),
                        note: f.note, suggestion: f.suggestion, entry: f.entry)
        }
        self.appeal = appeal.map {
            AppealView(reason: $0.reason, status: $0.status,
                       statusLabel: ["open": "待处理", "upheld": "申诉成立", "dismissed": "维持原判"][$0.status] ?? $0.status,
                       decisionNote: $0.decisionNote, createdAt: PageFormat.dateTime($0.createdAt, tz))
        }
        let lock = ContactService.reviewLock(status: c.status)
        canReview = user.can(.qaReview) && lock == nil
        lockedReason = user.can(.qaReview) ? lock : nil
        canAppeal = user.can(.qaOwn) && c.agentWorkId == user.workId && c.status == "reviewed" && appeal == nil
        canDecideAppeal = user.can(.qaReview) && c.status == "appealed" && appeal?.agentWorkId != user.workId
        rules = QARule.allCases.map { RuleOption(code: $0.rawValue, label: $0.label) }
        self.error = error; self.draftNote = draftNote; self.draftReason = draftReason
    }

    /// Splits an utterance into plain and marked pieces by the findings' scalar offsets.
    static func segmentView(_ i: Int, _ s: TranscriptSegment, findings: [QAFindingRecord]) -> SegmentView {
        let time = String(format: "%02d:%02d", Int(s.start) / 60, Int(s.start) % 60)
        let speakerLabel = ["agent": "坐席", "customer": "客户", "system": "系统"][s.speaker] ?? s.speaker
        guard let text = s.text else {
            let event: String
            switch s.event ?? "" {
            case "hold_start": event = "开始保持（静音）"
            case "hold_end": event = "结束保持"
            case "transfer": event = "转接"
            case "hangup": event = "挂机" + (s.by == "agent" ? "（坐席先挂）" : s.by == "customer" ? "（客户挂机）" : "")
            default: event = s.event ?? "事件"
            }
            return SegmentView(index: i, speaker: s.speaker, speakerLabel: speakerLabel, time: time, isEvent: true,
                               eventLabel: event, pieces: [], flagged: !findings.isEmpty)
        }
        let pieces = Self.pieces(text, marks: findings.map { ($0.rule, $0.start, $0.end) })
        return SegmentView(index: i, speaker: s.speaker, speakerLabel: speakerLabel, time: time, isEvent: false,
                           eventLabel: "", pieces: pieces, flagged: !findings.isEmpty)
    }

    /// Plain and marked runs of `text`; marks are (rule, start, end) in Unicode scalars.
    static func pieces(_ text: String, marks spans: [(String, Int, Int)]) -> [Piece] {
        let scalars = Array(text.unicodeScalars)
        var marks = [String?](repeating: nil, count: scalars.count)
        for (rule, start, end) in spans where end > start {
            for k in max(0, start)..<min(scalars.count, end) where k >= 0 { marks[k] = (marks[k].map { $0 + " " } ?? "") + rule }
        }
        var pieces: [Piece] = []
        var k = 0
        while k < scalars.count {
            var j = k
            while j < scalars.count && marks[j] == marks[k] { j += 1 }
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[k..<j])
            pieces.append(Piece(text: String(piece), mark: marks[k] != nil, rules: marks[k] ?? ""))
            k = j
        }
        return pieces
    }
}
