import Fluent
import Vapor
import KefuCore

/// A report going up the chain (请示报告, R9.4).
final class UpwardReportRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "upward_reports"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "kind") var kind: UpwardReport.Kind
    @Field(key: "title") var title: String
    @Field(key: "text") var text: String
    @Field(key: "emergency") var emergency: Bool
    @Field(key: "reporter_work_id") var reporterWorkId: String
    /// The level it is with now (`UpwardReport.Level`).
    @Field(key: "level") var level: Int
    @Field(key: "status") var status: UpwardReport.Status
    @OptionalField(key: "answer") var answer: String?
    @OptionalField(key: "answered_by") var answeredBy: String?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    func currentLevel() throws -> UpwardReport.Level {
        guard let l = UpwardReport.Level(rawValue: level) else {
            throw KefuError(.internalServerError, "stored_value_invalid", "报告的层级 \(level) 无法识别。")
        }
        return l
    }
}

/// One step of a report: raised, passed on (a level skipped in an emergency), answered.
final class UpwardReportStep: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "upward_report_steps"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "report_id") var reportID: UUID
    @Field(key: "action") var action: UpwardReport.StepAction
    @Field(key: "from_level") var fromLevel: Int
    @OptionalField(key: "to_level") var toLevel: Int?
    @OptionalField(key: "skipped_level") var skippedLevel: Int?
    @OptionalField(key: "note") var note: String?
    @Field(key: "by_work_id") var byWorkId: String
    @Field(key: "at") var at: Date

    init() {}
}
