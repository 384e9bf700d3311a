import Vapor
import Fluent
import KefuCore

/// A hall's waiting and service times over a period (R3.6 → R10): per service and per day,
/// counted from the tickets themselves (a hall hands out hundreds a day, not millions).
struct CounterReport {
    let hall: CounterHall

    struct Result {
        var range: ClosedRange<LocalDay>
        var services: [(code: String, name: String, figures: CounterFigures)]
        var days: [(day: String, figures: CounterFigures)]
        var total: CounterFigures
    }

    /// The most tickets one report reads: a year of a busy hall.
    static let limit = 400_000

    func figures(_ range: ClosedRange<LocalDay>) async throws -> Result {
        let tickets = try await hall.tenant.query(CounterTicket.self).filter(\.$branchID == hall.branchID)
            .filter(\.$day >= range.lowerBound.description).filter(\.$day <= range.upperBound.description)
            .limit(Self.limit).all()
        var byService: [String: (name: String, figures: CounterFigures)] = [:]
        var byDay: [String: CounterFigures] = [:]
        var total = CounterFigures()
        for t in tickets {
            func add(_ f: inout CounterFigures) {
                f.add(priority: t.priority, status: t.status, issuedAt: t.issuedAt, firstCalledAt: t.firstCalledAt, calledAt: t.calledAt, servedAt: t.finishedAt)
            }
            add(&byService[t.serviceCode, default: (t.serviceName, CounterFigures())].figures)
            add(&byDay[t.day, default: CounterFigures()])
            add(&total)
        }
        // Every service in use appears, with zeros when nobody came for it.
        for s in try await hall.services(activeOnly: false) where byService[s.code] == nil { byService[s.code] = (s.name, CounterFigures()) }
        return Result(range: range,
                      services: byService.keys.sorted().compactMap { k in byService[k].map { (k, $0.name, $0.figures) } },
                      days: byDay.keys.sorted().compactMap { d in byDay[d].map { (d, $0) } }, total: total)
    }

    struct FiguresDTO: Content {
        var issued: Int; var priority: Int; var served: Int; var absent: Int; var waiting: Int
        var averageWaitSeconds: Double?; var longestWaitSeconds: Double; var averageServiceSeconds: Double?
        init(_ f: CounterFigures) {
            issued = f.issued; priority = f.priority; served = f.served; absent = f.absent; waiting = f.waiting
            averageWaitSeconds = f.averageWaitSeconds.map { ($0 * 10).rounded() / 10 }; longestWaitSeconds = f.longestWaitSeconds.rounded()
            averageServiceSeconds = f.averageServiceSeconds.map { ($0 * 10).rounded() / 10 }
        }
    }
    struct ServiceDTO: Content { var code: String; var name: String; var figures: FiguresDTO }
    struct DayDTO: Content { var day: String; var figures: FiguresDTO }
    struct DTO: Content { var from: String; var to: String; var branchCode: String; var total: FiguresDTO; var services: [ServiceDTO]; var days: [DayDTO] }
}

extension CounterReport.Result {
    func dto(branchCode: String) -> CounterReport.DTO {
        .init(from: range.lowerBound.description, to: range.upperBound.description, branchCode: branchCode, total: .init(total),
              services: services.map { .init(code: $0.code, name: $0.name, figures: .init($0.figures)) },
              days: days.map { .init(day: $0.day, figures: .init($0.figures)) })
    }
}
