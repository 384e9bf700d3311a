import Vapor
import Fluent
import Foundation
import KefuCore

/// `kefu simulate --scenario FILE.json [--speed N] [--json] [--serve [--port P] [--hostname H]]`
///
/// Runs the real router, hold timer and emergency engine against generated
/// arrivals in simulated time (`Simulator`) and prints the timeline of stage
/// changes and the KPIs. `--speed N` paces the run at N simulated seconds per
/// real second (default: as fast as possible). `--serve` stores the events as
/// they happen (source "simulator"), keeps the emergency state in step for the
/// wallboard and serves HTTP meanwhile; the run starts at the server's "now"
/// (start the server with `--simulated-clock` and the clock follows the
/// simulation, so waits on the wallboard are right at any speed).
/// A bad scenario file prints its problems on stderr and exits with status 2.
struct SimulateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "scenario", short: "s", help: "Scenario JSON file (required)") var scenario: String?
        @Option(name: "speed", help: "Simulated seconds per real second (default: as fast as possible)") var speed: Double?
        @Flag(name: "json", help: "Print one JSON object with timeline and kpis") var json: Bool
        @Flag(name: "serve", help: "Store the events as they happen and serve the wallboard") var serve: Bool
        @Option(name: "port", short: "p", help: "Port with --serve (default 8080)") var port: Int?
        @Option(name: "hostname", short: "H", help: "Host with --serve (default 127.0.0.1)") var hostname: String?
        @Option(name: "company", help: "With --serve: the company whose floor is simulated (default: the only company)") var company: String?
    }
    var help: String { "Simulate arrivals, routing and emergency staffing from a scenario file" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let path = signature.scenario else { Self.fail(["缺少 --scenario FILE.json"]) }
        guard let data = FileManager.default.contents(atPath: path) else { Self.fail(["无法读取场景文件 \(path)"]) }
        let scenario: SimulationScenario
        do { scenario = try SimulationScenario.load(from: data) } catch {
            Self.fail(["场景文件 \(path) 有误："] + error.lines.map { "  " + $0 })
        }
        if let speed = signature.speed, !(speed.isFinite && speed > 0) { Self.fail(["--speed 必须大于 0"]) }
        if signature.serve {
            try await serve(scenario, context: context, signature: signature)
        } else {
            try await runOffline(scenario, signature: signature)
        }
    }

    // MARK: - Offline

    private func runOffline(_ scenario: SimulationScenario, signature: Signature) async throws {
        var simulator = try Simulator(scenario: scenario)
        let zone = scenario.timeZone
        if let speed = signature.speed {
            let realStart = Date()
            while !simulator.isFinished {
                try await Task.sleep(nanoseconds: 200_000_000)
                let step = simulator.run(until: simulator.start + Date().timeIntervalSince(realStart) * speed)
                if !signature.json { for entry in step.timeline { Self.say(Self.line(entry, zone)) } }
            }
            let result = simulator.result
            if signature.json { Self.say(try Self.json(result, zone)) } else { Self.say(Self.kpiText(result.kpis)) }
            return
        }
        let result = simulator.runToEnd()
        if signature.json {
            Self.say(try Self.json(result, zone))
        } else {
            for entry in result.timeline { Self.say(Self.line(entry, zone)) }
            if result.timeline.isEmpty { Self.say("（无应急调整）") }
            Self.say(Self.kpiText(result.kpis))
        }
    }

    // MARK: - Serving

    private func serve(_ scenario: SimulationScenario, context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        try await DatabaseSetup.prepare(app)
        // The simulated calls are one company's (R11.2): its wallboard shows them.
        let company = try await TenantData.system(app.db).company(named: signature.company).requireID()
        let offsetClock = app.kefu.simulatedClock
        let startAt: Date
        if let offsetClock {
            // The simulated clock only runs forward: move it to the scenario's time of day
            // (today or tomorrow), so the day/night ladder and the wallboard read as in the file.
            startAt = Self.nextStart(of: scenario, after: offsetClock.now())
            offsetClock.advance(by: startAt.timeIntervalSince(offsetClock.now()))
        } else {
            startAt = Date(timeIntervalSince1970: app.kefu.clock.now().timeIntervalSince1970.rounded(.down))
        }
        // A fresh prefix per run, so a second replay of the same scenario is not taken for resent events.
        let prefix = "sim\(scenario.seed)-\(Int(startAt.timeIntervalSince1970))"
        let simulator = try Simulator(scenario: scenario, idPrefix: prefix, startingAt: startAt)
        let host = signature.hostname ?? "127.0.0.1"
        let port = signature.port ?? 8080
        let speed = signature.speed
        let zone = scenario.timeZone
        context.console.print("Kefu 模拟：\(scenario.durationMinutes) 分钟，\(speed.map { "速度 \($0) 倍" } ?? "全速")，"
            + "墙板 http://\(host):\(port)/wallboard")
        if offsetClock == nil {
            context.console.print("提示：未使用 --simulated-clock，模拟从此刻开始（不是场景的 \(Self.clockText(scenario.startDate!, zone))），"
                + "速度大于 1 时事件时间会快于服务器时钟；加上 --simulated-clock 可让时钟随模拟前进。")
        }
        let logger = app.logger
        Task.detached {
            do {
                try await Self.replay(simulator, company: company, app: app, speed: speed, clock: offsetClock, zone: zone)
            } catch {
                logger.error("simulate: replay stopped: \(error)")
            }
        }
        guard let serve = app.asyncCommands.commands["serve"] else { return }
        var ctx = CommandContext(console: context.console,
                                 input: CommandInput(arguments: ["kefu", "--hostname", host, "--port", String(port)]))
        ctx.application = app
        try await serve.run(using: &ctx)
    }

    /// Feeds the events to the database as simulated time passes, in steps of a quarter second of real time.
    private static func replay(_ start: Simulator, company: UUID, app: Application, speed: Double?, clock: OffsetClock?,
                               zone: TimeZone) async throws {
        var simulator = start
        let store = CTIEventStore(db: app.db)
        var savedEmergency: EmergencyState?
        let realStart = Date()
        // Give `serve` a moment to bind before the first events arrive.
        try await Task.sleep(nanoseconds: 300_000_000)
        while !simulator.isFinished {
            let target: Date
            if let speed {
                try await Task.sleep(nanoseconds: 250_000_000)
                target = simulator.start + Date().timeIntervalSince(realStart) * speed
            } else {
                target = simulator.now + 60
            }
            let step = simulator.run(until: target)
            if let clock {
                let ahead = step.now.timeIntervalSince(clock.now())
                if ahead > 0 { clock.advance(by: ahead) }
            }
            if !step.events.isEmpty {
                _ = try await store.insert(step.events, company: company, source: "simulator", receivedAt: clock?.now() ?? Date())
            }
            if simulator.emergency != savedEmergency {
                try await EmergencyCoordinator.save(simulator.emergency, company: company, on: app.db)
                savedEmergency = simulator.emergency
            }
            if !step.events.isEmpty || !step.timeline.isEmpty {
                try await LiveNotifier.changed(app, db: app.db)
            }
            for entry in step.timeline { say(line(entry, zone)) }
        }
        say("模拟结束。")
        say(kpiText(simulator.result.kpis))
    }

    /// The first instant at or after `now` with the scenario's local time of day.
    static func nextStart(of scenario: SimulationScenario, after now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = scenario.timeZone
        let start = scenario.startDate!
        let timeOfDay = start.timeIntervalSince(calendar.startOfDay(for: start))
        var candidate = calendar.startOfDay(for: now).addingTimeInterval(timeOfDay)
        if candidate < now { candidate = calendar.date(byAdding: .day, value: 1, to: candidate) ?? candidate + 86_400 }
        return candidate
    }

    static func clockText(_ date: Date, _ zone: TimeZone) -> String {
        SimulationTimelineEntry(at: date, kind: .stageChange, text: "", stage: 0, waiting: 0).clock(in: zone)
    }

    // MARK: - Output

    static func line(_ entry: SimulationTimelineEntry, _ zone: TimeZone) -> String {
        "\(entry.clock(in: zone))  \(entry.text)"
    }

    static func kpiText(_ k: SimulationKPIs) -> String {
        func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
        func seconds(_ v: Double) -> String { String(format: "%.1f 秒", v) }
        let rows: [(String, String)] = [
            ("来话 offered", String(k.offered)),
            ("接通 answered", String(k.answered)),
            ("放弃 abandoned", String(k.abandoned)),
            ("未结束 unfinished", String(k.unfinished)),
            ("服务水平（\(k.serviceLevelSeconds) 秒内接通/接通）", percent(k.serviceLevel)),
            ("服务水平 SL2（Asterisk）", percent(k.serviceLevel2)),
            ("接通率", percent(k.answerRate)),
            ("放弃率", percent(k.abandonRate)),
            ("平均等待 ASA", seconds(k.averageWaitSeconds)),
            ("最长等待", seconds(k.maxWaitSeconds)),
            ("平均处理时长", seconds(k.averageHandleSeconds)),
            ("占用率", percent(k.occupancy)),
            ("最高应急等级", String(k.maxEmergencyStage)),
            ("应急调入/签出步数", "\(k.stepsApplied)/\(k.stepsReleased)"),
            ("振铃未接", String(k.ringNoAnswers)),
            ("保持次数（超 30 秒）", "\(k.holds)（\(k.holdsOverLimit)）"),
            ("VIP 接通（由 VIP 话务员）", "\(k.vipAnswered)（\(k.vipAnsweredByVIPAgent)）"),
        ]
        return "KPI\n" + rows.map { "  \($0.0)：\($0.1)" }.joined(separator: "\n")
    }

    struct JSONOutput: Encodable {
        struct Entry: Encodable { var at: Date; var clock: String; var kind: String; var stage: Int; var waiting: Int; var text: String }
        var timeline: [Entry]
        var kpis: SimulationKPIs
        var events: Int
    }

    static func json(_ result: SimulationResult, _ zone: TimeZone) throws -> String {
        let output = JSONOutput(
            timeline: result.timeline.map {
                .init(at: $0.at, clock: $0.clock(in: zone), kind: $0.kind.rawValue, stage: $0.stage, waiting: $0.waiting, text: $0.text)
            },
            kpis: result.kpis, events: result.events.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }

    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func fail(_ lines: [String]) -> Never {
        FileHandle.standardError.write(Data(("kefu simulate: " + lines.joined(separator: "\n") + "\n").utf8))
        exit(2)
    }
}
