import Vapor
import Foundation
import KefuCore

/// `kefu forecast`, `kefu erlang` and `kefu schedule`: the planner's tools without a
/// database, so they run on a laptop against exported files and in scripts.
/// Bad input exits with status 2 and a Chinese reason on stderr.
enum WorkforceCLI {
    static func fail(_ command: String, _ message: String) -> Never {
        FileHandle.standardError.write(Data("kefu \(command): \(message)\n".utf8))
        exit(2)
    }

    static func read(_ command: String, _ path: String) -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: path) else { fail(command, "无法读取文件 \(path)") }
        return data
    }

    static func write(_ data: Data) {
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    static func percent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
}

/// `kefu forecast --history FILE.csv --interval 30 --horizon-days 31 [--method auto|holt-winters|wacc]`
struct ForecastCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "history", help: "Interval history CSV: interval_start,offered,answered,abandoned,aht_seconds (- for stdin)") var history: String?
        @Option(name: "interval", help: "Interval minutes: 15 or 30 (default 30)") var interval: Int?
        @Option(name: "horizon-days", help: "Days to forecast after the last day of history (default 31)") var horizonDays: Int?
        @Option(name: "method", help: "auto (default: lowest backtest WAPE), holt-winters or wacc") var method: String?
        @Option(name: "start", help: "First forecast day YYYY-MM-DD (default: the day after the history)") var start: String?
    }
    var help: String { "Forecast traffic per interval: CSV on stdout, backtest error on stderr" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let path = signature.history else { WorkforceCLI.fail("forecast", "缺少 --history FILE.csv") }
        let methodName = signature.method ?? "auto"
        let method: ForecastMethod?
        if methodName == "auto" { method = nil } else if let m = ForecastMethod(rawValue: methodName) { method = m } else {
            WorkforceCLI.fail("forecast", "未知的 --method \(methodName)：可用 auto、holt-winters、wacc")
        }
        let zone = context.application.kefu.settings.timeZone
        do {
            let clock = try WorkforceClock(timeZone: zone, intervalMinutes: signature.interval ?? 30)
            let text = String(decoding: WorkforceCLI.read("forecast", path), as: UTF8.self)
            let parsed = TrafficCSV.parse(text, clock: clock)
            if !parsed.errors.isEmpty {
                for e in parsed.errors { FileHandle.standardError.write(Data("\(e.description)\n".utf8)) }
                WorkforceCLI.fail("forecast", "历史数据有 \(parsed.errors.count) 行错误，未做预测")
            }
            guard let last = parsed.volumes.last else { WorkforceCLI.fail("forecast", "history：历史数据为空") }
            var first = clock.locate(last.start).day.adding(days: 1)
            if let s = signature.start {
                guard let day = LocalDay(s) else { WorkforceCLI.fail("forecast", "--start 须为 YYYY-MM-DD") }
                first = day
            }
            let result = try Forecaster.forecast(ForecastRequest(history: parsed.volumes, clock: clock, firstDay: first,
                                                                horizonDays: signature.horizonDays ?? 31, method: method))
            var out = "interval_start,offered,aht_seconds\n"
            out.reserveCapacity(result.intervals.count * 48)
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = zone
            formatter.formatOptions = [.withInternetDateTime]
            for i in result.intervals {
                out += formatter.string(from: i.start) + "," + String(format: "%.2f", i.offered) + "," + String(format: "%.1f", i.ahtSeconds) + "\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
            for b in result.backtests {
                let mark = b.method == result.method ? " (chosen)" : ""
                FileHandle.standardError.write(Data("backtest \(b.method.rawValue): MAPE \(WorkforceCLI.percent(b.mape)) WAPE \(WorkforceCLI.percent(b.wape))\(mark)\n".utf8))
            }
        } catch let e as WorkforceError {
            WorkforceCLI.fail("forecast", e.description)
        }
    }
}

