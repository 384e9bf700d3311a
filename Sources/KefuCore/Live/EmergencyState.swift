import Foundation

/// Whether recommendations wait for the shift lead's click or take effect at once.
public enum EmergencyMode: String, Sendable, Codable, CaseIterable {
    case manual
    case automatic

    public var label: String {
        switch self {
        case .manual: "人工确认"
        case .automatic: "自动执行"
        }
    }
}

/// Day and night steps are numbered separately, so every step names its ladder.
public enum EmergencyLadder: String, Sendable, Codable, CaseIterable {
    case day
    case night
}

/// A step that is in force: what was done, so it can be undone in the right order
/// even after the policy has been edited.
public struct EmergencyAppliedStep: Sendable, Equatable, Codable {
    public var ladder: EmergencyLadder
    public var stageNumber: Int
    public var action: EmergencyAction
    public var appliedAt: Date
    /// Work ID of the shift lead who clicked; nil when the engine applied it (automatic mode).
    public var appliedBy: String?

    public init(ladder: EmergencyLadder, stageNumber: Int, action: EmergencyAction, appliedAt: Date, appliedBy: String?) {
        self.ladder = ladder
        self.stageNumber = stageNumber
        self.action = action
        self.appliedAt = appliedAt
        self.appliedBy = appliedBy
    }
}

/// The condition the engine is timing: which step would be due, and since when it has held.
public struct EmergencyPendingCondition: Sendable, Equatable, Codable {
    public var direction: EmergencyDirection
    public var ladder: EmergencyLadder
    public var stageNumber: Int
    public var since: Date

    public init(direction: EmergencyDirection, ladder: EmergencyLadder, stageNumber: Int, since: Date) {
        self.direction = direction
        self.ladder = ladder
        self.stageNumber = stageNumber
        self.since = since
    }
}

/// Everything the engine remembers between observations. The server persists
/// it (one JSON row per center) so a restart, or a second server process,
/// continues the same timing instead of starting the 5 minutes over.
public struct EmergencyState: Sendable, Equatable, Codable {
    public var mode: EmergencyMode
    /// Steps in force, in the order they were applied (sign-in order).
    public var applied: [EmergencyAppliedStep]
    public var pending: EmergencyPendingCondition?
    /// The recommendation waiting for the shift lead, if any.
    public var open: EmergencyRecommendation?
    /// When the set of applied steps last changed (the wallboard's "since").
    public var stageSince: Date?

    public init(mode: EmergencyMode = .manual, applied: [EmergencyAppliedStep] = [],
                pending: EmergencyPendingCondition? = nil, open: EmergencyRecommendation? = nil,
                stageSince: Date? = nil) {
        self.mode = mode
        self.applied = applied
        self.pending = pending
        self.open = open
        self.stageSince = stageSince
    }

    /// 0 when no step is in force, otherwise the highest stage number in force.
    /// The highest, not the last: after a jump to ④ the lower steps still to
    /// come do not lower the level shown.
    public var stageNumber: Int {
        applied.map(\.stageNumber).max() ?? 0
    }

    /// The live JSON's `emergency` object.
    public var status: EmergencyStatus {
        EmergencyStatus(stage: stageNumber, recommendation: open?.reason, since: stageSince)
    }
}

/// `{"stage": 0…, "recommendation": text or null, "since": date or null}` for the live JSON.
public struct EmergencyStatus: Sendable, Equatable, Codable {
    public var stage: Int
    public var recommendation: String?
    public var since: Date?

    public init(stage: Int, recommendation: String?, since: Date?) {
        self.stage = stage
        self.recommendation = recommendation
        self.since = since
    }

    /// Encodes `recommendation` and `since` as null rather than leaving them
    /// out, so pages can rely on the keys being there.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stage, forKey: .stage)
        try container.encode(recommendation, forKey: .recommendation)
        try container.encode(since, forKey: .since)
    }
}
