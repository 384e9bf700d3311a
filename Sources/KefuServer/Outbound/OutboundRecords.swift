import Fluent
import Vapor
import KefuCore

/// An outbound campaign (外呼活动, R7.1–R7.3): why it calls, what the agent says and asks,
/// when and how often it may call, who calls, the offers it may make and its dates.
final class OutboundCampaign: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "outbound_campaigns"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "name") var name: String
    @Field(key: "purpose") var purpose: CampaignPurpose
    /// The script's opening, with `{工号}` for the calling agent's work ID.
    @Field(key: "opening") var opening: String
    /// The callback plan's outline (R7.3: 回访提纲).
    @Field(key: "plan") var plan: String
    /// `Questionnaire` as JSON.
    @Field(key: "questionnaire") var questionnaireJSON: String
    /// `[RetentionOffer]` as JSON.
    @Field(key: "offers") var offersJSON: String
    @Field(key: "calling_hours") var callingHours: String
    @OptionalField(key: "quiet_hours") var quietHours: String?
    @Field(key: "weekdays") var weekdays: String
    @Field(key: "max_attempts") var maxAttempts: Int
    @Field(key: "retry_spacing_minutes") var retrySpacingMinutes: Int
    /// The outbound agents assigned, comma-separated work IDs.
    @Field(key: "agents") var agents: String
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @Field(key: "closed") var closed: Bool
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var agentSet: Set<String> { Set(agents.split(separator: ",").map(String.init)) }
    var weekdaySet: Set<Int> { Set(weekdays.split(separator: ",").compactMap { Int($0) }) }
    var policy: AttemptPolicy { AttemptPolicy(maxAttempts: maxAttempts, retrySpacingMinutes: retrySpacingMinutes) }

    /// The stored questionnaire; a row that no longer decodes is an error, not an empty survey.
    func questionnaire() throws -> Questionnaire {
        try JSONDecoder().decode(Questionnaire.self, from: Data(questionnaireJSON.utf8))
    }

    func offers() throws -> [RetentionOffer] {
        try JSONDecoder().decode([RetentionOffer].self, from: Data(offersJSON.utf8))
    }

    func hours() throws -> CallingHours {
        guard let h = CallingHours.parse(callingHours, quiet: quietHours, weekdays: weekdaySet) else {
            throw KefuError(.internalServerError, "campaign_hours_unreadable", "活动的外呼时段无法读取，请重新保存活动。")
        }
        return h
    }
}

/// One customer to call in a campaign, and where their calls stand.
final class OutboundTargetRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "outbound_targets"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "name") var name: String
    /// Normalised (`Validation.normalizePhone`): one target per number and campaign.
    @Field(key: "phone") var phone: String
    @Field(key: "note") var note: String
    @OptionalField(key: "customer_id") var customerID: UUID?
    /// The order a follow-up call is about (a target from a saved query of orders).
    @OptionalField(key: "work_order_id") var workOrderID: UUID?
    @Field(key: "status") var status: TargetStatus
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "next_due_at") var nextDueAt: Date?
    @OptionalField(key: "callback_at") var callbackAt: Date?
    @OptionalField(key: "claimed_by") var claimedBy: String?
    @OptionalField(key: "claimed_at") var claimedAt: Date?
    @Field(key: "added_at") var addedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?

    init() {}

    var rule: OutboundTarget? {
        id.map { OutboundTarget(id: $0, status: status, attempts: attempts, nextDueAt: nextDueAt, callbackAt: callbackAt, addedAt: addedAt, position: position) }
    }
}

/// One call to a target: who called, when, what came of it and the answers given.
final class OutboundAttempt: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "outbound_attempts"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "campaign_id") var campaignID: UUID
    @Field(key: "target_id") var targetID: UUID
    /// The target's n-th call.
    @Field(key: "number") var number: Int
    @Field(key: "agent_work_id") var agentWorkId: String
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @OptionalField(key: "outcome") var outcome: CallOutcome?
    /// `[question id: answer]` as JSON (`AnswerDTO`).
    @OptionalField(key: "answers") var answersJSON: String?
    @OptionalField(key: "offer") var offer: String?
    @OptionalField(key: "offer_accepted") var offerAccepted: Bool?
    @OptionalField(key: "callback_at") var callbackAt: Date?
    @OptionalField(key: "note") var note: String?

    init() {}
}

/// Numbers whose owners asked never to be called again (不再拨打): kept off every campaign of
/// the company from then on.
final class DoNotCallNumber: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "outbound_do_not_call"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "phone") var phone: String
    @Field(key: "added_at") var addedAt: Date
    @Field(key: "added_by") var addedBy: String

    init() {}
}
