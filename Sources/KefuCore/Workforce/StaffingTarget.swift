import Foundation

/// What one interval has to achieve: the offered traffic plus the service
/// goals the center promised (80 % in 20 s …). Kept as one value so the page,
/// the API and the CLI all feed the same numbers into `Erlang.staffing`.
public struct StaffingTarget: Codable, Equatable, Sendable {
    /// Offered calls in the interval.
    public var calls: Double
    /// Interval length in seconds (1800 for 30-minute intervals).
    public var intervalSeconds: Double
    /// Average handle time in seconds (talk + hold + wrap-up).
    public var ahtSeconds: Double
    /// Share of calls to answer within `answerWithinSeconds`, 0 < x ≤ 1.
    public var targetServiceLevel: Double
    /// The "20" of "80 % in 20 s"; 0 means "answered without waiting".
    public var answerWithinSeconds: Double
    /// Optional second goal: average speed of answer must not exceed this.
    public var targetASA: Double?
    /// Mean caller patience in seconds. Set it to model abandonment (Erlang A);
    /// nil assumes callers wait forever (Erlang C), which over-staffs.
    public var patienceSeconds: Double?
    /// Share of paid time not on the phone (breaks, training), 0 ≤ x < 1;
    /// turns the agents needed on the phone into agents to schedule.
    public var shrinkage: Double
    /// Ceiling on agent occupancy, 0 < x ≤ 1: a queue can meet its SL at 97 %
    /// occupancy, but people cannot sustain it.
    public var maxOccupancy: Double
    /// Optional cap on the abandon rate (Erlang A only). SL counts answered
    /// calls over offered, and large impatient queues can meet it while
    /// losing many callers; this keeps that loss bounded.
    public var maxAbandonRate: Double?

    public init(calls: Double, intervalSeconds: Double, ahtSeconds: Double, targetServiceLevel: Double,
                answerWithinSeconds: Double, targetASA: Double? = nil, patienceSeconds: Double? = nil,
                shrinkage: Double = 0, maxOccupancy: Double = 1, maxAbandonRate: Double? = nil) {
        self.calls = calls
        self.intervalSeconds = intervalSeconds
        self.ahtSeconds = ahtSeconds
        self.targetServiceLevel = targetServiceLevel
        self.answerWithinSeconds = answerWithinSeconds
        self.targetASA = targetASA
        self.patienceSeconds = patienceSeconds
        self.shrinkage = shrinkage
        self.maxOccupancy = maxOccupancy
        self.maxAbandonRate = maxAbandonRate
    }

    /// Offered load in Erlangs (calls × AHT / interval).
    public var trafficErlangs: Double { calls * ahtSeconds / intervalSeconds }

    /// Arrival rate per second.
    public var callsPerSecond: Double { calls / intervalSeconds }

    /// Refuses targets the maths cannot honour, naming the field so the page
    /// can mark the right input. Field names are the CLI flag names.
    public func validate() throws {
        guard calls.isFinite else { throw Self.invalid("calls", "话务量必须是有限的数字") }
        guard calls > 0 else { throw Self.invalid("calls", "话务量必须大于 0") }
        guard calls <= Self.maxCalls else { throw Self.invalid("calls", "每个时段的话务量不能超过 \(Int(Self.maxCalls))") }
        try validateExceptCalls()
        // The staffing search walks every agent count up to the load, so the load itself is
        // bounded: a request must not keep a core busy (issue 10), and counts stay far from
        // Int's range.
        guard trafficErlangs / maxOccupancy <= Self.maxErlangs else {
            throw Self.invalid("calls", "话务负荷过大（超过 \(Int(Self.maxErlangs)) 爱尔兰），请分时段或分队列计算")
        }
    }

    /// Largest accepted offered calls in one interval.
    public static let maxCalls: Double = 1_000_000
    /// Largest offered load (Erlangs, after the occupancy ceiling) one calculation accepts.
    public static let maxErlangs: Double = 20_000
    /// Accepted interval lengths: a minute to a day.
    public static let intervalRange: ClosedRange<Double> = 60...86_400
    /// Accepted handle times and other durations: a second to ten hours.
    public static let durationRange: ClosedRange<Double> = 1...36_000

    /// Everything but `calls`, for plans where an interval may carry no calls.
    func validateExceptCalls() throws {
        guard intervalSeconds.isFinite, Self.intervalRange.contains(intervalSeconds) else {
            throw Self.invalid("interval", "时段长度必须在 60–86400 秒之间")
        }
        guard ahtSeconds.isFinite, Self.durationRange.contains(ahtSeconds) else {
            throw Self.invalid("aht", "平均处理时长必须在 1–36000 秒之间")
        }
        guard targetServiceLevel.isFinite, targetServiceLevel > 0, targetServiceLevel <= 1 else {
            throw Self.invalid("target-sl", "服务水平目标必须大于 0 且不超过 1（例如 0.8）")
        }
        guard answerWithinSeconds.isFinite, answerWithinSeconds >= 0, answerWithinSeconds <= 36_000 else {
            throw Self.invalid("answer-within", "接通时限必须在 0–36000 秒之间")
        }
        if let targetASA {
            guard targetASA.isFinite, targetASA > 0, targetASA <= 36_000 else {
                throw Self.invalid("target-asa", "平均应答速度目标必须在 0–36000 秒之间（不含 0）")
            }
        }
        if let patienceSeconds {
            guard patienceSeconds.isFinite, Self.durationRange.contains(patienceSeconds) else {
                throw Self.invalid("patience", "客户平均耐心时长必须在 1–36000 秒之间")
            }
        }
        guard shrinkage.isFinite, shrinkage >= 0, shrinkage <= 0.9 else {
            throw Self.invalid("shrinkage", "缩减率必须在 0–0.9 之间")
        }
        guard maxOccupancy.isFinite, maxOccupancy >= 0.1, maxOccupancy <= 1 else {
            throw Self.invalid("max-occupancy", "最高占用率必须在 0.1–1 之间")
        }
        if let maxAbandonRate {
            guard maxAbandonRate.isFinite, maxAbandonRate > 0, maxAbandonRate <= 1 else {
                throw Self.invalid("max-abandon", "最高放弃率必须大于 0 且不超过 1")
            }
        }
    }

    private static func invalid(_ field: String, _ reason: String) -> WorkforceError {
        .invalidInput(field: field, reason: reason)
    }
}
