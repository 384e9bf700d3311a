import Foundation

/// The fixed-time counts a center keeps (R10.3, 定时统计): at chosen times of day (10:00,
/// 14:00, 17:00 …) how many calls have come in and how many orders were taken since the day
/// began, kept as history. Each count is bounded by its time, so one recorded late (a
/// restart, a slow sweep) still holds the figures of that moment.
public enum FixedTimeCounts {
    public static let defaultTimes = [600, 840, 1020]
    public static let maxTimes = 12

    /// "10:00, 14:00,17:00" → minutes of the day, sorted, or what is wrong.
    public static func parse(_ text: String) -> Result<[Int], ReportRangeProblem> {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == " " || $0 == "、" }).map(String.init)
        var out: [Int] = []
        for p in parts {
            let hm = p.split(separator: ":", omittingEmptySubsequences: false)
            guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), hm[1].count == 2, (0...23).contains(h), (0...59).contains(m) else {
                return .failure(.init(field: "times", message: "时间「\(p)」须为 HH:MM"))
            }
            out.append(h * 60 + m)
        }
        let unique = Array(Set(out)).sorted()
        guard !unique.isEmpty, unique.count <= maxTimes else { return .failure(.init(field: "times", message: "请填写 1–\(maxTimes) 个时间点")) }
        return .success(unique)
    }

    public static func label(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }

    /// The times of `day` that have passed by `now` and are not kept yet.
    public static func due(times: [Int], day: LocalDay, now: Date, timeZone: TimeZone, kept: Set<Int>) -> [Int] {
        let start = day.start(in: timeZone)
        return times.filter { !kept.contains($0) && start.addingTimeInterval(Double($0) * 60) <= now }
    }
}
