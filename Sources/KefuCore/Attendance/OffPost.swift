import Foundation

/// Off post (脱岗, 002 考勤制度 1): during a worked shift, a stretch of being signed out of
/// the seat or not ready that lasts longer than the center allows. Read from the seat's own
/// events on the switch; each such stretch counts whole, so a lead sees how long the seat
/// was really left.
public enum OffPost {
    /// What the seat was doing from `at` on.
    public struct SeatEvent: Equatable, Sendable {
        public var at: Date
        /// Signed in and ready, on a call or wrapping up: at the post.
        public var atPost: Bool

        public init(at: Date, atPost: Bool) { self.at = at; self.atPost = atPost }
    }

    public static let defaultLimitMinutes = 15

    /// Minutes of the stretches away from the post longer than `limitMinutes`, inside the
    /// shift, once the seat was at the post (the state at the shift's start is the last event
    /// before it). Away before first coming to the post is lateness, and a stretch still open
    /// at the end is leaving early: neither is off post.
    public static func minutes(_ events: [SeatEvent], shiftStart: Date, shiftEnd: Date, limitMinutes: Int) -> Int {
        let sorted = events.sorted { $0.at < $1.at }
        var seenPost = sorted.last(where: { $0.at < shiftStart })?.atPost == true
        var total: TimeInterval = 0
        var awaySince: Date?
        for e in sorted where e.at >= shiftStart && e.at <= shiftEnd {
            if e.atPost {
                if let since = awaySince {
                    let stretch = e.at.timeIntervalSince(since)
                    if stretch > Double(limitMinutes) * 60 { total += stretch }
                    awaySince = nil
                }
                seenPost = true
            } else if seenPost && awaySince == nil {
                awaySince = e.at
            }
        }
        return Int((total / 60).rounded(.down))
    }

    /// The lines with their off-post minutes, for the days worked.
    public static func apply(_ lines: [AttendanceDay], shifts: [ScheduledShift], events: [SeatEvent], limitMinutes: Int) -> [AttendanceDay] {
        lines.map { line in
            guard [.present, .late, .earlyLeave].contains(line.status), let shift = shifts.first(where: { $0.day == line.day }) else { return line }
            var out = line
            out.offPostMinutes = minutes(events, shiftStart: shift.start, shiftEnd: shift.end, limitMinutes: limitMinutes)
            return out
        }
    }
}
