import Foundation

/// How a center sorts its customers into the pyramid (R5.2, 003 客户金字塔): by revenue or by
/// profit over the last months — never by how often they call — against a minimum for each
/// of the top three tiers; everyone below the third is the fourth. The four ranks stay
/// `CustomerTier` in storage and routing; a center names them its way (the seed's two
/// schemes, or its own words).
public struct TierPolicy: Sendable, Codable, Equatable {
    public enum Basis: String, Sendable, Codable, CaseIterable {
        case revenue, profit
        public var label: String { self == .revenue ? "收入" : "利润" }
    }

    /// The seed's two ways of naming the four layers.
    public enum Scheme: String, Sendable, Codable, CaseIterable {
        case standard, metals
        public var names: [String] {
            switch self {
            case .standard: CustomerTier.allCases.map(\.label)
            case .metals: ["铂金层级", "黄金层级", "钢铁层级", "重铅层级"]
            }
        }
        public var label: String { self == .standard ? "VIP／主要／普通／小客户" : "铂金／黄金／钢铁／重铅" }
    }

    public var basis: Basis
    /// How many months, ending with the last complete one, a customer's value is summed over.
    public var months: Int
    /// Minimum value in fen for VIP, major and normal, in that order.
    public var minimumsFen: [Int]
    /// The names the center uses for the four ranks, top first.
    public var names: [String]

    public init(basis: Basis, months: Int, minimumsFen: [Int], names: [String]) {
        self.basis = basis; self.months = months; self.minimumsFen = minimumsFen; self.names = names
    }

    /// Twelve months of revenue; ¥100,000 for VIP, ¥20,000 major, ¥1,000 normal: a center
    /// replaces these with its own on the admin page before the first run.
    public static let seedDefault = TierPolicy(basis: .revenue, months: 12,
                                               minimumsFen: [100_000_00, 20_000_00, 1_000_00],
                                               names: Scheme.standard.names)

    public static let maxMonths = 36
    public static let maxNameLength = 20

    /// Everything wrong with the policy, by form field; empty when it can be saved.
    public func problems() -> [FieldProblem] {
        var out: [FieldProblem] = []
        if !(1...Self.maxMonths).contains(months) { out.append(.init(field: "months", message: "统计月数须在 1 到 \(Self.maxMonths) 之间")) }
        if minimumsFen.count != 3 {
            out.append(.init(field: "minimums", message: "须给出前三个等级的门槛"))
        } else {
            for (i, m) in minimumsFen.enumerated() where m < 0 {
                out.append(.init(field: "minimum\(i)", message: "「\(name(at: i))」的门槛不能为负"))
            }
            if !(minimumsFen[0] > minimumsFen[1] && minimumsFen[1] > minimumsFen[2]) {
                out.append(.init(field: "minimums", message: "门槛须逐级降低：\(name(at: 0)) > \(name(at: 1)) > \(name(at: 2))"))
            }
        }
        if names.count != 4 {
            out.append(.init(field: "names", message: "须给出四个等级的名称"))
        } else {
            for (i, n) in names.enumerated() {
                let trimmed = n.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { out.append(.init(field: "name\(i)", message: "第 \(i + 1) 级的名称不能为空")) }
                else if n.unicodeScalars.count > Self.maxNameLength { out.append(.init(field: "name\(i)", message: "等级名称最多 \(Self.maxNameLength) 个字")) }
                else if Validation.hasControlCharacters(n) {
                    out.append(.init(field: "name\(i)", message: "等级名称含有控制字符"))
                }
            }
            if Set(names.map { $0.trimmingCharacters(in: .whitespaces) }).count != names.count {
                out.append(.init(field: "names", message: "四个等级的名称不能重复"))
            }
        }
        return out
    }

    private func name(at i: Int) -> String { i < names.count ? names[i] : CustomerTier.allCases[i].label }

    /// The center's name for a tier.
    public func label(_ tier: CustomerTier) -> String { name(at: tier.rank) }

    /// The tier a value earns: the first minimum it reaches, else the bottom one.
    public func tier(forFen value: Int) -> CustomerTier {
        for (i, minimum) in minimumsFen.enumerated() where value >= minimum { return CustomerTier.allCases[i] }
        return .small
    }

    /// Why a value gives its tier, in the words the tier log shows.
    public func reason(valueFen: Int, periods: Int) -> String {
        let tier = tier(forFen: valueFen)
        let summed = "近 \(months) 个月\(basis.label) \(Money.format(valueFen))（\(periods) 个月有数据）"
        if tier == .small { return "\(summed)，低于「\(label(.normal))」门槛 \(Money.format(minimumsFen.last ?? 0))" }
        return "\(summed)，达到「\(label(tier))」门槛 \(Money.format(minimumsFen[tier.rank]))"
    }

    /// The months a run on `today`'s month sums: the `months` complete months before it,
    /// oldest first, as "yyyy-MM" — the form value rows are stored under.
    public func window(beforeMonth month: String) -> [String] {
        guard let start = CustomerPeriod(month) else { return [] }
        return (1...max(months, 1)).reversed().map { start.adding(months: -$0).text }
    }
}

/// A month a customer's value is booked under ("2026-11").
public struct CustomerPeriod: Sendable, Hashable, Comparable {
    public let year: Int
    public let month: Int

    /// "2026-11" or "2026/11" or "202611"; nil for anything else.
    public init?(_ raw: String) {
        let s = raw.trimmingCharacters(in: .whitespaces)
        let digits = s.filter { $0 != "-" && $0 != "/" && $0 != "." }
        guard digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              s.count == 6 || (s.count == 7 && ["-", "/", "."].contains(Array(s)[4])),
              let y = Int(digits.prefix(4)), let m = Int(digits.suffix(2)), (2000...2100).contains(y), (1...12).contains(m) else { return nil }
        year = y; month = m
    }

    public init(year: Int, month: Int) { self.year = year; self.month = month }

    public var text: String { String(format: "%04d-%02d", year, month) }

    public func adding(months n: Int) -> CustomerPeriod {
        let index = year * 12 + (month - 1) + n
        return CustomerPeriod(year: index / 12, month: index % 12 + 1)
    }

    public static func < (a: CustomerPeriod, b: CustomerPeriod) -> Bool { (a.year, a.month) < (b.year, b.month) }
}
