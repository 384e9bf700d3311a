import Vapor
import KefuCore

/// `POST /api/v1/qa/check` body.
struct QACheckInput: Content {
    var text: String
    var channel: String?
    /// Whose additions apply (the branch's and its company's); default the caller's branch.
    var branchCode: String?
}

/// One finding of the live check, with the span to highlight (Unicode-scalar offsets into
/// the text sent) and the standard phrase to say instead.
struct QACheckFindingDTO: Content {
    var rule: String
    var label: String
    var text: String
    var start: Int
    var end: Int
    var suggestion: String?
    var blocking: Bool
    /// The lexicon entry that matched, as written (it may be a pattern covering many sentences).
    var entry: String?
}

struct QACheckResultDTO: Content {
    var findings: [QACheckFindingDTO]
    /// True when a forbidden phrase was found: the chat box asks the agent to confirm before sending.
    var blocked: Bool
    var lexiconVersion: Int
}

struct QAFindingDTO: Content {
    var id: UUID
    var rule: String
    var label: String
    var segment: Int
    var text: String
    var start: Int
    var end: Int
    var suggestion: String?
    var points: Int
    var source: String
    var state: String
    var note: String?
    /// The lexicon entry an automatic forbidden-phrase finding matched, as written.
    var entry: String?

    init(_ f: QAFindingRecord) {
        id = f.id!; rule = f.rule; label = QualityLabels.rule(f.rule); segment = f.segment; text = f.text
        start = f.start; end = f.end; suggestion = f.suggestion; points = f.points; source = f.source; state = f.state; note = f.note
        entry = f.entry
    }
}

struct ContactDTO: Content {
    var contactId: UUID
    var id: String
    var channel: String
    var agentId: String?
    var startedAt: Date
    var localDay: String
    var shift: String
    var source: String
    var score: Int
    var autoScore: Int
    var finalScore: Int?
    var status: String
    var lexiconVersion: Int
    var companyCode: String
    var branchCode: String?
    var findings: [QAFindingDTO]?

    init(_ c: Contact, withFindings: Bool, labels: TenantLabels) {
        contactId = c.id!; id = c.externalId; channel = c.channel; agentId = c.agentWorkId; startedAt = c.startedAt
        localDay = c.localDay; shift = c.shift; source = c.source; score = c.effectiveScore; autoScore = c.autoScore
        finalScore = c.finalScore; status = c.status; lexiconVersion = c.lexiconVersion
        companyCode = labels.companyCode(c.companyID); branchCode = c.branchID.map { labels.branchCode($0) }
        if withFindings { findings = c.findings.sorted { ($0.segment, $0.start) < ($1.segment, $1.start) }.map(QAFindingDTO.init) }
    }
}

struct ContactListDTO: Content {
    var items: [ContactDTO]
    var total: Int
    var limit: Int
    var offset: Int
}

/// Chinese names for rule codes, statuses and shifts, in one place for pages and API.
enum QualityLabels {
    static func rule(_ code: String) -> String {
        if let r = QARule(rawValue: code) { return r.label }
        return code
    }
    static func status(_ s: String) -> String {
        switch s {
        case "scored": "待复核"
        case "reviewed": "已复核"
        case "appealed": "申诉中"
        case "settled": "已结案"
        default: s
        }
    }
    static func state(_ s: String) -> String {
        switch s {
        case "open": "待确认"
        case "confirmed": "已确认"
        case "rejected": "已驳回"
        default: s
        }
    }
    static func channel(_ s: String) -> String {
        KefuCore.Channel(rawValue: s)?.label ?? s
    }
}
