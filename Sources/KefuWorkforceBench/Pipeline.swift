import Foundation
import KefuCore

/// The end-to-end month benchmark of issue 5: forecast + staffing + scheduling + roster +
/// validation for one month, on deterministic synthetic history, so "how long does planning a
/// 200-agent month take" has one reproducible answer. The stages mirror the server
/// (ForecastService.run/staffing, RosterService.generate) call for call, so the numbers are
/// what the 生成排班 button costs minus the database.
///
///   KefuWorkforceBench pipeline [--agents 200] [--history-days 730] [--month 2026-12]
///                               [--patience SECONDS] [--repeat 5]
///
/// Prints one JSON object: best-of-N seconds per stage and the plan's key figures.
enum PipelineBench {
    struct Config {
        var agents = 200
        var historyDays = 730
        var month = "2026-12"
        /// Set → Erlang A with this mean patience (the server's `patienceSeconds`).
        var patienceSeconds: Double?
        var repeats = 5
    }

    /// The server's StaffingParameters defaults.
    static let targetServiceLevel = 0.8, answerWithinSeconds = 20.0, shrinkage = 0.3, maxOccupancy = 0.85
    static let intervalMinutes = 30

    struct Seconds: Encodable {
        var forecast = Double.infinity, staffing = Double.infinity, scheduling = Double.infinity
        var roster = Double.infinity, validation = Double.infinity, total = Double.infinity
    }

    struct Report: Encodable {
        var mode = "pipeline"
        var month: String
        var agents: Int
        var historyDays: Int
        var intervals: Int
        var staffingModel: String
        var patienceSeconds: Double?
        var repeats: Int
        var seconds: Seconds
        var forecastMethod: String
        var wape: Double
        var backtestWAPE: [String: Double]
        var forecastCalls: Int
        var requiredSeatIntervals: Int
        var peakSeats: Int
        var scheduleStatus: String
        var scheduledShifts: Int
        var shiftsAssigned: Int
        var regularAssigned: Int
        var shortfalls: Int
        var missingSeats: Int
        var violations: Int
        var maxAverageWeeklyHours: Double
    }

    static func main(_ arguments: [String]) throws {
        let config = try parse(arguments)
        guard let month = parseMonth(config.month) else { throw usage("bad --month \(config.month)") }
        let clock = try WorkforceClock(intervalMinutes: intervalMinutes)
        let holidays = WorkforceHolidays()
        let history = PipelineTraffic.history(agents: config.agents, days: config.historyDays, before: month.first,
                                              clock: clock, holidays: holidays)
        let agents = PipelineTraffic.agents(count: config.agents, days: month.days)
        let templates = ShiftTemplate.defaults
        let rules = RosterRules()

        var best = Seconds()
        var last: (forecast: ForecastResult, required: [[Int]], solution: ScheduleSolution, roster: Roster,
                   violations: [RosterViolation])?
        let timer = ContinuousClock()
        for _ in 0..<config.repeats {
            var forecast: ForecastResult!
            var staffing: [StaffingResult] = []
            var required: [[Int]] = []
            var solution: ScheduleSolution!
            var demand: RosterDemand!
            var roster: Roster!
            var violations: [RosterViolation] = []
            let tForecast = try timer.measure {
                forecast = try Forecaster.forecast(ForecastRequest(history: history, clock: clock, firstDay: month.first,
                                                                   horizonDays: month.days.count, method: nil,
                                                                   holidays: holidays))
            }
            let tStaffing = try timer.measure {
                staffing = try self.staffing(forecast, patienceSeconds: config.patienceSeconds)
            }
            let tScheduling = try timer.measure {
                (required, solution, demand) = try schedule(forecast, staffing: staffing, days: month.days,
                                                            slots: clock.slotsPerDay, templates: templates)
            }
            let tRoster = try timer.measure {
                roster = try RosterBuilder.build(demand: demand, templates: templates, agents: agents, rules: rules)
            }
            let tValidation = timer.measure {
                violations = RosterValidator.violations(of: roster.assignments, templates: templates, agents: agents,
                                                        rules: rules, days: month.days)
            }
            let stages = [tForecast, tStaffing, tScheduling, tRoster, tValidation].map(seconds)
            best.forecast = min(best.forecast, stages[0])
            best.staffing = min(best.staffing, stages[1])
            best.scheduling = min(best.scheduling, stages[2])
            best.roster = min(best.roster, stages[3])
            best.validation = min(best.validation, stages[4])
            best.total = min(best.total, stages.reduce(0, +))
            if let previous = last, previous.roster != roster {
                throw usage("the pipeline is not deterministic: two runs gave different rosters")
            }
            last = (forecast, required, solution, roster, violations)
        }
        guard let run = last else { throw usage("--repeat must be at least 1") }
        print(try json(report(config: config, best: best, run: run)))
    }

    /// ForecastService.staffing: Erlang per interval with that interval's AHT, nobody for no calls.
    static func staffing(_ result: ForecastResult, patienceSeconds: Double?) throws -> [StaffingResult] {
        try result.intervals.map { i in
            guard i.offered > 0.0001 else { return StaffingResult.zero }
            let target = StaffingTarget(calls: i.offered, intervalSeconds: Double(intervalMinutes * 60),
                                        ahtSeconds: max(i.ahtSeconds, 1), targetServiceLevel: targetServiceLevel,
                                        answerWithinSeconds: answerWithinSeconds, patienceSeconds: patienceSeconds,
                                        shrinkage: shrinkage, maxOccupancy: maxOccupancy)
            return try Erlang.staffing(for: target)
        }
    }

