import Foundation
import KefuCore

// Workforce benchmark driver (Benchmarks/workforce/run.sh):
//
//   KefuWorkforceBench schedule FILE min-resources|min-abs-difference [MAX_SHIFT MAX_PERIOD]
//
// Prints {"status", "objective", "seconds"} like pyworkforce_solve.py; the time covers
// ShiftScheduler.solve only, after the JSON is decoded, like the Python side.
//
//   KefuWorkforceBench pipeline [--agents 200] [--history-days 730] [--month 2026-12] [--patience SECONDS]
//
// The end-to-end month (forecast + staffing + scheduling + roster + validation), see Pipeline.swift.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let args = CommandLine.arguments
if args.count >= 2, args[1] == "pipeline" {
    do { try PipelineBench.main(Array(args.dropFirst(2))) } catch { fail("error: \(error)") }
    exit(0)
}
guard args.count >= 4, args[1] == "schedule" else {
    fail("usage: KefuWorkforceBench schedule FILE min-resources|min-abs-difference [MAX_SHIFT MAX_PERIOD]\n"
         + "       KefuWorkforceBench pipeline [--agents 200] [--history-days 730] [--month 2026-12] [--patience SECONDS]")
}
guard let objective = ScheduleObjective(rawValue: args[3]) else { fail("unknown objective \(args[3])") }
let maxShift = args.count > 4 ? Int(args[4]) : nil
let maxPeriod = args.count > 5 ? Int(args[5]) : nil
do {
    let problem = try ShiftProblem(json: Data(contentsOf: URL(fileURLWithPath: args[2])))
    let options = ScheduleOptions(objective: objective, maxPerShift: maxShift, maxPerPeriod: maxPeriod, timeLimitSeconds: 300)
    let clock = ContinuousClock()
    let start = clock.now
    let solution = try ShiftScheduler.solve(problem, options: options)
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let objectiveText = solution.objective.map { String($0) } ?? "null"
    print("{\"status\": \"\(solution.status.rawValue)\", \"objective\": \(objectiveText), \"seconds\": \(String(format: "%.6f", seconds))}")
} catch {
    fail("error: \(error)")
}
