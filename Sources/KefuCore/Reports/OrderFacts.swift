import Foundation

/// One work order as the period reports count it (R10.1): the day it was taken, the
/// dimensions a report groups by, and what became of it. Facts are read only from what is
/// stored on the order and its supervision orders, callbacks and timeline, never from the
/// clock, so the daily rollups built from them stay exact until the order itself changes.
public struct OrderFacts: Codable, Equatable, Sendable {
    public var day: LocalDay
    public var type: String
    public var channel: String
    public var priority: String
    /// The department its first supervision order went to (R1.x transfer), nil if none.
    public var department: UUID?
    public var closed: Bool
    public var firstContactResolved: Bool
    public var slaMet: Bool
    public var slaBreached: Bool
    public var escalated: Bool
    public var reopened: Bool
    public var duplicate: Bool
    /// 1–5 from the last callback that reached the customer and asked (R10.4 sample).
    public var satisfaction: Int?

    public init(day: LocalDay, type: String, channel: String, priority: String, department: UUID?, closed: Bool,
                firstContactResolved: Bool, slaMet: Bool, slaBreached: Bool, escalated: Bool, reopened: Bool, duplicate: Bool,
                satisfaction: Int?) {
        self.day = day; self.type = type; self.channel = channel; self.priority = priority; self.department = department
        self.closed = closed; self.firstContactResolved = firstContactResolved; self.slaMet = slaMet; self.slaBreached = slaBreached
        self.escalated = escalated; self.reopened = reopened; self.duplicate = duplicate; self.satisfaction = satisfaction
    }

    /// What is stored about one order, as the facts are read from it.
    public struct Source: Sendable {
        public var createdAt: Date
        public var type: String
        public var channel: String
        public var priority: String
        public var status: String
        public var firstResponseDueAt: Date
        public var firstRespondedAt: Date?
        public var resolutionDueAt: Date?
        public var resolvedAt: Date?
        public var closedAt: Date?
        public var escalationLevel: Int
        public var duplicateOf: UUID?
        /// Supervision orders, oldest first: their department and whether they were escalated.
        public var supervision: [(department: UUID, escalated: Bool)]
        public var reopenCount: Int
        /// Callbacks, oldest first.
        public var callbacks: [(reached: Bool, satisfaction: Int?)]

        public init(createdAt: Date, type: String, channel: String, priority: String, status: String, firstResponseDueAt: Date,
                    firstRespondedAt: Date?, resolutionDueAt: Date?, resolvedAt: Date?, closedAt: Date?, escalationLevel: Int,
                    duplicateOf: UUID?, supervision: [(department: UUID, escalated: Bool)], reopenCount: Int,
                    callbacks: [(reached: Bool, satisfaction: Int?)]) {
            self.createdAt = createdAt; self.type = type; self.channel = channel; self.priority = priority; self.status = status
            self.firstResponseDueAt = firstResponseDueAt; self.firstRespondedAt = firstRespondedAt; self.resolutionDueAt = resolutionDueAt
            self.resolvedAt = resolvedAt; self.closedAt = closedAt; self.escalationLevel = escalationLevel; self.duplicateOf = duplicateOf
            self.supervision = supervision; self.reopenCount = reopenCount; self.callbacks = callbacks
        }
    }

    /// The definitions the report pages print under their tables (`ReportDefinitions`):
    /// - first-contact resolved: closed without a supervision order and never reopened;
    /// - SLA breached: first response after its deadline, resolution after its deadline, or
    ///   escalated for lateness; SLA met: resolved or closed with none of these;
    /// - escalated: escalated by the deadline sweeper, or a supervision order escalated.
    public init(_ s: Source, timeZone: TimeZone) {
        let closed = s.status == WorkOrderStatus.closed.rawValue
        let done = s.resolvedAt ?? s.closedAt
        let firstLate = s.firstRespondedAt.map { $0 > s.firstResponseDueAt } ?? false
        let resolutionLate = done.flatMap { d in s.resolutionDueAt.map { d > $0 } } ?? false
        let escalated = s.escalationLevel > 0 || s.supervision.contains { $0.escalated }
        let breached = firstLate || resolutionLate || s.escalationLevel > 0
        self.init(day: LocalDay(s.createdAt, in: timeZone), type: s.type, channel: s.channel, priority: s.priority,
                  department: s.supervision.first?.department, closed: closed,
                  firstContactResolved: closed && s.supervision.isEmpty && s.reopenCount == 0,
                  slaMet: done != nil && !breached, slaBreached: breached, escalated: escalated, reopened: s.reopenCount > 0,
                  duplicate: s.duplicateOf != nil,
                  satisfaction: s.callbacks.last { $0.reached && $0.satisfaction != nil }?.satisfaction.flatMap { (1...5).contains($0) ? $0 : nil })
    }
}
