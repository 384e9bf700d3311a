import Foundation

/// Who is told at which share of the resolution target (R1.3, R1.4 escalation).
///
/// Kept as data (not code) so a center can configure its own ladder and the
/// server can store it as JSON next to the queue settings.
public struct EscalationStep: Sendable, Equatable, Codable {
    /// 1, 2, 3 … — the order's escalation level once this step has fired.
    public var level: Int
    /// Share of the target elapsed when the step fires, e.g. 80, 100, 150.
    public var percent: Int
    /// Role to notify: "owner", "shift_lead", "team_lead" (strings, so new
    /// roles need no change here).
    public var notifyRole: String

    public init(level: Int, percent: Int, notifyRole: String) {
        self.level = level
        self.percent = percent
        self.notifyRole = notifyRole
    }
}

/// An escalation ladder. The server stores only the highest level that has
/// fired for an order; this type turns that number plus the order's
/// `SLATimer` into "what fires next, and when", so a sweep never has to keep
/// its own bookkeeping and never fires a step twice.
public struct EscalationPolicy: Sendable, Equatable, Codable {
    /// The steps, sorted by level (the initializers sort them). Percents are
    /// expected to rise with the level.
    public var steps: [EscalationStep]

    public init(steps: [EscalationStep]) {
        self.steps = Self.sorted(steps)
    }

    /// Decoding sorts too, so a hand-edited configuration in any order works.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.steps = Self.sorted(try container.decode([EscalationStep].self, forKey: .steps))
    }

    /// The default ladder: 1 at 80% → owner, 2 at 100% → shift lead, 3 at 150% → team lead.
    public static let standard = EscalationPolicy(steps: [
        EscalationStep(level: 1, percent: 80, notifyRole: "owner"),
        EscalationStep(level: 2, percent: 100, notifyRole: "shift_lead"),
        EscalationStep(level: 3, percent: 150, notifyRole: "team_lead"),
    ])

    /// The step after `currentLevel` (0 = none fired yet), or nil when all fired.
    public func nextStep(after currentLevel: Int) -> EscalationStep? {
        steps.first { $0.level > currentLevel }
    }

    /// When the next step falls due for this timer, or nil (paused, or no more
    /// steps) — what a scheduler should wake up for.
    public func nextDueAt(after currentLevel: Int, timer: SLATimer) -> Date? {
        guard let step = nextStep(after: currentLevel) else { return nil }
        return timer.dueAt(percent: step.percent)
    }

    /// All steps above `currentLevel` whose time has come at `now`, in level
    /// order. A sweep that was down for a while catches up in one pass, and
    /// since the caller then records the last returned level, each step still
    /// fires once. Empty while the timer is paused.
    public func dueSteps(after currentLevel: Int, timer: SLATimer, now: Date) -> [EscalationStep] {
        guard !timer.isPaused else { return [] }
        return steps.filter { step in
            guard step.level > currentLevel, let due = timer.dueAt(percent: step.percent) else { return false }
            return due <= now
        }
    }

    private static func sorted(_ steps: [EscalationStep]) -> [EscalationStep] {
        steps.enumerated()
            .sorted { ($0.element.level, $0.offset) < ($1.element.level, $1.offset) }
            .map(\.element)
    }
}
