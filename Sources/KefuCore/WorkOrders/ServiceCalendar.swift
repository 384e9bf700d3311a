import Foundation

/// Which hours count toward a deadline.
///
/// A response target of "8 working hours" means something different from
/// "8 hours": nights, weekends and public holidays must not eat into it, while
/// make-up workdays (调休) must. This type answers the two questions SLA code
/// needs — "when is N counted seconds from here?" and "how many counted
/// seconds lie between these instants?" — exactly and fast, even over years.
public struct ServiceCalendar: Sendable, Equatable {
    /// Whether every second counts (`24h`) or only working hours on working days.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case allDay = "24h"
        case workingDays = "working_days"
    }

    public var kind: Kind
    /// The center's zone; days, opening and closing times are read in it.
    public var timeZone: TimeZone
    /// Opening time in minutes after local midnight (default 09:00).
    public var workdayStartMinute: Int
    /// Closing time in minutes after local midnight (default 18:00). Must be
    /// greater than the start; 24*60 means "until midnight".
    public var workdayEndMinute: Int
    /// Public holidays: days off even when they fall on a weekday.
    public var holidays: Set<LocalDay>
    /// 调休: weekend days that are working days this year.
    public var makeupWorkdays: Set<LocalDay>

    /// Invalid hours are clamped when used (start into 0..<1440, end into
    /// start+1...1440) so a bad setting can never stop deadlines from coming due.
    public init(kind: Kind, timeZone: TimeZone, workdayStartMinute: Int = 540, workdayEndMinute: Int = 1080,
                holidays: Set<LocalDay> = [], makeupWorkdays: Set<LocalDay> = []) {
        self.kind = kind
        self.timeZone = timeZone
        self.workdayStartMinute = workdayStartMinute
        self.workdayEndMinute = workdayEndMinute
        self.holidays = holidays
        self.makeupWorkdays = makeupWorkdays
    }

    /// A calendar in which every second counts (round-the-clock queues).
    public static func allDay(timeZone: TimeZone) -> ServiceCalendar {
        ServiceCalendar(kind: .allDay, timeZone: timeZone)
    }

    /// allDay: always true. workingDays: Monday–Friday unless a public
    /// holiday, plus make-up workdays (a make-up day wins over a holiday).
    public func isWorkingDay(_ day: LocalDay) -> Bool {
        guard kind == .workingDays else { return true }
        if makeupWorkdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return day.weekday() <= 5
    }

    /// The instant reached after `seconds` of counted time starting at `start`.
    ///
    /// allDay: `start + seconds`. workingDays: only time inside
    /// [opening, closing) on working days counts; counting begins at the next
    /// opening when `start` is outside working time. A span that ends exactly
    /// at closing time yields the closing instant ("due 18:00 today"), while
    /// `seconds == 0` outside working time yields the next opening. Negative
    /// `seconds` count as 0; spans are capped at `maxSpanSeconds`. Whole weeks
    /// without holidays, make-up days or DST changes are skipped
    /// arithmetically, so decades cost microseconds.
    public func adding(seconds: Int, to start: Date) -> Date {
        let total = min(max(0, seconds), Self.maxSpanSeconds)
        guard kind == .workingDays else { return start.addingTimeInterval(Double(total)) }
        var cursor = Cursor(calendar: self)
        var remaining = Double(total)
        var day = LocalDay.dayNumber(of: start, in: timeZone)
        var lowerBound = start
        while true {
            if let (open, close) = window(dayNumber: day), lowerBound < close {
                let from = max(lowerBound, open)
                let available = close.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            day += 1
            lowerBound = .distantPast
            // Skip k whole weeks only while strictly more than k weeks remain,
            // so an exact fit still ends at a closing time, not the next opening.
            let needed = Int((remaining / cursor.weekCapacity).rounded(.up)) - 1
            let weeks = cursor.skippableWeeks(from: day, limit: needed)
            day += 7 * weeks
            remaining -= Double(weeks) * cursor.weekCapacity
        }
    }

    /// Counted seconds in [from, to); 0 if `to <= from`. The inverse of
    /// `adding`: `countedSeconds(from: s, to: adding(seconds: n, to: s)) == n`.
    /// Partial seconds are dropped.
    public func countedSeconds(from: Date, to: Date) -> Int {
        guard to > from else { return 0 }
        guard kind == .workingDays else { return Self.wholeSeconds(to.timeIntervalSince(from)) }
        var cursor = Cursor(calendar: self)
        var total = 0.0
        var day = LocalDay.dayNumber(of: from, in: timeZone)
        let lastDay = LocalDay.dayNumber(of: to, in: timeZone)
        while day <= lastDay {
            if let (open, close) = window(dayNumber: day) {
                let overlap = min(to, close).timeIntervalSince(max(from, open))
                if overlap > 0 { total += overlap }
            }
            day += 1
            // Days strictly between the first and last day lie wholly inside [from, to).
            let weeks = cursor.skippableWeeks(from: day, limit: (lastDay - day) / 7)
            day += 7 * weeks
            total += Double(weeks) * cursor.weekCapacity
        }
        return Self.wholeSeconds(total)
    }

    /// Upper bound for `adding` (~95,000 years), so absurd inputs saturate
    /// instead of overflowing the day arithmetic.
    public static let maxSpanSeconds = 3_000_000_000_000

    // MARK: - Internals

    /// Opening and closing minutes after clamping bad settings.
    var effectiveHours: (start: Int, end: Int) {
        let start = min(max(workdayStartMinute, 0), 24 * 60 - 1)
        let end = min(max(workdayEndMinute, start + 1), 24 * 60)
        return (start, end)
    }

    /// The working window [opening, closing) of a day, or nil on a day off.
    func window(dayNumber: Int) -> (Date, Date)? {
        guard isWorkingDay(LocalDay(dayNumber: dayNumber)) else { return nil }
        let hours = effectiveHours
        let midnight = dayNumber * 86_400
        return (LocalDay.instant(localSeconds: midnight + hours.start * 60, in: timeZone),
                LocalDay.instant(localSeconds: midnight + hours.end * 60, in: timeZone))
    }

    /// Floors a Double second count, tolerating floating-point noise so that
    /// e.g. 3599.9999999 (from subtracting two large timestamps) reads as 3600.
    static func wholeSeconds(_ value: Double) -> Int {
        Int((value + 1e-6).rounded(.down))
    }

    /// Per-call state for skipping whole weeks: the sorted special days
    /// (holidays and make-up days) and the next DST transition, looked up once.
    struct Cursor {
        let calendar: ServiceCalendar
        let specialDays: [Int]
        let weekCapacity: Double
        private var specialIndex = 0
        private var transitionDay: Int?
        private var transitionChecked = false

        init(calendar: ServiceCalendar) {
            self.calendar = calendar
            self.specialDays = calendar.holidays.union(calendar.makeupWorkdays).map(\.dayNumber).sorted()
            let hours = calendar.effectiveHours
            self.weekCapacity = Double(5 * (hours.end - hours.start) * 60)
        }

        /// How many whole weeks starting at `day` (at most `limit`) contain
        /// exactly five ordinary working days, i.e. no special day and no DST
        /// change, so each contributes exactly `weekCapacity` seconds.
        mutating func skippableWeeks(from day: Int, limit: Int) -> Int {
            guard limit > 0 else { return 0 }
            while specialIndex < specialDays.count && specialDays[specialIndex] < day { specialIndex += 1 }
            var weeks = limit
            if specialIndex < specialDays.count {
                weeks = min(weeks, (specialDays[specialIndex] - day) / 7)
            }
            if let transition = nextTransitionDay(onOrAfter: day) {
                // Treat the day before a transition as affected too (a change at
                // local midnight can move the previous day's closing instant).
                weeks = min(weeks, max(0, (transition - 1 - day) / 7))
            }
            return max(0, weeks)
        }

        /// The local day of the next UTC-offset change on or after `day`, cached.
        private mutating func nextTransitionDay(onOrAfter day: Int) -> Int? {
            if transitionChecked, transitionDay.map({ $0 >= day }) ?? true { return transitionDay }
            transitionChecked = true
            let zone = calendar.timeZone
            let dayStart = LocalDay.instant(localSeconds: day * 86_400, in: zone)
            // Look from a day earlier so a change right around midnight is not missed.
            let after = dayStart.addingTimeInterval(-86_400)
            transitionDay = zone.nextDaylightSavingTimeTransition(after: after)
                .map { LocalDay.dayNumber(of: $0, in: zone) }
            return transitionDay
        }
    }
}
