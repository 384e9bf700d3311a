import Foundation

/// What a timeline line reports.
public enum SimulationTimelineKind: String, Sendable, Codable, CaseIterable {
    /// The emergency stage in force changed (up or down).
    case stageChange
    /// A recommendation was raised (manual mode: recorded, not applied).
    case recommendation
    /// A step was applied (automatic mode): staff signed into inbound.
    case applied
    /// A step was signed out again.
    case released
}

/// One line of the printed timeline.
public struct SimulationTimelineEntry: Sendable, Equatable, Codable {
    public var at: Date
    public var kind: SimulationTimelineKind
    /// The engine's Chinese reason, or the stage change in words.
    public var text: String
    /// The emergency stage in force after this entry.
    public var stage: Int
    /// Calls waiting when the entry was written.
    public var waiting: Int

    public init(at: Date, kind: SimulationTimelineKind, text: String, stage: Int, waiting: Int) {
        self.at = at
        self.kind = kind
        self.text = text
        self.stage = stage
        self.waiting = waiting
    }

    /// "HH:mm:ss" in `timeZone` (the scenario's offset).
    public func clock(in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.hour, .minute, .second], from: at)
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }
}

/// The figures a run ends with.
public struct SimulationKPIs: Sendable, Equatable, Codable {
    /// Calls that arrived in the queue.
    public var offered = 0
    public var answered = 0
    public var abandoned = 0
    /// Calls still waiting or talking when the run stopped (0 once it has drained).
    public var unfinished = 0
    /// Answered within `serviceLevelSeconds` of arriving.
    public var answeredWithinThreshold = 0
    public var serviceLevelSeconds = 20
    /// answeredWithinThreshold / answered; nil before the first answer.
    public var serviceLevel: Double?
    /// Asterisk SL2 (`QueueTotals.serviceLevel2`): (completed in SL + abandoned in SL) / (completed + abandoned).
    public var serviceLevel2: Double?
    public var answerRate: Double?
    public var abandonRate: Double?
    /// ASA: mean wait of answered calls.
    public var averageWaitSeconds: Double = 0
    /// Longest wait of any call (answered, abandoned or still waiting).
    public var maxWaitSeconds: Double = 0
    /// Mean talk + hold time of completed calls.
    public var averageHandleSeconds: Double = 0
    /// Handle time (talk, hold, after-contact work) / signed-in time not paused.
    public var occupancy: Double = 0
    public var maxEmergencyStage = 0
    /// Offers that ran into the ring timeout.
    public var ringNoAnswers = 0
    /// VIP calls answered, and of those the ones a VIP agent took (R3.2).
    public var vipAnswered = 0
    public var vipAnsweredByVIPAgent = 0
    public var holds = 0
    /// Holds that reached the 30 s limit of `HoldTimer`.
    public var holdsOverLimit = 0
    /// Steps applied (escalations) and signed out.
    public var stepsApplied = 0
    public var stepsReleased = 0
    /// Simulated instant of the last event.
    public var endedAt: Date?

    public init() {}
}

/// The whole run: canonical events in time order, the timeline, the figures.
public struct SimulationResult: Sendable, Equatable {
    public var events: [CTIEvent]
    public var timeline: [SimulationTimelineEntry]
    public var kpis: SimulationKPIs
    public var emergency: EmergencyState

    public init(events: [CTIEvent], timeline: [SimulationTimelineEntry], kpis: SimulationKPIs, emergency: EmergencyState) {
        self.events = events
        self.timeline = timeline
        self.kpis = kpis
        self.emergency = emergency
    }
}

/// What one `Simulator.run(until:)` produced.
public struct SimulationStep: Sendable, Equatable {
    public var events: [CTIEvent]
    public var timeline: [SimulationTimelineEntry]
    /// Simulated time reached.
    public var now: Date
    public var isFinished: Bool
}