    /// RosterService.generate up to the builder: seats per interval → people per template and
    /// day (min-resources, min-abs-difference when a period is uncoverable) → the month's demand.
    static func schedule(_ forecast: ForecastResult, staffing: [StaffingResult], days: [LocalDay], slots: Int,
                         templates: [ShiftTemplate]) throws -> (required: [[Int]], solution: ScheduleSolution, demand: RosterDemand) {
        guard forecast.intervals.count >= days.count * slots else { throw usage("forecast interval count does not match the month") }
        var required: [[Int]] = []
        for d in days.indices {
            required.append((0..<slots).map { staffing[d * slots + $0].scheduled })
        }
        var holidays: [LocalDay: String] = [:]
        for i in forecast.intervals { if let h = i.holiday { holidays[i.day] = h } }
        let coverage = Dictionary(uniqueKeysWithValues: templates.map { ($0.code, $0.coverage(intervalMinutes: intervalMinutes)) })
        let problem = try ShiftProblem(numDays: days.count, periods: slots, required: required, shifts: coverage)
        var solution = try ShiftScheduler.solve(problem, options: ScheduleOptions(objective: .minResources, timeLimitSeconds: 10))
        if solution.status == .infeasible {
            solution = try ShiftScheduler.solve(problem, options: ScheduleOptions(objective: .minAbsDifference, timeLimitSeconds: 10))
        }
        let perShift = solution.assignment.map { row in
            templates.map { t in solution.shiftNames.firstIndex(of: t.code).map { row[$0] } ?? 0 }
        }
        return (required, solution, RosterDemand(days: days, required: perShift, holidays: holidays))
    }

    static func report(config: Config, best: Seconds, run: (forecast: ForecastResult, required: [[Int]], solution: ScheduleSolution,
                                                            roster: Roster, violations: [RosterViolation])) -> Report {
        var rounded = best
        for path in [\Seconds.forecast, \.staffing, \.scheduling, \.roster, \.validation, \.total] {
            rounded[keyPath: path] = round6(best[keyPath: path])
        }
        let chosen = run.forecast.backtests.first { $0.method == run.forecast.method }
        return Report(month: config.month, agents: config.agents, historyDays: config.historyDays,
                      intervals: run.forecast.intervals.count,
                      staffingModel: config.patienceSeconds == nil ? "erlang-c" : "erlang-a",
                      patienceSeconds: config.patienceSeconds, repeats: config.repeats, seconds: rounded,
                      forecastMethod: run.forecast.method.rawValue, wape: round6(chosen?.wape ?? .nan),
                      backtestWAPE: Dictionary(uniqueKeysWithValues: run.forecast.backtests.map { ($0.method.rawValue, round6($0.wape)) }),
                      forecastCalls: Int(run.forecast.intervals.reduce(0) { $0 + $1.offered }.rounded()),
                      requiredSeatIntervals: run.required.joined().reduce(0, +),
                      peakSeats: run.required.joined().max() ?? 0,
                      scheduleStatus: run.solution.status.rawValue,
                      scheduledShifts: run.solution.assignment.joined().reduce(0, +),
                      shiftsAssigned: run.roster.assignments.count,
                      regularAssigned: run.roster.assignments.filter { $0.role == .regular }.count,
                      shortfalls: run.roster.shortfalls.count,
                      missingSeats: run.roster.shortfalls.reduce(0) { $0 + $1.missing },
                      violations: run.violations.count,
                      maxAverageWeeklyHours: round6(run.roster.stats.map(\.averageWeeklyHours).max() ?? 0))
    }

    static func json(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func round6(_ x: Double) -> Double { x.isFinite ? (x * 1e6).rounded() / 1e6 : x }

    static func parse(_ arguments: [String]) throws -> Config {
        var config = Config()
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw usage("\(flag) needs a value") }
            switch flag {
            case "--agents": config.agents = try positive(flag, Int(value))
            case "--history-days": config.historyDays = try positive(flag, Int(value))
            case "--month": config.month = value
            case "--patience":
                guard let p = Double(value), p > 0, p.isFinite else { throw usage("--patience must be > 0 seconds") }
                config.patienceSeconds = p
            case "--repeat": config.repeats = try positive(flag, Int(value))
            default: throw usage("unknown option \(flag)")
            }
        }
        return config
    }

    static func positive(_ flag: String, _ value: Int?) throws -> Int {
        guard let v = value, v > 0 else { throw usage("\(flag) must be a positive integer") }
        return v
    }

    /// "2026-12" → first day and the month's days.
    static func parseMonth(_ text: String) -> (first: LocalDay, days: [LocalDay])? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (2000...2100).contains(y), (1...12).contains(m)
        else { return nil }
        let days = RosterDemand.days(year: y, month: m)
        return days.first.map { ($0, days) }
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func usage(_ message: String) -> UsageError {
        UsageError(description: message + "\nusage: KefuWorkforceBench pipeline [--agents 200] [--history-days 730] "
            + "[--month 2026-12] [--patience SECONDS] [--repeat 5]")
    }
}
