import Fluent
import Vapor
import KefuCore

/// The workforce API: Erlang staffing and the shift scheduler (the same answers as
/// `kefu erlang` and `kefu schedule`), traffic import as CSV, and a month's roster. Erlang and
/// the scheduler are stateless; traffic and rosters are per company (`?company=CODE`, or the
/// `X-Kefu-Company` header, or the caller's only company).
struct WorkforceAPI {
    func register(_ api: RoutesBuilder) {
        let read = api.requiring(.workforceRead)
        read.post("workforce", "erlang", use: erlang)
        read.on(.POST, "workforce", "schedule", body: .collect(maxSize: "10mb"), use: schedule)
        api.requiring(.workforcePlan).on(.POST, "workforce", "traffic", body: .collect(maxSize: "50mb"), use: traffic)
        read.get("workforce", "rosters", ":month", use: roster)
    }

    struct ErlangRequest: Content {
        var calls: Double?; var intervalSeconds: Double?; var aht: Double?; var targetSL: Double?; var answerWithin: Double?
        var targetASA: Double?; var patience: Double?; var shrinkage: Double?; var maxOccupancy: Double?; var maxCallsPerAgentHour: Double?
    }
    struct ErlangResponse: Content {
        var agents: Int; var scheduled: Int; var serviceLevel: Double; var asa: Double; var probWait: Double; var occupancy: Double
        var abandonRate: Double?; var ruleOfThumbSeats: Int?
    }

    func erlang(req: Request) async throws -> ErlangResponse {
        let body = try req.content.decode(ErlangRequest.self)
        guard let calls = body.calls else { throw KefuError.invalid([.init(field: "calls", message: "缺少 calls（时段话务量）")]) }
        guard let aht = body.aht else { throw KefuError.invalid([.init(field: "aht", message: "缺少 aht（平均处理时长，秒）")]) }
        let target = StaffingTarget(calls: calls, intervalSeconds: body.intervalSeconds ?? 1800, ahtSeconds: aht,
                                    targetServiceLevel: body.targetSL ?? 0.8, answerWithinSeconds: body.answerWithin ?? 20,
                                    targetASA: body.targetASA, patienceSeconds: body.patience, shrinkage: body.shrinkage ?? 0,
                                    maxOccupancy: body.maxOccupancy ?? 1)
        do {
            let r = try Erlang.staffing(for: target)
            var thumb: Int?
            if let perHour = body.maxCallsPerAgentHour {
                thumb = try RuleOfThumb.seats(busyHourCalls: calls * 3600 / max(target.intervalSeconds, 1), maxCallsPerAgentPerHour: perHour)
            }
            return ErlangResponse(agents: r.agents, scheduled: r.scheduled, serviceLevel: r.serviceLevel, asa: r.asa, probWait: r.probWait,
                                  occupancy: r.occupancy, abandonRate: r.abandonRate, ruleOfThumbSeats: thumb)
        } catch let e as WorkforceError { throw KefuError(e) }
    }

    struct ScheduleQuery: Decodable { var objective: String?; var maxPerShift: Int?; var maxPerPeriod: Int? }

    /// Body: the pyworkforce-shaped problem; objective and caps as query parameters.
    func schedule(req: Request) async throws -> Response {
        let q = try req.query.decode(ScheduleQuery.self)
        guard let objective = ScheduleObjective(rawValue: q.objective ?? "min-resources") else {
            throw KefuError.invalid([.init(field: "objective", message: "objective 须为 min-resources 或 min-abs-difference")])
        }
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw KefuError.badRequest("请求体须为排班问题 JSON。") }
        do {
            let problem = try ShiftProblem(json: Data(buffer: buffer))
            guard problem.numDays <= 400, problem.periods <= 1440, problem.shiftNames.count <= 500 else {
                throw KefuError.invalid([.init(field: "problem", message: "问题规模过大：最多 400 天、1440 个时段、500 个班次")])
            }
            let solution = try ShiftScheduler.solve(problem, options: ScheduleOptions(objective: objective, maxPerShift: q.maxPerShift,
                                                                                     maxPerPeriod: q.maxPerPeriod, timeLimitSeconds: 10))
            let res = Response(status: .ok, body: .init(data: try solution.cliJSON()))
            res.headers.contentType = .json
            return res
        } catch let e as WorkforceError { throw KefuError(e) }
    }

    struct TrafficQuery: Decodable { var interval: Int? }

    func traffic(req: Request) async throws -> TrafficHistory.ImportResult {
        let q = try req.query.decode(TrafficQuery.self)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw KefuError.badRequest("请求体须为 CSV 文本。") }
        guard TrafficCSV.hasHeader(String(buffer: buffer)) else {
            throw KefuError.invalid([.init(field: "csv", message: "第一行须为表头 \(TrafficCSV.header)")])
        }
        let company = try await req.workforceCompany(.write)
        let clock = try ForecastService.clock(req.kefu.settings.timeZone, q.interval ?? 30)
        let result = try await TrafficHistory(company: company).importCSV(String(buffer: buffer), clock: clock, now: req.now)
        try await req.history(on: req.db).audit(action: "traffic.imported", objectType: "traffic", objectId: company.code,
                                                after: "\(result.imported) intervals, \(result.errors.count) bad lines")
        return result
    }

    struct RosterDTO: Content { var companyCode: String; var month: String; var status: String; var assignments: [Assignment] }
    struct Assignment: Content { var workId: String; var day: String; var shift: String; var role: String }

    func roster(req: Request) async throws -> RosterDTO {
        let month = req.parameters.get("month") ?? ""
        guard WorkforceSettings.month(month) != nil else { throw KefuError.invalid([.init(field: "month", message: "月份须为 YYYY-MM 格式")]) }
        let company = try await req.workforceCompany(.read)
        let r = try await RosterService(company: company, timeZone: req.kefu.settings.timeZone).require(month: month)
        return RosterDTO(companyCode: company.code, month: month, status: r.record.status, assignments: r.assignments.map {
            Assignment(workId: $0.workId, day: $0.day.description, shift: $0.shiftCode, role: $0.role.rawValue)
        })
    }
}
