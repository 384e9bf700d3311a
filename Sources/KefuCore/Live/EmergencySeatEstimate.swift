import Foundation

/// How many more seats the queue needs — the seed's "计算出所需台数" for
/// extended shifts and overtime (002 ⑤⑥).
///
/// Deliberately Erlang-free: a shift lead must be able to redo the sum by
/// hand. With a recent arrival rate and average handle time (AHT):
///
///     required = ceil(arrivals per hour × AHT / 3600 / target occupancy)
///     needed   = max(0, required − staffed)
///
/// Without them, each call waiting above the sign-out level counts as one
/// seat short: `needed = max(0, waiting − release level)`.
public struct EmergencySeatEstimate: Sendable, Equatable {
    public var needed: Int
    /// Seats the traffic calls for in total; nil when estimated from the queue alone.
    public var required: Int?
    public var staffed: Int

    public init(waiting: Int, releaseAtMost: Int, staffed: Int, arrivalsPerHour: Double?,
                averageHandleSeconds: Double?, targetOccupancy: Double) {
        self.staffed = staffed
        if let rate = arrivalsPerHour, let aht = averageHandleSeconds, rate > 0, aht > 0, targetOccupancy > 0 {
            let erlangs = rate * aht / 3600
            // The small epsilon keeps 8.000000001 (floating-point noise) from becoming 9.
            let total = Int((erlangs / targetOccupancy - 1e-9).rounded(.up))
            required = total
            needed = max(0, total - staffed)
        } else {
            required = nil
            needed = max(0, waiting - releaseAtMost)
        }
    }

    /// The sum as the reason quotes it.
    func text(arrivalsPerHour: Double?, averageHandleSeconds: Double?, targetOccupancy: Double) -> String {
        if let required, let rate = arrivalsPerHour, let aht = averageHandleSeconds {
            let percent = Int((targetOccupancy * 100).rounded())
            return "按每小时来话 \(EmergencyText.number(rate)) 通、平均处理 \(EmergencyText.number(aht)) 秒、"
                + "目标占用率 \(percent)% 估算需 \(required) 席，现有 \(staffed) 席，缺 \(needed) 席"
        }
        return "按排队超出签出阈值的通数估算缺 \(needed) 席"
    }
}

/// Number and duration wording shared by the reasons.
enum EmergencyText {
    /// "5 分钟", "5 分 20 秒", "40 秒".
    static func duration(_ seconds: Int) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s) 秒" }
        if s % 60 == 0 { return "\(s / 60) 分钟" }
        return "\(s / 60) 分 \(s % 60) 秒"
    }

    /// 120 → "120", 7.5 → "7.5".
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.1f", value)
    }
}
