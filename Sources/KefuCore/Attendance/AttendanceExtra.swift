import Foundation

/// Overtime and temporary dispatch (加班、临时调度, 002 考勤制度 4), recorded by a lead on the
/// person's sheet: each with its day, length and why (and where, for a dispatch).
public enum AttendanceExtra {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case overtime, dispatch

        public var label: String { self == .overtime ? "加班" : "临时调度" }
    }

    public static let maxMinutes = 12 * 60

    public static func problems(kind: Kind, minutes: Int?, place: String, reason: String) -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        if let minutes { if !(1...maxMinutes).contains(minutes) { out.append(("minutes", "时长须为 1–\(maxMinutes) 分钟")) } }
        else { out.append(("minutes", "时长须为整数（分钟）")) }
        if kind == .dispatch && place.trimmingCharacters(in: .whitespaces).isEmpty { out.append(("place", "临时调度须写明调往何处")) }
        if place.count > 50 { out.append(("place", "去处不超过 50 字")) }
        let r = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if r.isEmpty || r.count > 200 { out.append(("reason", "事由须为 1–200 字")) }
        return out
    }

    /// "2 小时 30 分钟" as the sheet says it.
    public static func duration(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return [h > 0 ? "\(h) 小时" : nil, m > 0 ? "\(m) 分钟" : nil].compactMap { $0 }.joined(separator: " ")
    }
}
