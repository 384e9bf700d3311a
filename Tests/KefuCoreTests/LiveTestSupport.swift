import Foundation
@testable import KefuCore

/// Shared helpers for the Live* tests: Beijing time, 2026-06-03 unless told.
enum LiveTime {
    static let zone = TimeZone(secondsFromGMT: 8 * 3600)!

    static func at(_ hour: Int, _ minute: Int = 0, _ second: Double = 0, day: Int = 3) -> Date {
        LocalDay(year: 2026, month: 6, day: day).start(in: zone)
            .addingTimeInterval(Double(hour * 3600 + minute * 60) + second)
    }

    static let today = LocalDay(year: 2026, month: 6, day: 3)

    static func configuration(serviceLevel: Int = 20, afterContactWork: Bool = true) -> LiveConfiguration {
        LiveConfiguration(timeZone: zone, serviceLevelSeconds: serviceLevel, afterContactWork: afterContactWork)
    }
}
