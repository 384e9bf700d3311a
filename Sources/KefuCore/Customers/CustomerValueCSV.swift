import Foundation

/// One customer's value for one month, as finance exports it.
public struct CustomerValueRow: Sendable, Equatable {
    public var line: Int
    /// Stored form (digits only): how the archive finds the customer.
    public var phone: String
    public var period: CustomerPeriod
    public var revenueFen: Int?
    public var profitFen: Int?

    public init(line: Int, phone: String, period: CustomerPeriod, revenueFen: Int?, profitFen: Int?) {
        self.line = line; self.phone = phone; self.period = period; self.revenueFen = revenueFen; self.profitFen = profitFen
    }
}

/// A revenue/profit sheet per customer and month (R5.2), read by its header: 电话 (or 手机,
/// phone), 账期 (月份, period — optional when the import names the month), 收入 (营业收入,
/// revenue), 利润 (profit); at least one of the amounts on each row. Bad rows are refused by
/// line number without costing the good ones, as the customer import does.
public enum CustomerValueCSV {
    static let columns: [(key: String, names: [String])] = [
        ("phone", ["phone", "电话", "手机", "联系电话"]), ("period", ["period", "账期", "月份"]),
        ("revenue", ["revenue", "收入", "营业收入", "销售收入"]), ("profit", ["profit", "利润"]),
    ]

    public static func parse(_ text: String, period fallback: CustomerPeriod?) -> Result<(rows: [CustomerValueRow], problems: [CustomerCSVProblem]), CustomerCSVProblem> {
        let records = CSVRecords.parse(text)
        guard let header = records.first else { return .failure(.init(line: 1, message: "文件为空：第一行须为表头（电话,账期,收入,利润）")) }
        let index = CSVColumns(header: header, columns: columns)
        guard index.has("phone"), index.has("revenue") || index.has("profit") else {
            return .failure(.init(line: header.line, message: "表头须含“电话”以及“收入”或“利润”（或 phone、revenue、profit）"))
        }
        guard index.has("period") || fallback != nil else {
            return .failure(.init(line: header.line, message: "表头没有“账期”列：请在导入时指明月份（如 2026-11）"))
        }
        var rows: [CustomerValueRow] = []
        var problems: [CustomerCSVProblem] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            func fail(_ m: String) { problems.append(.init(line: record.line, message: m)) }
            if record.unterminated { fail("引号未闭合"); continue }
            func value(_ key: String) -> String? { index.value(key, in: record) }
            guard let rawPhone = value("phone"), Validation.isValidPhone(rawPhone) else { fail("电话无效：\(value("phone") ?? "（空）")"); continue }
            var period = fallback
            if let p = value("period") {
                guard let parsed = CustomerPeriod(p) else { fail("账期无效：\(p)（应为 2026-11 这样的年月）"); continue }
                period = parsed
            }
            guard let period else { fail("缺少账期"); continue }
            var revenue: Int?, profit: Int?
            if let r = value("revenue") { guard let fen = Money.fen(r) else { fail("收入不是金额：\(r)"); continue }; revenue = fen }
            if let p = value("profit") { guard let fen = Money.fen(p) else { fail("利润不是金额：\(p)"); continue }; profit = fen }
            guard revenue != nil || profit != nil else { fail("收入和利润都为空"); continue }
            let phone = Validation.normalizePhone(rawPhone)
            let key = phone + "|" + period.text
            if let earlier = seen[key] { fail("与第 \(earlier) 行重复（同一号码同一账期）"); continue }
            seen[key] = record.line
            rows.append(CustomerValueRow(line: record.line, phone: phone, period: period, revenueFen: revenue, profitFen: profit))
        }
        return .success((rows, problems))
    }
}

extension TierPolicy {
    /// A customer's new tier and why, from the sums of the months in the window; nil when no
    /// month of the window has a figure — a customer finance knows nothing of keeps the tier
    /// they have (a newly signed key account must not sink to the bottom before its first bill).
    public func decide(current: CustomerTier, valueFen: Int, periodsWithData: Int) -> (tier: CustomerTier, reason: String)? {
        guard periodsWithData > 0 else { return nil }
        let tier = tier(forFen: valueFen)
        guard tier != current else { return nil }
        return (tier, reason(valueFen: valueFen, periods: periodsWithData))
    }
}
