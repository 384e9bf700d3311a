import Fluent
import Vapor
import KefuCore

/// Runs a month's forecast from the stored history and the staffing it implies, and keeps
/// both as a `ForecastRun`, so rosters and the five tables refer to what was shown. Each
/// company forecasts from its own history only.
struct ForecastService {
    let company: WorkforceCompany
    var db: Database { company.db }
    let timeZone: TimeZone

    struct Loaded: Sendable {
        var run: ForecastRun
        var result: ForecastResult
        var params: StaffingParameters
        var staffing: [StaffingResult]
        var clock: WorkforceClock
        var days: [LocalDay]
    }

    /// Forecasts `month` ("2026-12") from all stored history of that interval length.
    func run(month: String, intervalMinutes: Int, method: ForecastMethod?, actor: String?, now: Date) async throws -> ForecastRun {
        guard let m = WorkforceSettings.month(month) else {
            throw KefuError.invalid([.init(field: "month", message: "月份须为 YYYY-MM 格式")])
        }
        let clock = try Self.clock(timeZone, intervalMinutes)
        // Only what was known before the month starts: a re-run of a past month is the
        // forecast it would have been, which is what tables ④ and ⑤ compare against.
        let history = try await TrafficHistory(company: company).volumes(intervalMinutes: intervalMinutes, to: m.first.start(in: timeZone))
        let result: ForecastResult
        do {
            result = try Forecaster.forecast(ForecastRequest(history: history, clock: clock, firstDay: m.first, horizonDays: m.days.count,
                                                             method: method, holidays: try await Self.holidays(on: db)))
        } catch let e as WorkforceError { throw KefuError(e) }
        let params = try await WorkforceSettings.staffing(company)
        let staffing = try Self.staffing(result, params: params, intervalMinutes: intervalMinutes)
        let record = ForecastRun()
        record.companyID = company.id
        record.month = month
        record.intervalMinutes = intervalMinutes
        record.method = result.method.rawValue
        record.requestedMethod = method?.rawValue ?? "auto"
        record.result = WorkforceSettings.json(result)
        record.staffingParams = WorkforceSettings.json(params)
        record.staffing = WorkforceSettings.json(staffing)
        record.createdBy = actor
        record.createdAt = now
        try await record.create(on: db)
        return record
    }

    /// The center's holiday calendar (系统管理 → 节假日) on top of the computed festivals;
    /// make-up workdays are ordinary days for traffic.
    static func holidays(on db: Database) async throws -> WorkforceHolidays {
        var days: [LocalDay: String] = [:]
        for h in try await HolidayRecord.query(on: db).filter(\.$makeupWorkday == false).all() {
            if let d = LocalDay(h.day) { days[d] = h.name }
        }
        return WorkforceHolidays(extraDays: days)
    }

    /// Erlang staffing for every forecast interval with that interval's own AHT.
    static func staffing(_ result: ForecastResult, params: StaffingParameters, intervalMinutes: Int) throws -> [StaffingResult] {
        do {
            return try result.intervals.map { i in
                guard i.offered > 0.0001 else { return StaffingResult.zero }
                var target = params.target(intervalMinutes: intervalMinutes, ahtSeconds: max(i.ahtSeconds, 1))
                target.calls = i.offered
                return try Erlang.staffing(for: target)
            }
        } catch let e as WorkforceError { throw KefuError(e) }
    }

    func load(_ id: UUID) async throws -> Loaded {
        try decode(try await company.data.require(ForecastRun.self, id, "预测"))
    }

    /// The newest forecast of a month, if any. `withStaffing: false` leaves `staffing` empty
    /// for readers that only need the traffic (the five tables): it is the larger half of
    /// the stored JSON, and decoding it was a sixth of that page's time.
    func latest(month: String, withStaffing: Bool = true) async throws -> Loaded? {
        guard let run = try await company.data.query(ForecastRun.self).filter(\.$month == month).sort(\.$createdAt, .descending).first() else { return nil }
        return try decode(run, withStaffing: withStaffing)
    }

    func decode(_ run: ForecastRun, withStaffing: Bool = true) throws -> Loaded {
        let result = try WorkforceSettings.decode(ForecastResult.self, run.result)
        let params = try WorkforceSettings.decode(StaffingParameters.self, run.staffingParams)
        let staffing = withStaffing ? try WorkforceSettings.decode([StaffingResult].self, run.staffing) : []
        let clock = try Self.clock(timeZone, run.intervalMinutes)
        return Loaded(run: run, result: result, params: params, staffing: staffing, clock: clock,
                      days: WorkforceSettings.month(run.month)?.days ?? [])
    }

    static func clock(_ zone: TimeZone, _ minutes: Int) throws -> WorkforceClock {
        do { return try WorkforceClock(timeZone: zone, intervalMinutes: minutes) } catch let e as WorkforceError { throw KefuError(e) }
    }
}
