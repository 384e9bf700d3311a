import Foundation

/// What a set of orders comes to (one group of a report, or a day's rollup bucket): counts
/// that add up across days and groups, and the rates computed from them.
public struct OrderTotals: Codable, Equatable, Sendable {
    public var count = 0
    public var closed = 0
    public var firstContactResolved = 0
    public var slaMet = 0
    public var slaBreached = 0
    public var escalated = 0
    public var reopened = 0
    public var duplicates = 0
    /// Callbacks with a satisfaction answer, and the answers' sum (R10.4: sample size shown).
    public var sampled = 0
    public var satisfactionSum = 0

    public init() {}

    public init(_ facts: OrderFacts) {
        count = 1
        closed = facts.closed ? 1 : 0
        firstContactResolved = facts.firstContactResolved ? 1 : 0
        slaMet = facts.slaMet ? 1 : 0
        slaBreached = facts.slaBreached ? 1 : 0
        escalated = facts.escalated ? 1 : 0
        reopened = facts.reopened ? 1 : 0
        duplicates = facts.duplicate ? 1 : 0
        sampled = facts.satisfaction == nil ? 0 : 1
        satisfactionSum = facts.satisfaction ?? 0
    }

    public static func + (a: OrderTotals, b: OrderTotals) -> OrderTotals {
        var t = a
        t.count += b.count; t.closed += b.closed; t.firstContactResolved += b.firstContactResolved
        t.slaMet += b.slaMet; t.slaBreached += b.slaBreached; t.escalated += b.escalated; t.reopened += b.reopened
        t.duplicates += b.duplicates; t.sampled += b.sampled; t.satisfactionSum += b.satisfactionSum
        return t
    }

    public static func += (a: inout OrderTotals, b: OrderTotals) { a = a + b }

    /// Average satisfaction of the sample, nil when nobody was asked.
    public var averageSatisfaction: Double? { sampled == 0 ? nil : Double(satisfactionSum) / Double(sampled) }

    /// First-contact resolution among the closed orders.
    public var firstContactRate: Double? { closed == 0 ? nil : Double(firstContactResolved) / Double(closed) }

    /// SLA compliance among the orders whose outcome is known (met or breached).
    public var slaRate: Double? { slaMet + slaBreached == 0 ? nil : Double(slaMet) / Double(slaMet + slaBreached) }

    /// Reopened among all orders taken.
    public var reopenRate: Double? { count == 0 ? nil : Double(reopened) / Double(count) }
}

/// How a period report splits its orders (the API's `groupBy`).
public enum OrderReportGrouping: String, CaseIterable, Codable, Sendable {
    case type, channel, branch, department, priority, day

    public var label: String {
        switch self {
        case .type: "类型"
        case .channel: "渠道"
        case .branch: "分公司"
        case .department: "承办部门"
        case .priority: "优先级"
        case .day: "日期"
        }
    }
}

/// The periods a center reports on (R10.1): week, month, quarter, half-year, year, or any
/// range of days; each with the period before it, which a PDCA review compares against.
public enum ReportPeriod: String, CaseIterable, Codable, Sendable {
    case week, month, quarter, halfYear = "half_year", year

    public var label: String {
        switch self {
        case .week: "周报"
        case .month: "月报"
        case .quarter: "季报"
        case .halfYear: "半年报"
        case .year: "年报"
        }
    }

    /// The period of this kind that contains `day` (weeks start on Monday).
    public func range(containing day: LocalDay) -> ClosedRange<LocalDay> {
        switch self {
        case .week:
            let first = day.adding(days: 1 - day.weekday())
            return first...first.adding(days: 6)
        case .month:
            return Self.months(from: LocalDay(year: day.year, month: day.month, day: 1), count: 1)
        case .quarter:
            return Self.months(from: LocalDay(year: day.year, month: (day.month - 1) / 3 * 3 + 1, day: 1), count: 3)
        case .halfYear:
            return Self.months(from: LocalDay(year: day.year, month: day.month <= 6 ? 1 : 7, day: 1), count: 6)
        case .year:
            return Self.months(from: LocalDay(year: day.year, month: 1, day: 1), count: 12)
        }
    }

    /// The period of this kind just before the one containing `day`.
    public func previous(before day: LocalDay) -> ClosedRange<LocalDay> {
        range(containing: range(containing: day).lowerBound.adding(days: -1))
    }

    static func months(from first: LocalDay, count: Int) -> ClosedRange<LocalDay> {
        var y = first.year, m = first.month + count
        while m > 12 { m -= 12; y += 1 }
        return first...LocalDay(year: y, month: m, day: 1).adding(days: -1)
    }

    /// The range of the same length just before `range` (for a custom range's comparison).
    public static func preceding(_ range: ClosedRange<LocalDay>) -> ClosedRange<LocalDay> {
        let length = range.upperBound.dayNumber - range.lowerBound.dayNumber
        let last = range.lowerBound.adding(days: -1)
        return last.adding(days: -length)...last
    }

    /// The longest range a report reads: enough for a year and a day of slack.
    public static let maxDays = 400

    /// A report's range as typed (YYYY-MM-DD each), or what is wrong with it.
    public static func parse(from: String?, to: String?) -> Result<ClosedRange<LocalDay>, ReportRangeProblem> {
        guard let f = from.flatMap({ LocalDay($0.trimmingCharacters(in: .whitespaces)) }) else { return .failure(.init(field: "from", message: "开始日期须为 YYYY-MM-DD")) }
        guard let t = to.flatMap({ LocalDay($0.trimmingCharacters(in: .whitespaces)) }) else { return .failure(.init(field: "to", message: "结束日期须为 YYYY-MM-DD")) }
        guard f <= t else { return .failure(.init(field: "to", message: "结束日期不能早于开始日期")) }
        guard t.dayNumber - f.dayNumber < maxDays else { return .failure(.init(field: "to", message: "一次最多统计 \(maxDays) 天")) }
        guard f.year >= 2000, t.year <= 2100 else { return .failure(.init(field: "from", message: "日期须在 2000–2100 年之间")) }
        return .success(f...t)
    }
}

public struct ReportRangeProblem: Error, Equatable, Sendable {
    public var field: String
    public var message: String
}

extension ClosedRange where Bound == LocalDay {
    /// Every day of the range, in order.
    public var days: [LocalDay] { (0...(upperBound.dayNumber - lowerBound.dayNumber)).map { lowerBound.adding(days: $0) } }
}
