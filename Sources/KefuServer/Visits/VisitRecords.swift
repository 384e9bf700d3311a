import Fluent
import Vapor
import KefuCore

/// What booking needs to know of a technician (R8.1): the work they can do, the districts
/// they cover and their hours. One per person and company; the person is a `technician` user.
final class TechnicianProfile: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "technician_profiles"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "work_id") var workId: String
    /// Comma-separated, as `VisitRules.words` reads them.
    @Field(key: "skills") var skills: String
    @Field(key: "areas") var areas: String
    /// "08:30-17:30".
    @Field(key: "hours") var hours: String
    /// ISO weekdays, comma-separated ("1,2,3,4,5").
    @Field(key: "weekdays") var weekdays: String
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: String

    init() {}

    var weekdaySet: Set<Int> { Set(weekdays.split(separator: ",").compactMap { Int($0) }) }

    /// The profile as KefuCore's booking rules see it; nil when the stored hours no longer read.
    var technician: Technician? {
        guard let h = WorkingHours.parse(hours, weekdays: weekdaySet) else { return nil }
        return Technician(workId: workId, skills: Set(VisitRules.words(skills)), areas: Set(VisitRules.words(areas)), hours: h)
    }
}

/// A booked visit to a customer (上门) for a work order: when, who goes, what happened.
/// The order keeps its owner: the visit's result goes back to them, who still calls the
/// customer back (R1.5).
final class FieldVisit: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "field_visits"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "work_order_id") var workOrderID: UUID
    @Field(key: "order_number") var orderNumber: String
    @Field(key: "technician_work_id") var technicianWorkId: String
    @OptionalField(key: "skill") var skill: String?
    /// The district the visit was booked in (the order's 区/县).
    @Field(key: "area") var area: String
    /// The address as booked, one line (the order's may be corrected later; the technician
    /// goes where the customer was told).
    @Field(key: "address") var address: String
    /// Tools and parts to bring (R8.1).
    @Field(key: "bring") var bring: String
    /// The window the customer expects the technician in; moved by a late notice.
    @Field(key: "slot_start") var slotStart: Date
    @Field(key: "slot_end") var slotEnd: Date
    /// The start first booked, kept when a late notice moves the window.
    @Field(key: "booked_start") var bookedStart: Date
    @Field(key: "status") var status: VisitStatus
    @Field(key: "booked_by") var bookedBy: String
    @Field(key: "booked_at") var bookedAt: Date
    /// When the reconfirmation call is due (09:00 the day before); the sweeper reminds the
    /// order's owner once (`reconfirm_reminded_at`), from the stored time, after any restart.
    @Field(key: "reconfirm_due_at") var reconfirmDueAt: Date
    @OptionalField(key: "reconfirm_reminded_at") var reconfirmRemindedAt: Date?
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @OptionalField(key: "confirmed_by") var confirmedBy: String?
    @OptionalField(key: "confirm_note") var confirmNote: String?
    @OptionalField(key: "on_the_way_at") var onTheWayAt: Date?
    @OptionalField(key: "late_notice_at") var lateNoticeAt: Date?
    /// Whether the late notice kept the 15-minute rule; false is a breach on the record.
    @OptionalField(key: "late_notice_in_time") var lateNoticeInTime: Bool?
    @OptionalField(key: "late_reason") var lateReason: String?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @OptionalField(key: "finished_by") var finishedBy: String?
    /// Completed: what was done. Unresolved: what was found.
    @OptionalField(key: "result") var result: String?
    @OptionalField(key: "fallback_plan") var fallbackPlan: String?
    /// Nobody home: the note left at the door.
    @OptionalField(key: "door_note") var doorNote: String?
    @OptionalField(key: "cancel_reason") var cancelReason: String?
    @OptionalField(key: "previous_visit_id") var previousVisitID: UUID?
    @OptionalField(key: "next_visit_id") var nextVisitID: UUID?
    /// Booked within 30 days of an earlier visit to the same order: the first did not fix it.
    @Field(key: "repeat_visit") var repeatVisit: Bool
    @Field(key: "signed") var signed: Bool

    init() {}

    var interval: DateInterval { DateInterval(start: slotStart, end: max(slotEnd, slotStart)) }
}

/// The customer's signature on a completed visit, as the PNG the phone's canvas drew. Apart
/// from the visit so lists never load images.
final class FieldVisitSignature: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "field_visit_signatures"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "visit_id") var visitID: UUID
    @Field(key: "png") var png: Data
    @Field(key: "signed_at") var signedAt: Date

    init() {}
}
