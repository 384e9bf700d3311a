import Vapor
import Fluent
import KefuCore

/// `POST /api/v1/attendance/punches`, `GET /api/v1/attendance/{workId}/{YYYY-MM}` (issue 15's
/// contracts): a punch in, and a person's month with each day's status and the fines.
struct AttendanceAPI {
    func register(_ api: RoutesBuilder) {
        let a = api.grouped("attendance").requiring(.signedIn)
        a.post("punches", use: punch)
        a.get(":workId", ":month", use: month)
    }

    struct PunchDTO: Content {
        var id: UUID
        var workId: String
        var at: Date
        var kind: PunchKind
        var source: PunchSource
        var note: String?
    }

    static func dto(_ p: AttendancePunch) throws -> PunchDTO {
        PunchDTO(id: try p.requireID(), workId: p.workId, at: p.at, kind: p.kind, source: p.source, note: p.note)
    }

    func punch(req: Request) async throws -> Response {
        let input = try req.content.decode(AttendanceService.PunchInput.self)
        let (p, created) = try await AttendanceService(req: req).punch(input)
        let res = Response(status: created ? .created : .ok)
        try res.content.encode(try Self.dto(p))
        return res
    }

    struct DayDTO: Content {
        var date: String
        var status: AttendanceStatus
        var statusLabel: String
        var shift: String?
        var `in`: Date?
        var out: Date?
        var lateMinutes: Int
        var earlyMinutes: Int
        var leave: LeaveKind?
        var punches: [String]
        var note: String?
        var offPostMinutes: Int
    }
    struct FineDTO: Content { var rule: String; var amount: Decimal; var date: String; var reason: String }
    struct MonthDTO: Content {
        var workId: String
        var name: String
        var month: String
        var rulesVersion: Int
        var days: [DayDTO]
        var fines: [FineDTO]
        var fineTotal: Decimal
        var dismissalAlert: String?
        var publishedAt: Date?
        var dailyWage: Decimal?
    }

    static func dto(_ s: AttendanceService.Sheet) -> MonthDTO {
        MonthDTO(workId: s.person.workId, name: s.person.name, month: s.month, rulesVersion: s.rulesVersion,
                 days: s.days.map { d in
                     DayDTO(date: d.day.description, status: d.status, statusLabel: d.status.label, shift: d.shiftCode, in: d.punchIn, out: d.punchOut,
                            lateMinutes: d.lateMinutes, earlyMinutes: d.earlyMinutes, leave: d.leave, punches: d.punchIDs, note: d.note,
                            offPostMinutes: d.offPostMinutes)
                 },
                 fines: s.fines.map { FineDTO(rule: $0.rule, amount: $0.amount, date: $0.date.description, reason: $0.reason) },
                 fineTotal: s.fineTotal, dismissalAlert: s.dismissal, publishedAt: s.publishedAt, dailyWage: s.dailyWage)
    }

    func month(req: Request) async throws -> MonthDTO {
        let workId = req.parameters.get("workId") ?? ""
        let month = req.parameters.get("month") ?? ""
        return Self.dto(try await AttendanceService(req: req).sheet(workId: workId, month: month))
    }
}
