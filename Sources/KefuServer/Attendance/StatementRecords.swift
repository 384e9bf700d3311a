import Fluent
import Vapor
import KefuCore

/// An offence or a reward a lead records for a person (R9.3), with the rule version in force.
final class DisciplineEntry: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "discipline_entries"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "work_id") var workId: String
    @Field(key: "day") var day: String
    @Field(key: "kind") var kind: MonthlyStatement.LineKind
    /// An offence code of the rules, or a reward kind.
    @Field(key: "rule") var rule: String
    @Field(key: "amount") var amount: Double
    @Field(key: "facts") var facts: String
    @Field(key: "rule_version") var ruleVersion: Int
    @Field(key: "recorded_by") var recordedBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A person's published statement of a month: a snapshot that later edits do not change,
/// except through the one appeal's decision.
final class MonthlyStatementRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "monthly_statements"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "work_id") var workId: String
    @Field(key: "month") var month: String
    /// `[MonthlyStatement.Line]` as JSON.
    @Field(key: "lines") var lines: String
    @Field(key: "fine_total") var fineTotal: Double
    @Field(key: "reward_total") var rewardTotal: Double
    @Field(key: "rule_version") var ruleVersion: Int
    @Field(key: "published_at") var publishedAt: Date
    @Field(key: "appeal_status") var appealStatus: MonthlyStatement.AppealStatus
    @OptionalField(key: "appeal_text") var appealText: String?
    @OptionalField(key: "appealed_at") var appealedAt: Date?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision") var decision: String?
    /// `MonthlyStatement.PublishedSheet` as JSON; absent on statements published before M037.
    @OptionalField(key: "sheet") var sheet: String?

    init() {}
}

/// A person's daily wage in fen (分), set by an admin: three of them per day of unexcused
/// absence (R9.3, 000 第十八条). Without one the absence is shown with its amount to be set.
final class DailyWage: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "daily_wages"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "work_id") var workId: String
    @Field(key: "amount_fen") var amountFen: Int
    @Field(key: "updated_by") var updatedBy: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var amount: Decimal { Decimal(amountFen) / 100 }
}
