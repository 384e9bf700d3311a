import Foundation

/// One person on the simulated floor.
public struct SimulationAgent: Sendable, Equatable, Codable {
    public var workId: String
    /// Groups the person belongs to; `inbound`/`vip` answer calls, the others
    /// (floating_experts, outbound, qc, back_office) are the emergency pools.
    public var groups: [AgentGroup]
    /// Answers VIP calls first (R3.2).
    public var vip: Bool
    /// Signed into the inbound queue at the start. People not signed in are
    /// the pool the emergency steps pull from.
    public var signedIn: Bool

    public init(workId: String, groups: [AgentGroup] = [.inbound], vip: Bool = false, signedIn: Bool = true) {
        self.workId = workId
        self.groups = groups
        self.vip = vip
        self.signedIn = signedIn
    }

    private enum CodingKeys: String, CodingKey { case workId, groups, vip, signedIn }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        workId = try c.decode(String.self, forKey: .workId)
        groups = try c.decodeIfPresent([AgentGroup].self, forKey: .groups) ?? [.inbound]
        vip = try c.decodeIfPresent(Bool.self, forKey: .vip) ?? false
        signedIn = try c.decodeIfPresent(Bool.self, forKey: .signedIn) ?? true
    }
}

/// How talk times are drawn around `ahtSeconds`.
public enum SimulationAHTDistribution: String, Sendable, Codable, CaseIterable {
    /// Memoryless; many very short and a few very long calls.
    case exponential
    /// The usual shape of real handle times: mean `ahtSeconds`, log-space
    /// standard deviation `ahtSigma` (default 0.5).
    case lognormal
}

/// A simulation scenario (`kefu simulate --scenario FILE.json`).
///
/// ```json
/// {"seed": 7, "start": "2026-03-02T09:00:00+08:00", "durationMinutes": 120, "intervalMinutes": 15,
///  "arrivals": [20, 60, 60, 20], "vipShare": 0.1, "ahtSeconds": 180, "patienceSeconds": 240,
///  "agents": [{"workId": "1001", "groups": ["inbound"], "vip": false, "signedIn": true}]}
/// ```
///
/// Arrivals are Poisson: `arrivals[i]` is the mean number of calls in the
/// i-th interval (the last value repeats when the list is shorter than the
/// run), spread uniformly inside the interval. Talk time follows
/// `ahtDistribution` (lognormal by default), patience is exponential with
/// mean `patienceSeconds`, after-contact work is uniform in 0…`acwSeconds`.
public struct SimulationScenario: Sendable, Equatable, Codable {
    public var seed: UInt64
    /// ISO 8601 with an offset; timeline clock times are printed in that offset.
    public var start: String
    public var durationMinutes: Int
    public var intervalMinutes: Int
    public var arrivals: [Double]
    public var vipShare: Double
    public var ahtSeconds: Double
    public var ahtDistribution: SimulationAHTDistribution
    public var ahtSigma: Double
    public var patienceSeconds: Double
    /// Ring timeout: an offer not answered by then moves to the next agent.
    public var ringSeconds: Double
    /// Share of offers the agent does not pick up (ring timeout, then the agent is paused briefly).
    public var noAnswerShare: Double
    /// Share of answered calls with one hold, and the mean hold length (exponential).
    public var holdShare: Double
    public var holdSeconds: Double
    /// Upper bound of after-contact work (uniform 0…acwSeconds).
    public var acwSeconds: Double
    public var agents: [SimulationAgent]
    public var policy: EmergencyPolicy?
    public var emergencyMode: EmergencyMode

    public init(seed: UInt64 = 1, start: String, durationMinutes: Int, intervalMinutes: Int = 15, arrivals: [Double],
                vipShare: Double = 0, ahtSeconds: Double, ahtDistribution: SimulationAHTDistribution = .lognormal,
                ahtSigma: Double = 0.5, patienceSeconds: Double, ringSeconds: Double = 10, noAnswerShare: Double = 0,
                holdShare: Double = 0, holdSeconds: Double = 20, acwSeconds: Double = 10, agents: [SimulationAgent],
                policy: EmergencyPolicy? = nil, emergencyMode: EmergencyMode = .automatic) {
        self.seed = seed
        self.start = start
        self.durationMinutes = durationMinutes
        self.intervalMinutes = intervalMinutes
        self.arrivals = arrivals
        self.vipShare = vipShare
        self.ahtSeconds = ahtSeconds
        self.ahtDistribution = ahtDistribution
        self.ahtSigma = ahtSigma
        self.patienceSeconds = patienceSeconds
        self.ringSeconds = ringSeconds
        self.noAnswerShare = noAnswerShare
        self.holdShare = holdShare
        self.holdSeconds = holdSeconds
        self.acwSeconds = acwSeconds
        self.agents = agents
        self.policy = policy
        self.emergencyMode = emergencyMode
    }

