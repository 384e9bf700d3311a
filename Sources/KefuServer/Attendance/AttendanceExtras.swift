import Vapor
import Fluent
import KefuCore

/// Overtime or a temporary dispatch on a person's day (R9.2), recorded by a lead.
final class AttendanceExtraRecord: Model, CompanyScoped, @unchecked Sendable {
    static let schema = "attendance_extras"
    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "work_id") var workId: String
    @Field(key: "day") var day: String
    @Field(key: "kind") var kind: AttendanceExtra.Kind
    @Field(key: "minutes") var minutes: Int
    /// Where a dispatch went (empty for overtime).
    @Field(key: "place") var place: String
    @Field(key: "reason") var reason: String
    @Field(key: "recorded_by") var recordedBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

extension AttendanceService {
    struct ExtraInput: Content {
        var workId: String?
        var day: String?
        var kind: String?
        var minutes: String?
        var place: String?
        var reason: String?
    }

    func recordExtra(_ input: ExtraInput) async throws -> AttendanceExtraRecord {
        guard mayManage else { throw KefuError.forbidden("加班和临时调度由班长登记。") }
        let person = try await person((input.workId ?? "").trimmingCharacters(in: .whitespaces))
        var problems: [FieldProblemDTO] = []
        let day = input.day.flatMap { LocalDay($0.trimmingCharacters(in: .whitespaces)) }
        if day == nil { problems.append(.init(field: "day", message: "日期须为 YYYY-MM-DD")) }
        let kind = AttendanceExtra.Kind(rawValue: input.kind ?? "")
        if kind == nil { problems.append(.init(field: "kind", message: "请选择加班或临时调度")) }
        let minutes = Int((input.minutes ?? "").trimmingCharacters(in: .whitespaces))
        let place = (input.place ?? "").trimmingCharacters(in: .whitespaces)
        let reason = (input.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if let kind {
            problems += AttendanceExtra.problems(kind: kind, minutes: minutes, place: place, reason: reason).map { FieldProblemDTO(field: $0.field, message: $0.message) }
        }
        if Validation.hasControlCharacters(place + reason) { problems.append(.init(field: "reason", message: "不能含控制字符")) }
        guard problems.isEmpty, let day, let kind, let minutes else { throw KefuError.invalid(problems) }
        return try await tenant.db.writeTransaction { [user, now] tx in
            let e = AttendanceExtraRecord()
            e.id = UUID(); e.companyID = person.companyID; e.workId = person.workId; e.day = day.description; e.kind = kind
            e.minutes = minutes; e.place = place; e.reason = reason; e.recordedBy = user.workId; e.createdAt = now
            try await e.create(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "attendance.\(kind.rawValue)", objectType: "attendance", objectId: person.workId,
                       after: "\(day) \(kind.label) \(AttendanceExtra.duration(minutes))" + (place.isEmpty ? "" : "（\(place)）") + "：\(reason)")
            return e
        }
    }

    func extras(of workId: String, company: UUID, days: [LocalDay]) async throws -> [AttendanceExtraRecord] {
        guard let first = days.first, let last = days.last else { return [] }
        return try await tenant.query(AttendanceExtraRecord.self).filter(\.$companyID == company).filter(\.$workId == workId)
            .filter(\.$day >= first.description).filter(\.$day <= last.description).sort(\.$day).all()
    }
}
