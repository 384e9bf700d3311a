import Foundation

/// The validated history laid out as a day × slot grid, the shape every
/// forecast step works on. Missing intervals stay missing (`present` false)
/// so a gap in the data is never read as a quiet hour.
struct ForecastHistory: Sendable {
    /// Only the newest this many days are used: older patterns add little and cost time.
    static let maxDays = 1_100

    let slots: Int
    /// Day of grid index 0.
    let firstDay: LocalDay
    let dayCount: Int
    /// offered[d * slots + s]; 0 where not present.
    var offered: [Double]
    var present: [Bool]
    /// Σ aht × offered and Σ offered of the intervals that measured an AHT.
    var ahtWeighted: [Double]
    var ahtWeight: [Double]
    /// Days with at least one interval.
    let daysWithData: Int

    init(_ request: ForecastRequest) throws {
        guard ForecastRequest.horizonRange.contains(request.horizonDays) else {
            throw WorkforceError.invalidInput(field: "horizon-days", reason: "预测天数必须在 1 到 400 之间")
        }
        guard !request.history.isEmpty else {
            throw WorkforceError.invalidInput(field: "history", reason: "至少需要 14 天历史数据（当前没有历史数据）")
        }
        let clock = request.clock
        slots = clock.slotsPerDay
        let intervalSeconds = clock.intervalMinutes * 60
        var offsets = ForecastZoneOffsets(clock.timeZone)
        var cells: [(day: Int, slot: Int, index: Int)] = []
        cells.reserveCapacity(request.history.count)
        for (index, item) in request.history.enumerated() {
            guard item.offered >= 0, item.answered >= 0, item.abandoned >= 0 else {
                throw WorkforceError.invalidInput(field: "history", reason: "第 \(index + 1) 条记录的话务量为负数")
            }
            guard item.ahtSeconds.isFinite, item.ahtSeconds >= 0 else {
                throw WorkforceError.invalidInput(field: "history", reason: "第 \(index + 1) 条记录的平均处理时长无效")
            }
            let epoch = item.start.timeIntervalSince1970
            guard epoch.isFinite, epoch.rounded() == epoch, abs(epoch) < 1e11 else {
                throw Self.misaligned(index, clock)
            }
            let local = Int(epoch) + offsets.seconds(at: item.start)
            let day = LocalDay.floorDiv(local, 86_400)
            let second = local - day * 86_400
            guard second % intervalSeconds == 0 else { throw Self.misaligned(index, clock) }
            cells.append((day, second / intervalSeconds, index))
        }
        try Self.checkGranularity(cells.map(\.slot), clock)
        let lastDay = cells.map(\.day).max()!
        let first = max(cells.map(\.day).min()!, lastDay - Self.maxDays + 1)
        firstDay = LocalDay(dayNumber: first)
        dayCount = lastDay - first + 1
        offered = Array(repeating: 0, count: dayCount * slots)
        present = Array(repeating: false, count: dayCount * slots)
        ahtWeighted = Array(repeating: 0, count: dayCount * slots)
        ahtWeight = Array(repeating: 0, count: dayCount * slots)
        var dayHasData = Array(repeating: false, count: dayCount)
        for cell in cells where cell.day >= first {
            // Duplicate cells (several queues, overlapping imports) add up.
            let item = request.history[cell.index]
            let at = (cell.day - first) * slots + cell.slot
            offered[at] += Double(item.offered)
            present[at] = true
            dayHasData[cell.day - first] = true
            if item.answered > 0 || item.ahtSeconds > 0 {
                let weight = Double(max(item.offered, item.answered, 1))
                ahtWeighted[at] += item.ahtSeconds * weight
                ahtWeight[at] += weight
            }
        }
        daysWithData = dayHasData.filter { $0 }.count
        guard daysWithData >= ForecastRequest.minimumHistoryDays else {
            throw WorkforceError.invalidInput(
                field: "history", reason: "至少需要 14 天历史数据（当前只有 \(daysWithData) 天）")
        }
    }

    private static func misaligned(_ index: Int, _ clock: WorkforceClock) -> WorkforceError {
        .invalidInput(field: "interval",
                      reason: "第 \(index + 1) 条记录的开始时间不在 \(clock.intervalMinutes) 分钟时段的边界上，时段长度与设置不一致")
    }

    /// Hourly data read with a 30-minute clock lands only on even slots and
    /// would be forecast as "closed every other half hour"; refuse it instead.
    private static func checkGranularity(_ slots: [Int], _ clock: WorkforceClock) throws {
        var step = 0
        var distinct = Set<Int>()
        for slot in slots {
            step = gcd(step, slot)
            if distinct.count < 2 { distinct.insert(slot) }
        }
        guard distinct.count >= 2, step > 1 else { return }
        throw WorkforceError.invalidInput(
            field: "interval",
            reason: "历史数据的时段长度（\(step * clock.intervalMinutes) 分钟）与设置的 \(clock.intervalMinutes) 分钟不一致")
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    func day(at index: Int) -> LocalDay { firstDay.adding(days: index) }
}