    private enum CodingKeys: String, CodingKey {
        case seed, start, durationMinutes, intervalMinutes, arrivals, vipShare, ahtSeconds, ahtDistribution, ahtSigma,
             patienceSeconds, ringSeconds, noAnswerShare, holdShare, holdSeconds, acwSeconds, agents, policy, emergencyMode
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1
        start = try c.decode(String.self, forKey: .start)
        durationMinutes = try c.decode(Int.self, forKey: .durationMinutes)
        intervalMinutes = try c.decodeIfPresent(Int.self, forKey: .intervalMinutes) ?? 15
        arrivals = try c.decode([Double].self, forKey: .arrivals)
        vipShare = try c.decodeIfPresent(Double.self, forKey: .vipShare) ?? 0
        ahtSeconds = try c.decode(Double.self, forKey: .ahtSeconds)
        ahtDistribution = try c.decodeIfPresent(SimulationAHTDistribution.self, forKey: .ahtDistribution) ?? .lognormal
        ahtSigma = try c.decodeIfPresent(Double.self, forKey: .ahtSigma) ?? 0.5
        patienceSeconds = try c.decode(Double.self, forKey: .patienceSeconds)
        ringSeconds = try c.decodeIfPresent(Double.self, forKey: .ringSeconds) ?? 10
        noAnswerShare = try c.decodeIfPresent(Double.self, forKey: .noAnswerShare) ?? 0
        holdShare = try c.decodeIfPresent(Double.self, forKey: .holdShare) ?? 0
        holdSeconds = try c.decodeIfPresent(Double.self, forKey: .holdSeconds) ?? 20
        acwSeconds = try c.decodeIfPresent(Double.self, forKey: .acwSeconds) ?? 10
        agents = try c.decode([SimulationAgent].self, forKey: .agents)
        policy = try c.decodeIfPresent(EmergencyPolicy.self, forKey: .policy)
        emergencyMode = try c.decodeIfPresent(EmergencyMode.self, forKey: .emergencyMode) ?? .automatic
    }

    // MARK: - Reading and checking

    /// Decodes and validates a scenario file; the error lists every problem found.
    public static func load(from data: Data) throws(SimulationScenarioError) -> SimulationScenario {
        let scenario: SimulationScenario
        do {
            scenario = try JSONDecoder().decode(SimulationScenario.self, from: data)
        } catch let error as DecodingError {
            throw SimulationScenarioError(problems: [Self.problem(error)])
        } catch {
            throw SimulationScenarioError(problems: [FieldProblem(field: "(文件)", message: "不是有效的 JSON：\(error)")])
        }
        let problems = scenario.validate()
        if !problems.isEmpty { throw SimulationScenarioError(problems: problems) }
        return scenario
    }

