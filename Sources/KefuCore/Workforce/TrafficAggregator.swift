import Foundation

/// Builds interval history from Kefu's own CTI call records, so a center that
/// runs its queues on Kefu needs no CSV import to get a forecast.
public enum TrafficAggregator {
    /// One offered call as the CTI layer saw it.
    public struct Call: Sendable {
        public var arrivedAt: Date
        /// Set when an agent picked up; such a call counts as answered even if
        /// `abandoned` is also set.
        public var answeredAt: Date?
        /// When the answered call ended (hang-up or wrap-up done); needed for AHT.
        public var endedAt: Date?
        /// The caller hung up before being answered.
        public var abandoned: Bool

        public init(arrivedAt: Date, answeredAt: Date? = nil, endedAt: Date? = nil, abandoned: Bool = false) {
            self.arrivedAt = arrivedAt
            self.answeredAt = answeredAt
            self.endedAt = endedAt
            self.abandoned = abandoned
        }
    }

    /// Bucket by arrival interval; AHT = mean(ended − answered) of answered calls with an end; intervals with no calls inside [from, to) are emitted as zero rows.
    /// Zero rows matter: a forecast must see "no calls at 03:00", not a gap.
    /// `from` should sit on an interval boundary; otherwise the first row
    /// starts at the boundary before it but only counts calls from `from` on.
    /// Calls still in progress count as answered but not in AHT (0 when none ended).
    public static func intervals(of calls: [Call], clock: WorkforceClock, from: Date, to: Date) -> [IntervalVolume] {
        guard from < to else { return [] }
        var buckets: [Date: Bucket] = [:]
        var (day, slot) = clock.locate(from)
        var start = clock.start(of: day, slot: slot)
        while start < to {
            buckets[start] = Bucket()
            slot += 1
            if slot == clock.slotsPerDay { slot = 0; day = day.adding(days: 1) }
            start = clock.start(of: day, slot: slot)
        }
        for call in calls where call.arrivedAt >= from && call.arrivedAt < to {
            let located = clock.locate(call.arrivedAt)
            buckets[clock.start(of: located.day, slot: located.slot), default: Bucket()].add(call)
        }
        return buckets.map { start, bucket in
            IntervalVolume(start: start, offered: bucket.offered, answered: bucket.answered,
                           abandoned: bucket.abandoned,
                           ahtSeconds: bucket.handled > 0 ? bucket.handleSeconds / Double(bucket.handled) : 0)
        }.sorted { $0.start < $1.start }
    }

    private struct Bucket {
        var offered = 0, answered = 0, abandoned = 0, handled = 0
        var handleSeconds = 0.0

        mutating func add(_ call: Call) {
            offered += 1
            if let answeredAt = call.answeredAt {
                answered += 1
                if let endedAt = call.endedAt, endedAt >= answeredAt {
                    handled += 1
                    handleSeconds += endedAt.timeIntervalSince(answeredAt)
                }
            } else if call.abandoned {
                abandoned += 1
            }
        }
    }
}
