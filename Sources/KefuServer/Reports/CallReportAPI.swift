import Vapor
import KefuCore

/// `GET /api/v1/reports/calls` (R10.3): a period's telephony KPIs from the switch's events —
/// offered, answered, abandoned, both Asterisk service levels, ASA, AHT and occupancy — for
/// the whole period, each queue, each interval (15, 30 or 60 minutes), each day and each
/// agent, and the calls offered by weekday and hour.
struct CallReportAPI {
    let live: LiveService

    func register(_ routes: RoutesBuilder) {
        routes.requiring(.reportsRead).get("reports", "calls", use: calls)
    }

    struct Query: Content {
        var from: String?
        var to: String?
        var interval: String?
        var company: String?
    }

    /// One set of call figures; rates and averages are `null` when there is nothing to divide by.
    struct FiguresDTO: Content {
        var offered: Int; var answered: Int; var abandoned: Int; var voicemail: Int; var enqueued: Int
        var answeredWithinThreshold: Int; var completed: Int
        var serviceLevel1: Double?; var serviceLevel2: Double?; var answerRate: Double?; var abandonRate: Double?
        var averageSpeedOfAnswer: Double?; var averageHandlingTime: Double?
        var waitSeconds: Int; var talkSeconds: Int; var wrapSeconds: Int

        init(_ f: QueueCallFigures) {
            let t = f.totals
            offered = t.offered; answered = t.answered; abandoned = t.abandoned; voicemail = t.voicemail; enqueued = t.enqueued
            answeredWithinThreshold = t.answeredWithinThreshold; completed = t.completed
            serviceLevel1 = t.serviceLevel.map(Self.round); serviceLevel2 = t.serviceLevel2.map(Self.round)
            answerRate = t.answerRate.map(Self.round); abandonRate = t.abandonRate.map(Self.round)
            averageSpeedOfAnswer = f.averageSpeedOfAnswer.map(Self.round); averageHandlingTime = f.averageHandlingTime.map(Self.round)
            waitSeconds = f.waitSeconds; talkSeconds = f.talkSeconds; wrapSeconds = f.wrapSeconds
        }

        static func round(_ v: Double) -> Double { (v * 10_000).rounded() / 10_000 }

        private enum CodingKeys: String, CodingKey {
            case offered, answered, abandoned, voicemail, enqueued, answeredWithinThreshold, completed, serviceLevel1, serviceLevel2
            case answerRate, abandonRate, averageSpeedOfAnswer, averageHandlingTime, waitSeconds, talkSeconds, wrapSeconds
        }

