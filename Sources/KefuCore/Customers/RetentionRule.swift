import Foundation

/// How long a customer's personal data is kept after the last business with them (R5.5, 002
/// 保密制度: expired records are destroyed, not sold). A record is due when nothing happened
/// with the customer since the cutoff — no change of the record, no order created or closed
/// — nothing is open (an active order, a pending change request) and they are not on the
/// special-customers list. Destroying erases the personal fields and keeps the statistics.
public struct RetentionRule: Sendable, Equatable, Codable {
    public var months: Int

    public init(months: Int) { self.months = months }

    /// Three years after the last business, unless the center sets otherwise.
    public static let seedDefault = RetentionRule(months: 36)
    public static let allowedMonths = 12...360

    public var problem: String? {
        Self.allowedMonths.contains(months) ? nil : "保存期限须在 \(Self.allowedMonths.lowerBound) 到 \(Self.allowedMonths.upperBound) 个月之间"
    }

    /// Records whose last business is before this instant are due.
    public func cutoff(now: Date, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = LocalDay(now, in: timeZone).start(in: timeZone)
        return calendar.date(byAdding: .month, value: -months, to: start) ?? start
    }

    /// The erased form of a destroyed customer's name: kept readable so an old order still
    /// says whose it was in kind, not in person.
    public static let erasedName = "（已销毁）"
}
