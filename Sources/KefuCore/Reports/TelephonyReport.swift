import Foundation

/// A period's telephony KPIs (R10.3), assembled from the rollups' sums: the whole period,
/// each queue, each interval of the day (15, 30 or 60 minutes), each day, each agent, and
/// the calls offered by weekday and hour (the heat map). Ratios are always recomputed from
/// summed counts, never averaged.
public struct TelephonyReport: Sendable {
    /// Sums of one (weekday, 15-minute slot, queue) cell over the period.
    public struct Cell: Sendable {
        public var weekday: Int; public var minute: Int; public var queue: String; public var figures: QueueCallFigures
        public init(weekday: Int, minute: Int, queue: String, figures: QueueCallFigures) {
            self.weekday = weekday; self.minute = minute; self.queue = queue; self.figures = figures
        }
    }

    public var range: ClosedRange<LocalDay>
    public var cells: [Cell]
    public var days: [LocalDay: QueueCallFigures]
    public var agents: [String: AgentTimeFigures]
    /// The floor's time per 15-minute slot of the day (all agents).
    public var floor: [Int: AgentTimeFigures]

    public init(range: ClosedRange<LocalDay>, cells: [Cell], days: [LocalDay: QueueCallFigures], agents: [String: AgentTimeFigures],
                floor: [Int: AgentTimeFigures]) {
        self.range = range; self.cells = cells; self.days = days; self.agents = agents; self.floor = floor
    }

    public var total: QueueCallFigures { cells.reduce(QueueCallFigures()) { $0 + $1.figures } }
    public var floorTotal: AgentTimeFigures { floor.values.reduce(AgentTimeFigures(), +) }

    /// Each queue, busiest first.
    public var byQueue: [(queue: String, figures: QueueCallFigures)] {
        Dictionary(grouping: cells, by: \.queue).map { ($0.key, $0.value.reduce(QueueCallFigures()) { $0 + $1.figures }) }
            .sorted { ($0.1.totals.offered, $1.0) > ($1.1.totals.offered, $0.0) }
    }

    /// Each interval of the day that saw calls or staffed time, in order, with the floor's time.
    public func byInterval(_ interval: TelephonyInterval) -> [(minute: Int, figures: QueueCallFigures, floor: AgentTimeFigures)] {
        var calls: [Int: QueueCallFigures] = [:], time: [Int: AgentTimeFigures] = [:]
        for c in cells { calls[interval.bucket(c.minute), default: QueueCallFigures()] = calls[interval.bucket(c.minute), default: QueueCallFigures()] + c.figures }
        for (m, f) in floor { time[interval.bucket(m), default: AgentTimeFigures()] = time[interval.bucket(m), default: AgentTimeFigures()] + f }
        return Set(calls.keys).union(time.keys).sorted().map { ($0, calls[$0] ?? QueueCallFigures(), time[$0] ?? AgentTimeFigures()) }
    }

    /// Calls offered (answered + abandoned + voicemail) by ISO weekday (index 0 = Monday) and hour.
    public var heatMap: [[Int]] {
        var grid = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        for c in cells where (1...7).contains(c.weekday) && (0..<1440).contains(c.minute) {
            grid[c.weekday - 1][c.minute / 60] += c.figures.totals.offered
        }
        return grid
    }

    /// Every day of the range, empty days included (a trend line with gaps would lie).
    public var byDay: [(day: LocalDay, figures: QueueCallFigures)] {
        range.days.map { ($0, days[$0] ?? QueueCallFigures()) }
    }

    /// Agents, most calls answered first.
    public var byAgent: [(workId: String, figures: AgentTimeFigures)] {
        agents.map { ($0.key, $0.value) }.sorted { ($0.1.answered, $1.0) > ($1.1.answered, $0.0) }
    }

    /// "HH:mm" of a minute of the day.
    public static func clock(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    /// What each figure means, shown under the tables so nobody has to guess the formula.
    public static let definitions = [
        "呼入量（offered）= 接通 + 放弃 + 转留言；仍在排队的来电不计入。",
        "服务水平 SL1 = 阈值内接通且已结束的通话 ÷ 已结束的接通通话（Asterisk servicelevelperf）；SL2 另把阈值内放弃的来电算作达标、阈值外放弃算作未达标（servicelevelperf2）。",
        "平均应答速度 ASA = 接通来电的排队等待总秒数 ÷ 接通数。",
        "平均处理时长 AHT = （通话 + 保持 + 话后处理）÷ 已结束的通话数。",
        "占用率 = （通话 + 话后处理）÷（通话 + 话后处理 + 空闲等待）；示忙时间不计入。",
        "队列占用率 = 该队列来电的（通话 + 话后处理）÷（同上 + 为该队列来电的空闲等待）；一段空闲记给结束它的那通来电所属队列，以示忙或签出结束的空闲记给坐席最近服务的队列。",
        "结果记在决定它的事件所在时段（接通、挂断或转留言的时刻）；时间按实际跨越的时段拆分。",
    ]
}
