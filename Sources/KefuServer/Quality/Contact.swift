import Fluent
import Vapor

/// A finished call or chat stored for quality inspection: its transcript (the JSON Lines
/// format of shared/formats/transcript.md), the engine's score on arrival and, once a QC
/// inspector has reviewed it, the final score that counts in the agent's appraisal (R2.10).
final class Contact: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "contacts"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "external_id") var externalId: String
    @Field(key: "channel") var channel: String
    @OptionalField(key: "agent_work_id") var agentWorkId: String?
    @Field(key: "started_at") var startedAt: Date
    /// The local calendar day and shift, kept so the per-shift sample and the monthly tables are plain filters.
    @Field(key: "local_day") var localDay: String
    @Field(key: "shift") var shift: String
    @Field(key: "transcript") var transcript: String
    /// `import`, `api` or `chat`.
    @Field(key: "source") var source: String
    @Field(key: "auto_score") var autoScore: Int
    @OptionalField(key: "final_score") var finalScore: Int?
    /// `scored` (engine only), `reviewed` (inspector finished), `appealed` (agent objected), `settled`.
    @Field(key: "status") var status: String
    @Field(key: "lexicon_version") var lexiconVersion: Int
    @OptionalField(key: "reviewed_by") var reviewedBy: String?
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Children(for: \.$contact) var findings: [QAFindingRecord]

    init() {}

    /// The score that counts: the inspector's once reviewed, the engine's before.
    var effectiveScore: Int { finalScore ?? autoScore }
}

/// The four shifts of a 24-hour center; a contact belongs to the one its start falls in.
enum ShiftSlot: String, CaseIterable {
    case morning, day, evening, night
    var label: String {
        switch self { case .morning: "早班"; case .day: "白班"; case .evening: "晚班"; case .night: "夜班" }
    }
    /// 早班 07–12, 白班 12–17, 晚班 17–23, 夜班 23–07.
    static func of(hour: Int) -> ShiftSlot {
        switch hour {
        case 7..<12: .morning
        case 12..<17: .day
        case 17..<23: .evening
        default: .night
        }
    }
}