        /// Ratios are written as `null`, never left out, so a client sees every field.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(offered, forKey: .offered); try c.encode(answered, forKey: .answered); try c.encode(abandoned, forKey: .abandoned)
            try c.encode(voicemail, forKey: .voicemail); try c.encode(enqueued, forKey: .enqueued)
            try c.encode(answeredWithinThreshold, forKey: .answeredWithinThreshold); try c.encode(completed, forKey: .completed)
            for (v, k) in [(serviceLevel1, CodingKeys.serviceLevel1), (serviceLevel2, .serviceLevel2), (answerRate, .answerRate),
                           (abandonRate, .abandonRate), (averageSpeedOfAnswer, .averageSpeedOfAnswer), (averageHandlingTime, .averageHandlingTime)] {
                if let v { try c.encode(v, forKey: k) } else { try c.encodeNil(forKey: k) }
            }
            try c.encode(waitSeconds, forKey: .waitSeconds); try c.encode(talkSeconds, forKey: .talkSeconds); try c.encode(wrapSeconds, forKey: .wrapSeconds)
        }
    }

    struct AgentDTO: Content {
        var workId: String; var answered: Int; var completed: Int
        var talkSeconds: Int; var wrapSeconds: Int; var idleSeconds: Int; var notReadySeconds: Int
        var averageHandlingTime: Double?; var occupancy: Double?

        init(_ workId: String, _ f: AgentTimeFigures) {
            self.workId = workId; answered = f.answered; completed = f.completed; talkSeconds = f.talkSeconds; wrapSeconds = f.wrapSeconds
            idleSeconds = f.idleSeconds; notReadySeconds = f.notReadySeconds
            averageHandlingTime = f.averageHandlingTime.map(FiguresDTO.round); occupancy = f.occupancy.map(FiguresDTO.round)
        }

        private enum CodingKeys: String, CodingKey {
            case workId, answered, completed, talkSeconds, wrapSeconds, idleSeconds, notReadySeconds, averageHandlingTime, occupancy
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(workId, forKey: .workId); try c.encode(answered, forKey: .answered); try c.encode(completed, forKey: .completed)
            try c.encode(talkSeconds, forKey: .talkSeconds); try c.encode(wrapSeconds, forKey: .wrapSeconds)
            try c.encode(idleSeconds, forKey: .idleSeconds); try c.encode(notReadySeconds, forKey: .notReadySeconds)
            if let averageHandlingTime { try c.encode(averageHandlingTime, forKey: .averageHandlingTime) } else { try c.encodeNil(forKey: .averageHandlingTime) }
            if let occupancy { try c.encode(occupancy, forKey: .occupancy) } else { try c.encodeNil(forKey: .occupancy) }
        }
    }

    /// A queue's figures and its occupancy (`QueueCallFigures.occupancy`), `null` when no agent
    /// time is booked to it.
    struct QueueDTO: Content {
        var queue: String; var figures: FiguresDTO; var occupancy: Double?

        private enum CodingKeys: String, CodingKey { case queue, figures, occupancy }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(queue, forKey: .queue); try c.encode(figures, forKey: .figures)
            if let occupancy { try c.encode(occupancy, forKey: .occupancy) } else { try c.encodeNil(forKey: .occupancy) }
        }
    }
    struct IntervalDTO: Content { var start: String; var figures: FiguresDTO; var occupancy: Double? }
    struct DayDTO: Content { var day: String; var figures: FiguresDTO }

    struct ReportDTO: Content {
        var from: String
        var to: String
        var interval: Int
        var serviceLevelSeconds: Int
        var total: FiguresDTO
        var occupancy: Double?
        var queues: [QueueDTO]
        var intervals: [IntervalDTO]
        var days: [DayDTO]
        var agents: [AgentDTO]
        /// Calls offered by weekday (0 = Monday) and hour (0–23).
        var heatMap: [[Int]]
    }

    /// The range and interval as asked, or a 422 naming the field.
    static func parse(from: String?, to: String?, interval: String?) throws -> (ClosedRange<LocalDay>, TelephonyInterval) {
        let range: ClosedRange<LocalDay>
        switch ReportPeriod.parse(from: from, to: to) {
        case .success(let r): range = r
        case .failure(let p): throw KefuError.invalid([.init(field: p.field, message: p.message)])
        }
        guard let step = TelephonyInterval(rawValue: interval.map { Int($0.trimmingCharacters(in: .whitespaces)) ?? 0 } ?? 60) else {
            throw KefuError.invalid([.init(field: "interval", message: "interval 须为 15、30 或 60（分钟）")])
        }
        return (range, step)
    }

    func calls(req: Request) async throws -> ReportDTO {
        try req.refuseEmptyQuery("from", "to", "interval", "company")
        let q = try req.query.decode(Query.self)
        let (range, step) = try Self.parse(from: q.from, to: q.to, interval: q.interval)
        let tenant = try await req.tenant()
        let filter = try await TenantFilter.resolve(company: q.company, branch: nil, tenant: tenant)
        let r = try await CallReports(tenant: tenant, configuration: live.configuration, now: req.now).report(range, filter: filter)
        return Self.dto(r, interval: step, serviceLevelSeconds: live.configuration.serviceLevelSeconds)
    }

    /// The report as the API and `kefu report --kind calls --format json` write it.
    static func dto(_ r: TelephonyReport, interval step: TelephonyInterval, serviceLevelSeconds: Int) -> ReportDTO {
        ReportDTO(
            from: r.range.lowerBound.description, to: r.range.upperBound.description, interval: step.rawValue,
            serviceLevelSeconds: serviceLevelSeconds,
            total: FiguresDTO(r.total), occupancy: r.floorTotal.occupancy.map(FiguresDTO.round),
            queues: r.byQueue.map { QueueDTO(queue: $0.queue, figures: FiguresDTO($0.figures), occupancy: $0.figures.occupancy.map(FiguresDTO.round)) },
            intervals: r.byInterval(step).map { IntervalDTO(start: TelephonyReport.clock($0.minute), figures: FiguresDTO($0.figures),
                                                            occupancy: $0.floor.occupancy.map(FiguresDTO.round)) },
            days: r.byDay.map { DayDTO(day: $0.day.description, figures: FiguresDTO($0.figures)) },
            agents: r.byAgent.map { AgentDTO($0.workId, $0.figures) },
            heatMap: r.heatMap)
    }
}
