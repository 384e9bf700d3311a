import Foundation

/// Whether a recommendation adds staff or sends them back.
public enum EmergencyDirection: String, Sendable, Codable, CaseIterable {
    case escalate
    case release
}

/// What a step does, in figures: who and how many. Stored with applied steps
/// so a release undoes exactly what was done.
public struct EmergencyAction: Sendable, Equatable, Codable {
    public var kind: EmergencyStageKind
    /// The group signed in (`pullIn`), the groups pooled (`nightAllHands`), empty otherwise.
    public var groups: [AgentGroup]
    /// People or seats added by the step.
    public var seats: Int

    public init(kind: EmergencyStageKind, groups: [AgentGroup] = [], seats: Int) {
        self.kind = kind
        self.groups = groups
        self.seats = seats
    }

    /// "流动专家组" / "流动专家组、质检组" — for reasons and notices.
    public var groupsText: String {
        groups.map(\.label).joined(separator: "、")
    }
}

/// The numbers behind a recommendation, so the page can show them beside the
/// sentence and the audit log can keep them.
public struct EmergencyFigures: Sendable, Equatable, Codable {
    public var waiting: Int
    /// How long the condition has held when the recommendation was (re)computed.
    public var sustainedSeconds: Int
    /// The condition, e.g. ">5 且 ≤10", or "≤5" for sign-out.
    public var condition: String
    /// Staff who could be pulled (pull-in and night steps).
    public var available: Int?
    /// Seats the step would add before the physical seat cap.
    public var wanted: Int
    /// Seats recommended after the cap.
    public var seats: Int
    public var seatsInUse: Int
    public var physicalSeats: Int
    public var freeSeats: Int
    public var cappedBySeats: Bool
    /// Extended shifts and overtime: the estimate and what it was computed from.
    public var seatsNeeded: Int?
    public var arrivalsPerHour: Double?
    public var averageHandleSeconds: Double?
    public var targetOccupancy: Double?

    public init(waiting: Int, sustainedSeconds: Int, condition: String, available: Int? = nil, wanted: Int, seats: Int,
                seatsInUse: Int, physicalSeats: Int, freeSeats: Int, cappedBySeats: Bool, seatsNeeded: Int? = nil,
                arrivalsPerHour: Double? = nil, averageHandleSeconds: Double? = nil, targetOccupancy: Double? = nil) {
        self.waiting = waiting
        self.sustainedSeconds = sustainedSeconds
        self.condition = condition
        self.available = available
        self.wanted = wanted
        self.seats = seats
        self.seatsInUse = seatsInUse
        self.physicalSeats = physicalSeats
        self.freeSeats = freeSeats
        self.cappedBySeats = cappedBySeats
        self.seatsNeeded = seatsNeeded
        self.arrivalsPerHour = arrivalsPerHour
        self.averageHandleSeconds = averageHandleSeconds
        self.targetOccupancy = targetOccupancy
    }
}

/// What the engine advises the shift lead to do now, with the reason in
/// Chinese and the figures behind it. It stays the same recommendation (same
/// `id`, same `raisedAt`) while the condition holds, so the server audits and
/// notifies once, not on every observation.
public struct EmergencyRecommendation: Sendable, Equatable, Codable {
    /// Stable while the recommendation stays open; `apply` checks it.
    public var id: String
    public var direction: EmergencyDirection
    public var ladder: EmergencyLadder
    /// The stage this step brings in (escalate) or undoes (release).
    public var stageNumber: Int
    public var action: EmergencyAction
    /// "排队 8 通已持续 5 分钟（>5 且 ≤10），建议调流动专家组 2 人签入呼入台席"
    public var reason: String
    /// The notice shown to the staff being pulled in or released.
    public var agentNotice: String
    public var figures: EmergencyFigures
    public var raisedAt: Date

    public init(direction: EmergencyDirection, ladder: EmergencyLadder, stageNumber: Int, action: EmergencyAction,
                reason: String, agentNotice: String, figures: EmergencyFigures, raisedAt: Date) {
        self.id = Self.makeID(direction: direction, ladder: ladder, stageNumber: stageNumber, raisedAt: raisedAt)
        self.direction = direction
        self.ladder = ladder
        self.stageNumber = stageNumber
        self.action = action
        self.reason = reason
        self.agentNotice = agentNotice
        self.figures = figures
        self.raisedAt = raisedAt
    }

    /// Same step in the same direction: the recommendation the lead already sees.
    func isSameStep(as other: EmergencyRecommendation) -> Bool {
        direction == other.direction && ladder == other.ladder && stageNumber == other.stageNumber
    }

    static func makeID(direction: EmergencyDirection, ladder: EmergencyLadder, stageNumber: Int, raisedAt: Date) -> String {
        "\(direction.rawValue)-\(ladder.rawValue)-\(stageNumber)-\(Int64((raisedAt.timeIntervalSince1970 * 1000).rounded()))"
    }
}
