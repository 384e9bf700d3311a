import Vapor
import Fluent
import KefuCore

/// Each technician's visits over a period (R8: on time, late, unresolved, repeat visits),
/// counted from the visits themselves, by the day they were booked for.
struct VisitReport {
    let tenant: TenantData
    let timeZone: TimeZone

    struct Row { var workId: String; var name: String; var figures: VisitFigures }

    /// A year of a busy team's visits is a few tens of thousands.
    static let limit = 200_000

    func figures(_ range: ClosedRange<LocalDay>) async throws -> (rows: [Row], total: VisitFigures) {
        let from = range.lowerBound.start(in: timeZone), to = range.upperBound.adding(days: 1).start(in: timeZone)
        let visits = try await tenant.query(FieldVisit.self).filter(\.$bookedStart >= from).filter(\.$bookedStart < to)
            .filter(\.$status != .cancelled).limit(Self.limit).all()
        var by: [String: VisitFigures] = [:]
        var total = VisitFigures()
        for v in visits {
            by[v.technicianWorkId, default: VisitFigures()].add(status: v.status, late: v.lateNoticeAt != nil,
                                                                noticeInTime: v.lateNoticeInTime, repeat: v.repeatVisit)
            total.add(status: v.status, late: v.lateNoticeAt != nil, noticeInTime: v.lateNoticeInTime, repeat: v.repeatVisit)
        }
        let names = Dictionary(try await tenant.query(User.self).filter(\.$workId ~~ Array(by.keys)).all().map { ($0.workId, $0.name) },
                               uniquingKeysWith: { a, _ in a })
        return (by.keys.sorted().map { Row(workId: $0, name: names[$0] ?? "", figures: by[$0] ?? VisitFigures()) }, total)
    }

    struct FiguresDTO: Content {
        var visits: Int; var completed: Int; var unresolved: Int; var noOneHome: Int
        var onTime: Int; var late: Int; var lateNoticeBreaches: Int; var repeatVisits: Int
        init(_ f: VisitFigures) {
            visits = f.visits; completed = f.completed; unresolved = f.unresolved; noOneHome = f.noOneHome
            onTime = f.onTime; late = f.late; lateNoticeBreaches = f.lateNoticeBreaches; repeatVisits = f.repeatVisits
        }
    }
    struct TechnicianDTO: Content { var workId: String; var name: String; var figures: FiguresDTO }
    struct DTO: Content { var from: String; var to: String; var technicians: [TechnicianDTO]; var total: FiguresDTO }

    func dto(_ range: ClosedRange<LocalDay>) async throws -> DTO {
        let r = try await figures(range)
        return DTO(from: range.lowerBound.description, to: range.upperBound.description,
                   technicians: r.rows.map { TechnicianDTO(workId: $0.workId, name: $0.name, figures: FiguresDTO($0.figures)) },
                   total: FiguresDTO(r.total))
    }
}
