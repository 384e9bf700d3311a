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

    /// Whether a path segment looks like a number rather than a UUID.
    public static func looksLikeNumber(_ s: String) -> Bool {
        s.count >= 15 && s.uppercased().hasPrefix(prefix) && s.contains("-")
    }
}
