import Foundation

/// "HH:MM" on a 24-hour dial, the way people type shift and night-window times; stored
/// as minutes from local midnight so the rules can do arithmetic across midnight.
public enum WallClock {
    /// "07:30" → 450; "7:30" is accepted (browsers send two digits, people may not).
    /// Nil for anything else, including "24:00".
    public static func minute(_ text: String) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    /// 450 → "07:30"; minutes past a day wrap (1500 → "01:00").
    public static func text(_ minute: Int) -> String {
        let m = ((minute % 1440) + 1440) % 1440
        let h = m / 60, r = m % 60
        return (h < 10 ? "0" : "") + "\(h):" + (r < 10 ? "0" : "") + "\(r)"
    }

    /// Minutes from `start` forward to `end` on the dial, 0..<1440 (22:00 → 06:00 is 480).
    public static func span(from start: Int, to end: Int) -> Int {
        ((end - start) % 1440 + 1440) % 1440
    }
}
