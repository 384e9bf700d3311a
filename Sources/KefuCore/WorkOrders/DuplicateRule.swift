import Foundation

/// R1.6: a new order that matches an open order of the same customer and type within a
/// window is a duplicate; the earlier entry stays the master.
public struct DuplicateRule: Sendable, Equatable {
    public var windowSeconds: Int
    public init(windowSeconds: Int = 72 * 3600) { self.windowSeconds = windowSeconds }

    /// Earliest instant an earlier order may have been created and still count.
    public func windowStart(now: Date) -> Date { now.addingTimeInterval(-TimeInterval(windowSeconds)) }

    public struct Candidate: Sendable, Equatable {
        public var id: UUID; public var createdAt: Date; public var status: WorkOrderStatus; public var duplicateOf: UUID?
        public init(id: UUID, createdAt: Date, status: WorkOrderStatus, duplicateOf: UUID?) {
            self.id = id; self.createdAt = createdAt; self.status = status; self.duplicateOf = duplicateOf
        }
    }

    /// The master to link to: the earliest open candidate inside the window. A candidate that
    /// is itself a duplicate points at its master, so chains never form.
    public func master(among candidates: [Candidate], now: Date) -> UUID? {
        let start = windowStart(now: now)
        let hit = candidates
            .filter { $0.status.isActive && $0.createdAt >= start && $0.createdAt <= now }
            .min { $0.createdAt < $1.createdAt }
        return hit.map { $0.duplicateOf ?? $0.id }
    }
}
