import Foundation

/// Amounts in fen (分), as integers: a customer's value is summed over months and compared
/// with thresholds, and binary floating point would make ¥0.10 + ¥0.20 miss a ¥0.30 line.
public enum Money {
    /// "12345.67", "12,345.6", "¥1,000", "-300" → fen; nil for anything else (more than two
    /// decimals, letters, an empty cell). Negative amounts are allowed: a month's profit can be a loss.
    public static func fen(_ raw: String) -> Int? {
        var s = raw.trimmingCharacters(in: .whitespaces)
        for mark in ["¥", "￥", "元"] { s = s.replacingOccurrences(of: mark, with: "") }
        s = s.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "，", with: "")
        var negative = false
        if s.hasPrefix("-") { negative = true; s.removeFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 13,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }), let yuan = Int(whole) else { return nil }
        var cents = 0
        if parts.count == 2 {
            let frac = parts[1]
            guard (1...2).contains(frac.count), frac.allSatisfy({ $0.isASCII && $0.isNumber }), let f = Int(frac) else { return nil }
            cents = frac.count == 1 ? f * 10 : f
        }
        let value = yuan * 100 + cents
        return negative ? -value : value
    }

    /// ¥12,345.67 (a loss as -¥300.00).
    public static func format(_ fen: Int) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let yuan = String(magnitude / 100)
        var grouped = ""
        for (i, ch) in yuan.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        return "\(sign)¥\(String(grouped.reversed())).\(String(format: "%02d", Int(magnitude % 100)))"
    }
}
