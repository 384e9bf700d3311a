import Foundation

/// Weighted per-slot means of one group of days, turned into shares.
struct ForecastSlotMeans: Sendable {
    var sums: [Double]
    var weights: [Double]
    var dayWeight = 0.0

    init(_ slots: Int) {
        sums = Array(repeating: 0, count: slots)
        weights = Array(repeating: 0, count: slots)
    }

    mutating func add(_ history: ForecastHistory, _ base: Int, _ weight: Double) {
        var any = false
        for s in 0..<sums.count where history.present[base + s] {
            sums[s] += history.offered[base + s] * weight
            weights[s] += weight
            any = true
        }
        if any { dayWeight += weight }
    }

    /// Shares summing to 1, shrunk toward `prior` by `shrink` pseudo-days;
    /// `prior` (or uniform) when the group has no data or no traffic. Slots
    /// the group never saw take the prior's share, so a slot that is always
    /// missing on Mondays is not read as a closed hour.
    func profile(toward prior: [Double]?, shrink: Double) -> [Double] {
        let count = sums.count
        let fallback = prior ?? Array(repeating: 1 / Double(count), count: count)
        let means = (0..<count).map { weights[$0] > 0 ? sums[$0] / weights[$0] : 0 }
        let total = means.reduce(0, +)
        guard total > 0 else { return fallback }
        var unseenShare = 0.0
        for s in 0..<count where weights[s] == 0 { unseenShare += fallback[s] }
        let seenScale = max(0, 1 - unseenShare) / total
        let own = dayWeight / (dayWeight + shrink)
        return (0..<count).map { s in
            let mine = weights[s] > 0 ? means[s] * seenScale : fallback[s]
            return own * mine + (1 - own) * fallback[s]
        }
    }
}
