import Foundation

/// How many people each shift needs, day by day (班次排班问题).
///
/// The JSON form is pyworkforce's input (`numDays`, `periods`, `required`,
/// `shifts`, optional `cost`), so a planner can hand the same file to Kefu and
/// to pyworkforce and compare. Shifts are kept sorted by name because a JSON
/// object's key order does not survive decoding; every per-shift array
/// (`coverage`, `cost`, a solution's columns) uses that order.
public struct ShiftProblem: Codable, Equatable, Sendable {
    public var numDays: Int
    public var periods: Int
    /// `required[day][period]`: people needed in that period.
    public var required: [[Int]]
    public var shiftNames: [String]
    /// `coverage[shift][period]` is 1 when the shift works that period. A shift
    /// with ones at both ends wraps past midnight (a night shift).
    public var coverage: [[Int]]
    /// Cost of one person on each shift (pyworkforce's `cost_dict`); nil = 1 each.
    public var cost: [Int]?

    /// Validates like `init(json:)`, so programmatic and imported problems fail the same way.
    public init(numDays: Int, periods: Int, required: [[Int]], shifts: [String: [Int]], cost: [String: Int]? = nil) throws {
        try Self.validate(numDays: numDays, periods: periods, required: required, shifts: shifts, cost: cost)
        self.numDays = numDays
        self.periods = periods
        self.required = required
        shiftNames = shifts.keys.sorted()
        coverage = shiftNames.map { shifts[$0]! }
        self.cost = cost.map { c in shiftNames.map { c[$0]! } }
    }

    /// Reads pyworkforce's shape; every problem becomes `WorkforceError.invalidInput`
    /// naming the field (e.g. `required[3][7]`) so the page can point at it.
    public init(json: Data) throws {
        do {
            self = try JSONDecoder().decode(ShiftProblem.self, from: json)
        } catch let error as WorkforceError {
            throw error
        } catch let error as DecodingError {
            throw Self.invalidInput(error)
        } catch {
            throw WorkforceError.invalidInput(field: "json", reason: "无法解析 JSON：\(error.localizedDescription)")
        }
    }

    /// Back to pyworkforce's shape (keys sorted, so the output is stable).
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Index of the shifts that work `period`, in `shiftNames` order.
    func shifts(covering period: Int) -> [Int] {
        coverage.indices.filter { coverage[$0][period] == 1 }
    }

    // MARK: Codable (pyworkforce shape)

    private enum CodingKeys: String, CodingKey { case numDays, periods, required, shifts, cost }

    /// Numbers are read as Double and checked here, because Foundation reports
    /// `1.5` where an Int belongs as corrupt JSON without saying where.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func int(_ v: Double, _ field: String) throws -> Int {
            guard v.rounded() == v, abs(v) < 1e15 else {
                throw WorkforceError.invalidInput(field: field, reason: "必须是整数（实际 \(v)）")
            }
            return Int(v)
        }
        let required = try c.decode([[Double]].self, forKey: .required)
        let shifts = try c.decode([String: [Double]].self, forKey: .shifts)
        let cost = try c.decodeIfPresent([String: Double].self, forKey: .cost)
        try self.init(
            numDays: int(c.decode(Double.self, forKey: .numDays), "numDays"),
            periods: int(c.decode(Double.self, forKey: .periods), "periods"),
            required: required.enumerated().map { d, row in
                try row.enumerated().map { p, v in try int(v, "required[\(d)][\(p)]") }
            },
            shifts: shifts.reduce(into: [:]) { out, kv in
                out[kv.key] = try kv.value.enumerated().map { p, v in try int(v, "shifts.\(kv.key)[\(p)]") }
            },
            cost: cost?.reduce(into: [:]) { out, kv in out[kv.key] = try int(kv.value, "cost.\(kv.key)") })
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(numDays, forKey: .numDays)
        try c.encode(periods, forKey: .periods)
        try c.encode(required, forKey: .required)
        try c.encode(Dictionary(uniqueKeysWithValues: zip(shiftNames, coverage)), forKey: .shifts)
        if let cost { try c.encode(Dictionary(uniqueKeysWithValues: zip(shiftNames, cost)), forKey: .cost) }
    }

    // MARK: Validation

    private static func validate(numDays: Int, periods: Int, required: [[Int]],
                                 shifts: [String: [Int]], cost: [String: Int]?) throws {
        func bad(_ field: String, _ reason: String) -> WorkforceError { .invalidInput(field: field, reason: reason) }
        guard numDays > 0 else { throw bad("numDays", "天数必须大于 0（实际 \(numDays)）") }
        guard periods > 0 else { throw bad("periods", "每天的时段数必须大于 0（实际 \(periods)）") }
        guard required.count == numDays else {
            throw bad("required", "应有 \(numDays) 天的需求，实际 \(required.count) 天")
        }
        for (d, row) in required.enumerated() {
            guard row.count == periods else { throw bad("required[\(d)]", "应有 \(periods) 个时段，实际 \(row.count) 个") }
            if let p = row.firstIndex(where: { $0 < 0 }) {
                throw bad("required[\(d)][\(p)]", "需求人数不能为负（实际 \(row[p])）")
            }
        }
        guard !shifts.isEmpty else { throw bad("shifts", "至少需要一个班次") }
        for name in shifts.keys.sorted() {
            let cov = shifts[name]!
            guard cov.count == periods else { throw bad("shifts.\(name)", "应有 \(periods) 个时段，实际 \(cov.count) 个") }
            if let p = cov.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw bad("shifts.\(name)[\(p)]", "只能是 0 或 1（实际 \(cov[p])）")
            }
        }
        guard let cost else { return }
        let missing = Set(shifts.keys).subtracting(cost.keys).sorted()
        let extra = Set(cost.keys).subtracting(shifts.keys).sorted()
        if !missing.isEmpty || !extra.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("缺少 \(missing.joined(separator: "、"))") }
            if !extra.isEmpty { parts.append("多出 \(extra.joined(separator: "、"))") }
            throw bad("cost", "费用的班次必须与 shifts 一致：" + parts.joined(separator: "；"))
        }
        if let name = cost.keys.sorted().first(where: { cost[$0]! < 0 }) {
            throw bad("cost.\(name)", "费用不能为负（实际 \(cost[name]!)）")
        }
    }

    private static func invalidInput(_ error: DecodingError) -> WorkforceError {
        func path(_ codingPath: [CodingKey]) -> String {
            var out = ""
            for key in codingPath {
                if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return out.isEmpty ? "json" : out
        }
        switch error {
        case let .keyNotFound(key, ctx):
            let parent = path(ctx.codingPath)
            return .invalidInput(field: parent == "json" ? key.stringValue : "\(parent).\(key.stringValue)", reason: "缺少该字段")
        case let .typeMismatch(type, ctx):
            return .invalidInput(field: path(ctx.codingPath), reason: "类型不对，应为 \(typeName(type))")
        case let .valueNotFound(type, ctx):
            return .invalidInput(field: path(ctx.codingPath), reason: "不能为空，应为 \(typeName(type))")
        case let .dataCorrupted(ctx):
            return ctx.codingPath.isEmpty
                ? .invalidInput(field: "json", reason: "不是合法的 JSON")
                : .invalidInput(field: path(ctx.codingPath), reason: "数据无效")
        @unknown default:
            return .invalidInput(field: "json", reason: "无法解析 JSON")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "整数"
        case is String.Type: "字符串"
        case is [Int].Type, is [[Int]].Type: "数组"
        default: "对象"
        }
    }
}
