import Foundation

/// Readable work order numbers such as GD20261123-0001: the center's local date and a
/// per-day sequence, so a customer can quote it on the phone (R1.8).
public enum OrderNumber {
    public static let prefix = "GD"

    public static func make(day: LocalDay, sequence: Int) -> String {
        let y = String(format: "%04d%02d%02d", day.year, day.month, day.day)
        return "\(prefix)\(y)-\(String(format: "%04d", sequence))"
    }

    /// The key of the daily counter that numbers are drawn from.
    public static func counterKey(day: LocalDay) -> String { "work_order:\(day)" }

    /// A search for an order number or its beginning (GD20261123-0001, GD20261123, gd202611):
    /// the upper-case prefix, answered from the numbers' own index. The search index would
    /// have to match GD2026… against every order ever numbered that year.
    public static func searchPrefix(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let chars = Array(t.utf8)
        guard chars.count >= prefix.count + 4, chars.count <= prefix.count + 13, t.hasPrefix(prefix) else { return nil }
        let rest = chars.dropFirst(prefix.count)
        let isDigit = { (c: UInt8) in c >= 48 && c <= 57 }
        let date = rest.prefix { isDigit($0) }
        if date.count < 8 { return date.count == rest.count ? t : nil }
        let tail = rest.dropFirst(8)
        guard tail.isEmpty || (tail.first == UInt8(ascii: "-") && tail.count <= 5 && tail.dropFirst().allSatisfy(isDigit)) else { return nil }
        return t
    }

    /// Whether a path segment looks like a number rather than a UUID.
    public static func looksLikeNumber(_ s: String) -> Bool {
        s.count >= 15 && s.uppercased().hasPrefix(prefix) && s.contains("-")
    }
}