/// `kefu erlang --calls N --interval-seconds S --aht SECONDS --target-sl 0.8 --answer-within 20 …`
struct ErlangCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "calls", help: "Calls offered in the interval") var calls: Double?
        @Option(name: "interval-seconds", help: "Interval length in seconds (default 1800)") var intervalSeconds: Double?
        @Option(name: "aht", help: "Average handle time, seconds") var aht: Double?
        @Option(name: "target-sl", help: "Service-level target, 0–1 (default 0.8)") var targetSL: Double?
        @Option(name: "answer-within", help: "Service-level threshold, seconds (default 20)") var answerWithin: Double?
        @Option(name: "target-asa", help: "Also require this average speed of answer, seconds") var targetASA: Double?
        @Option(name: "patience", help: "Average caller patience, seconds: Erlang A with abandonment") var patience: Double?
        @Option(name: "shrinkage", help: "Share of paid time not on the phones, 0–1 (default 0)") var shrinkage: Double?
        @Option(name: "max-occupancy", help: "Highest acceptable occupancy, 0–1 (default 1)") var maxOccupancy: Double?
    }
    var help: String { "Agents needed for a service-level target (Erlang C, or Erlang A with --patience): one JSON object" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let calls = signature.calls else { WorkforceCLI.fail("erlang", "缺少 --calls") }
        guard let aht = signature.aht else { WorkforceCLI.fail("erlang", "缺少 --aht") }
        let target = StaffingTarget(calls: calls, intervalSeconds: signature.intervalSeconds ?? 1800, ahtSeconds: aht,
                                    targetServiceLevel: signature.targetSL ?? 0.8, answerWithinSeconds: signature.answerWithin ?? 20,
                                    targetASA: signature.targetASA, patienceSeconds: signature.patience,
                                    shrinkage: signature.shrinkage ?? 0, maxOccupancy: signature.maxOccupancy ?? 1)
        do {
            let result = try Erlang.staffing(for: target)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            WorkforceCLI.write(try encoder.encode(result))
        } catch let e as WorkforceError {
            WorkforceCLI.fail("erlang", e.description)
        }
    }
}

/// `kefu schedule --problem FILE.json --objective min-resources|min-abs-difference [--max-per-shift N] [--max-per-period N]`
struct ScheduleCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "problem", help: "Problem JSON in pyworkforce's shape: numDays, periods, required, shifts, cost") var problem: String?
        @Option(name: "objective", help: "min-resources or min-abs-difference") var objective: String?
        @Option(name: "max-per-shift", help: "At most this many people in one shift on one day") var maxPerShift: Int?
        @Option(name: "max-per-period", help: "At most this many people in one period") var maxPerPeriod: Int?
        @Option(name: "time-limit", help: "Seconds before the best roster so far is returned as feasible (default 30)") var timeLimit: Double?
    }
    var help: String { "Optimal number of people per shift and day: JSON with status, objective and assignment" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let path = signature.problem else { WorkforceCLI.fail("schedule", "缺少 --problem FILE.json") }
        guard let name = signature.objective else { WorkforceCLI.fail("schedule", "缺少 --objective：min-resources 或 min-abs-difference") }
        guard let objective = ScheduleObjective(rawValue: name) else {
            WorkforceCLI.fail("schedule", "未知的 --objective \(name)：可用 min-resources、min-abs-difference")
        }
        do {
            let problem = try ShiftProblem(json: WorkforceCLI.read("schedule", path))
            let solution = try ShiftScheduler.solve(problem, options: ScheduleOptions(
                objective: objective, maxPerShift: signature.maxPerShift, maxPerPeriod: signature.maxPerPeriod,
                timeLimitSeconds: signature.timeLimit ?? 30))
            WorkforceCLI.write(try solution.cliJSON())
            if solution.status == .infeasible {
                FileHandle.standardError.write(Data("kefu schedule: 无可行解：\(solution.infeasibleReason ?? "约束互相矛盾")\n".utf8))
            }
        } catch let e as WorkforceError {
            WorkforceCLI.fail("schedule", e.description)
        }
    }
}