    static func problem(_ error: DecodingError) -> FieldProblem {
        func path(_ keys: [CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "(文件)" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return FieldProblem(field: path(context.codingPath + [key]), message: "缺少必填字段")
        case .typeMismatch(let type, let context):
            return FieldProblem(field: path(context.codingPath), message: "类型不对，应为 \(Self.typeName(type))")
        case .valueNotFound(let type, let context):
            return FieldProblem(field: path(context.codingPath), message: "不能为 null，应为 \(Self.typeName(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return FieldProblem(field: "(文件)", message: "不是有效的 JSON")
            }
            return FieldProblem(field: path(context.codingPath), message: "取值无效（\(context.debugDescription)）")
        @unknown default:
            return FieldProblem(field: "(文件)", message: "无法读取：\(error)")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("Int") || name.contains("Double") { return "数字" }
        if name.contains("String") { return "字符串" }
        if name.contains("Bool") { return "true/false" }
        if name.contains("Array") { return "数组" }
        return name
    }

    /// Problems to fix before the scenario can run, in the words printed next to the field.
    public func validate() -> [FieldProblem] {
        var p: [FieldProblem] = []
        func add(_ field: String, _ message: String) { p.append(FieldProblem(field: field, message: message)) }
        func share(_ value: Double, _ field: String) {
            if !(value.isFinite && value >= 0 && value <= 1) { add(field, "必须在 0 到 1 之间") }
        }
        if startDate == nil { add("start", "开始时间须为带时区的 ISO 8601 时间，如 2026-03-02T09:00:00+08:00") }
        if durationMinutes <= 0 { add("durationMinutes", "模拟时长必须大于 0 分钟") }
        if durationMinutes > 7 * 24 * 60 { add("durationMinutes", "模拟时长不能超过 7 天") }
        if intervalMinutes <= 0 { add("intervalMinutes", "统计间隔必须大于 0 分钟") }
        if arrivals.isEmpty { add("arrivals", "至少需要一个时段的来话量") }
        for (index, value) in arrivals.enumerated() where !(value.isFinite && value >= 0 && value <= 100_000) {
            add("arrivals[\(index)]", "每时段平均来话量须为 0 到 100000 之间的数")
        }
        share(vipShare, "vipShare")
        if !(ahtSeconds.isFinite && ahtSeconds > 0) { add("ahtSeconds", "平均处理时长必须大于 0 秒") }
        if !(ahtSigma.isFinite && ahtSigma > 0 && ahtSigma <= 3) { add("ahtSigma", "对数正态分布的 sigma 须在 0 到 3 之间") }
        if !(patienceSeconds.isFinite && patienceSeconds > 0) { add("patienceSeconds", "平均耐心时长必须大于 0 秒") }
        if !(ringSeconds.isFinite && ringSeconds >= 2) { add("ringSeconds", "振铃超时至少 2 秒") }
        share(noAnswerShare, "noAnswerShare")
        share(holdShare, "holdShare")
        if !(holdSeconds.isFinite && holdSeconds > 0) { add("holdSeconds", "平均保持时长必须大于 0 秒") }
        if !(acwSeconds.isFinite && acwSeconds >= 0) { add("acwSeconds", "话后处理时长不能为负数") }
        if agents.isEmpty { add("agents", "至少需要一名话务员") }
        var seen: Set<String> = []
        for (index, agent) in agents.enumerated() {
            let field = "agents[\(index)]"
            if agent.workId.trimmingCharacters(in: .whitespaces).isEmpty { add("\(field).workId", "工号不能为空") }
            else if !seen.insert(agent.workId).inserted { add("\(field).workId", "工号 \(agent.workId) 重复") }
            if agent.groups.isEmpty { add("\(field).groups", "至少属于一个组") }
        }
        if !agents.isEmpty, !agents.contains(where: \.signedIn) { add("agents", "开始时至少需要一名已签入的话务员") }
        if let policy {
            for problem in policy.validate() { add("policy.\(problem.field)", problem.message) }
        }
        return p
    }

    // MARK: - Derived values

    /// The start instant; nil when `start` is not ISO 8601 with an offset.
    public var startDate: Date? { try? CTITimestamp.parse(start) }

    /// The offset written in `start` ("+08:00" → UTC+8), for printing clock times.
    public var timeZone: TimeZone {
        let text = start.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("Z") || text.hasSuffix("z") { return TimeZone(secondsFromGMT: 0)! }
        let chars = Array(text)
        var index = chars.count - 1
        while index > 10, chars[index] != "+", chars[index] != "-" { index -= 1 }
        guard index > 10 else { return TimeZone(secondsFromGMT: 0)! }
        let sign = chars[index] == "-" ? -1 : 1
        let digits = chars[(index + 1)...].filter(\.isNumber)
        guard digits.count == 4, let h = Int(String(digits.prefix(2))), let m = Int(String(digits.suffix(2))) else {
            return TimeZone(secondsFromGMT: 0)!
        }
        return TimeZone(secondsFromGMT: sign * (h * 3600 + m * 60)) ?? TimeZone(secondsFromGMT: 0)!
    }

    /// Poisson mean of the interval `index` (the last value repeats).
    public func meanArrivals(interval index: Int) -> Double {
        guard let last = arrivals.last else { return 0 }
        return index < arrivals.count ? arrivals[index] : last
    }
}

/// Why a scenario cannot run: every problem, each with its field.
public struct SimulationScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [FieldProblem]

    public init(problems: [FieldProblem]) { self.problems = problems }

    /// One line per problem: "字段 arrivals[2]：每时段平均来话量须为 …".
    public var lines: [String] { problems.map { "字段 \($0.field)：\($0.message)" } }

    public var description: String { lines.joined(separator: "\n") }
}
