import Foundation

/// What one observation led to. The server persists `state`, audits and shows
/// `recommendation` when `isNew`, notifies the staff concerned when a step is
/// applied, and audits `withdrawn`.
public struct EmergencyDecision: Sendable, Equatable {
    public var state: EmergencyState
    /// The open recommendation (manual mode), or the one just applied (automatic mode).
    public var recommendation: EmergencyRecommendation?
    /// True on the observation that first raised `recommendation`.
    public var isNew: Bool
    /// True when the engine applied `recommendation` itself (automatic mode).
    public var appliedAutomatically: Bool
    /// A recommendation that was open and no longer fits the floor.
    public var withdrawn: EmergencyRecommendation?
    /// Why a due step could not be recommended (physical seats full), for the shift lead's page.
    public var note: String?

    public init(state: EmergencyState, recommendation: EmergencyRecommendation? = nil, isNew: Bool = false,
                appliedAutomatically: Bool = false, withdrawn: EmergencyRecommendation? = nil, note: String? = nil) {
        self.state = state
        self.recommendation = recommendation
        self.isNew = isNew
        self.appliedAutomatically = appliedAutomatically
        self.withdrawn = withdrawn
        self.note = note
    }
}

/// Why the shift lead's click was refused.
public enum EmergencyError: Error, Equatable, Sendable, LocalizedError {
    /// The recommendation was withdrawn, replaced or already applied.
    case notOpen
    /// A lower seat count must stay between 1 and what was recommended.
    case invalidSeats(max: Int)

    public var message: String {
        switch self {
        case .notOpen: "该建议已失效或已被处理，请刷新后重试"
        case .invalidSeats(let max): "调入人数须在 1 到 \(max) 之间"
        }
    }

    public var errorDescription: String? { message }
}

/// The staged emergency staffing engine (R3.4, 002 排班应急方案): a pure state
/// machine. Same policy, state and observation in → same decision out, with no
/// clock of its own, so the simulated clock and the real one drive it alike.
///
/// How it reads the seed:
/// - Escalation follows the ladder in order. The next step is the first one
///   not yet in force whose band holds the waiting count; when the queue is
///   already past that band (e.g. 12 waiting while ① asks for >5 ≤10), it
///   jumps to the first later step whose band starts at or above that edge
///   and holds the count (④ at >10), and the skipped steps follow afterwards
///   as long as the queue stays above them. A step whose group has nobody
///   available is passed over.
/// - A step is due when its condition has held for its sustain time, measured
///   from the first observation that saw it (so observe at least every 10–15 s
///   and on every queue change). Applying a step restarts the timing (the
///   seed asks for another 5 minutes after each adjustment); observe again
///   right after applying so the new timing starts at the adjustment.
/// - Sign-out: once waiting ≤ the release level for the release sustain time,
///   the last step in is recommended out first; one step per sustain period.
/// - The physical seat cap bounds every step; a step that cannot add a single
///   seat is not recommended, and the decision's note says so.
/// - At night the night ladder replaces the day ladder; steps already in force
///   stay until they are signed out.
public struct EmergencyEngine: Sendable {
    public let policy: EmergencyPolicy

    public init(policy: EmergencyPolicy = .seedDefault) {
        self.policy = policy
    }

    /// Feeds one observation. In automatic mode a due step is applied at once
    /// (`appliedBy` nil) and reported with `appliedAutomatically`.
    public func observe(_ observation: EmergencyObservation, state: EmergencyState) -> EmergencyDecision {
        var state = state
        let previous = state.open
        func finish(_ recommendation: EmergencyRecommendation?, isNew: Bool = false, note: String? = nil) -> EmergencyDecision {
            state.open = recommendation
            var withdrawn: EmergencyRecommendation?
            if let previous, recommendation.map({ !previous.isSameStep(as: $0) }) ?? true { withdrawn = previous }
            var decision = EmergencyDecision(state: state, recommendation: recommendation, isNew: isNew,
                                             withdrawn: withdrawn, note: note)
            if let recommendation, state.mode == .automatic {
                decision.state = commit(recommendation, seats: nil, to: state, at: observation.now, by: nil)
                decision.appliedAutomatically = true
            }
            return decision
        }

        guard let target = target(for: observation, state: state) else {
            state.pending = nil
            return finish(nil)
        }
        if let pending = state.pending, pending.direction == target.direction, pending.ladder == target.ladder,
           pending.stageNumber == target.stageNumber {
            // Still the same condition: keep timing from when it began.
        } else {
            state.pending = EmergencyPendingCondition(direction: target.direction, ladder: target.ladder,
                                                      stageNumber: target.stageNumber, since: observation.now)
        }
        let sustained = Int(observation.now.timeIntervalSince(state.pending!.since).rounded(.down))
        guard sustained >= target.sustainSeconds else { return finish(nil) }

        let built = recommendation(for: target, observation: observation, sustained: sustained)
        guard var recommendation = built.recommendation else { return finish(nil, note: built.note) }
        if let previous, previous.isSameStep(as: recommendation) {
            recommendation.raisedAt = previous.raisedAt
            recommendation.id = previous.id
            return finish(recommendation)
        }
        return finish(recommendation, isNew: true)
    }

    /// The shift lead's click. `recommendation` must be the open one (its `id`
    /// is checked, so a stale page cannot apply an old step). `seats` lets the
    /// lead pull in fewer people than recommended; it is ignored for sign-out,
    /// which always undoes the whole step.
    public func apply(_ recommendation: EmergencyRecommendation, to state: EmergencyState, at time: Date,
                      by workId: String?, seats: Int? = nil) throws -> EmergencyState {
        guard let open = state.open, open.id == recommendation.id else { throw EmergencyError.notOpen }
        if let seats, open.direction == .escalate, !(1...max(1, open.action.seats)).contains(seats) {
            throw EmergencyError.invalidSeats(max: open.action.seats)
        }
        return commit(open, seats: open.direction == .escalate ? seats : nil, to: state, at: time, by: workId)
    }

    /// Whether `observation` falls in the night ladder's hours.
    public func isNight(_ observation: EmergencyObservation) -> Bool {
        observation.isNight ?? policy.nightMode.contains(observation.now)
    }

    // MARK: - Choosing the step

    struct Target {
        var direction: EmergencyDirection
        var ladder: EmergencyLadder
        var stageNumber: Int
        var sustainSeconds: Int
        var stage: EmergencyStage?
        var step: EmergencyAppliedStep?
    }

    func target(for observation: EmergencyObservation, state: EmergencyState) -> Target? {
        let waiting = observation.waiting
        if waiting <= policy.release.waitingAtMost {
            let step = policy.release.order == .reverse ? state.applied.last : state.applied.first
            guard let step else { return nil }
            return Target(direction: .release, ladder: step.ladder, stageNumber: step.stageNumber,
                          sustainSeconds: policy.release.sustainSeconds, step: step)
        }
        let night = isNight(observation)
        let ladder: EmergencyLadder = night ? .night : .day
        let stages = night ? (policy.nightMode.stages) : policy.stages
        var candidates = stages.indices.filter { index in
            !state.applied.contains { $0.ladder == ladder && $0.stageNumber == index + 1 }
        }
        while let index = Self.pick(candidates, in: stages, waiting: waiting) {
            let stage = stages[index]
            if canStaff(stage, observation: observation) {
                return Target(direction: .escalate, ladder: ladder, stageNumber: index + 1,
                              sustainSeconds: stage.sustainSeconds, stage: stage)
            }
            candidates.removeAll { $0 == index }
        }
        return nil
    }

    /// The ladder rule: the first open step if its band holds `waiting`; past
    /// its band, a later step whose band starts at that edge (the jump to ④),
    /// else the first step anyway (a worse queue satisfies a milder condition);
    /// below its band, nothing.
    static func pick(_ candidates: [Int], in stages: [EmergencyStage], waiting: Int) -> Int? {
        guard let first = candidates.first else { return nil }
        let band = stages[first].trigger
        if band.contains(waiting) { return first }
        guard band.isExceeded(by: waiting), let edge = band.atMost else { return nil }
        return candidates.dropFirst().first { index in
            stages[index].trigger.above >= edge && stages[index].trigger.contains(waiting)
        } ?? first
    }

    /// A step with nobody to pull, or no seat shortfall, is passed over.
    func canStaff(_ stage: EmergencyStage, observation: EmergencyObservation) -> Bool {
        switch stage.kind {
        case .pullIn: stage.groups.first.map { observation.available($0) > 0 } ?? false
        case .nightAllHands: nightPool(stage, observation: observation) > 0
        case .extendShifts, .overtime: estimate(observation).needed > 0
        }
    }

    func nightPool(_ stage: EmergencyStage, observation: EmergencyObservation) -> Int {
        let staff = stage.groups.reduce(0) { $0 + observation.available($1) }
        return max(0, staff + max(0, observation.supervisorsOnDuty) - max(0, stage.keepSupervisors ?? 0))
    }

    func estimate(_ observation: EmergencyObservation) -> EmergencySeatEstimate {
        EmergencySeatEstimate(waiting: observation.waiting, releaseAtMost: policy.release.waitingAtMost,
                              staffed: observation.seatsInUse, arrivalsPerHour: observation.arrivalsPerHour,
                              averageHandleSeconds: observation.averageHandleSeconds,
                              targetOccupancy: policy.targetOccupancy)
    }

    // MARK: - Wording the recommendation

    func recommendation(for target: Target, observation o: EmergencyObservation,
                        sustained: Int) -> (recommendation: EmergencyRecommendation?, note: String?) {
        let freeSeats = max(0, policy.physicalSeats - o.seatsInUse)
        let lead = "排队 \(o.waiting) 通已持续 \(EmergencyText.duration(sustained))"

        if target.direction == .release, let step = target.step {
            let condition = "≤\(policy.release.waitingAtMost)"
            let order = policy.release.order == .reverse ? "按签入的相反顺序签出" : "按签入顺序签出"
            let action = step.action
            let what: String
            let notice: String
            switch action.kind {
            case .pullIn, .nightAllHands:
                what = "\(action.groupsText) \(action.seats) 人签出呼入台席，恢复原岗位"
                notice = "应急解除：\(action.groupsText)人员可签出呼入台席，恢复原岗位"
            case .extendShifts:
                what = "恢复正常班次（撤回延长班次增加的 \(action.seats) 个座席）"
                notice = "应急解除：班次恢复正常"
            case .overtime:
                what = "结束紧急加班（\(action.seats) 人）"
                notice = "应急解除：紧急加班结束"
            }
            let figures = EmergencyFigures(
                waiting: o.waiting, sustainedSeconds: sustained, condition: condition, wanted: action.seats,
                seats: action.seats, seatsInUse: o.seatsInUse, physicalSeats: policy.physicalSeats,
                freeSeats: freeSeats, cappedBySeats: false)
            let reason = "\(lead)（\(condition)），建议\(order)：\(what)"
            return (EmergencyRecommendation(direction: .release, ladder: step.ladder, stageNumber: step.stageNumber,
                                            action: action, reason: reason, agentNotice: notice, figures: figures,
                                            raisedAt: o.now), nil)
        }

        guard let stage = target.stage else { return (nil, nil) }
        let condition = stage.trigger.text
        var available: Int?
        var wanted: Int
        var seatsNeeded: Int?
        var estimateText = ""
        switch stage.kind {
        case .pullIn:
            let group = stage.groups.first ?? .floatingExperts
            let staff = o.available(group)
            available = staff
            if let low = stage.minSeats, let high = stage.maxSeats {
                // Enough to bring the queue back to the sign-out level, within the step's range.
                wanted = min(max(o.waiting - policy.release.waitingAtMost, low), high)
            } else {
                wanted = staff
            }
        case .nightAllHands:
            let pool = nightPool(stage, observation: o)
            available = pool
            wanted = pool
        case .extendShifts, .overtime:
            let estimate = estimate(o)
            seatsNeeded = estimate.needed
            wanted = estimate.needed
            estimateText = estimate.text(arrivalsPerHour: o.arrivalsPerHour, averageHandleSeconds: o.averageHandleSeconds,
                                         targetOccupancy: policy.targetOccupancy)
        }
        let staffable = min(wanted, available ?? wanted)
        let seats = min(staffable, freeSeats)
        let capped = seats < staffable
        let seatText = "已用 \(o.seatsInUse)/\(policy.physicalSeats)"
        guard seats > 0 else {
            let note = "物理台席已满（\(seatText)），无法再增加座席；建议开启留言或预约回呼"
            return (nil, note)
        }

        var remarks: [String] = []
        if let available, available < wanted, stage.kind == .pullIn {
            remarks.append("该组仅 \(available) 人可调")
        }
        if !estimateText.isEmpty { remarks.append(estimateText) }
        if capped { remarks.append("受物理台席上限限制（\(seatText)，空闲 \(freeSeats) 个），原需 \(staffable) 人") }
        let suffix = remarks.isEmpty ? "" : "（" + remarks.joined(separator: "；") + "）"

        let action: EmergencyAction
        let advice: String
        let notice: String
        switch stage.kind {
        case .pullIn:
            action = EmergencyAction(kind: .pullIn, groups: stage.groups, seats: seats)
            advice = "建议调\(action.groupsText) \(seats) 人签入呼入台席"
            notice = "应急调度（第\(target.stageNumber)步）：请\(action.groupsText) \(seats) 人立即签入呼入台席，协助接听来话"
        case .extendShifts:
            action = EmergencyAction(kind: .extendShifts, seats: seats)
            advice = "前几步调整后仍未缓解，建议延长班次增加 \(seats) 个座席"
            notice = "应急调度（第\(target.stageNumber)步）：话务高峰持续，本班次将延长，请听从值班长安排"
        case .overtime:
            action = EmergencyAction(kind: .overtime, seats: seats)
            advice = "前几步调整后仍未缓解，建议根据台席数安排紧急加班 \(seats) 人"
            notice = "应急调度（第\(target.stageNumber)步）：需紧急加班 \(seats) 人，请留意值班长通知"
        case .nightAllHands:
            action = EmergencyAction(kind: .nightAllHands, groups: stage.groups, seats: seats)
            let keep = max(0, stage.keepSupervisors ?? 0)
            advice = "建议除 \(keep) 名现场督导外，\(action.groupsText)等非话务人员共 \(seats) 人全部签入呼入台席"
            notice = "夜间应急：除现场督导外，\(action.groupsText)等非话务人员请立即签入呼入台席"
        }
        let nightPrefix = target.ladder == .night ? "夜间（\(policy.nightMode.windowText)）" : ""
        let reason = "\(nightPrefix)\(lead)（\(condition)），\(advice)\(suffix)"
        let figures = EmergencyFigures(
            waiting: o.waiting, sustainedSeconds: sustained, condition: condition, available: available,
            wanted: wanted, seats: seats, seatsInUse: o.seatsInUse, physicalSeats: policy.physicalSeats,
            freeSeats: freeSeats, cappedBySeats: capped, seatsNeeded: seatsNeeded,
            arrivalsPerHour: seatsNeeded == nil ? nil : o.arrivalsPerHour,
            averageHandleSeconds: seatsNeeded == nil ? nil : o.averageHandleSeconds,
            targetOccupancy: seatsNeeded == nil ? nil : policy.targetOccupancy)
        return (EmergencyRecommendation(direction: .escalate, ladder: target.ladder, stageNumber: target.stageNumber,
                                        action: action, reason: reason, agentNotice: notice, figures: figures,
                                        raisedAt: o.now), nil)
    }

    // MARK: - Applying

    func commit(_ recommendation: EmergencyRecommendation, seats: Int?, to state: EmergencyState, at time: Date,
                by workId: String?) -> EmergencyState {
        var state = state
        switch recommendation.direction {
        case .escalate:
            var action = recommendation.action
            if let seats { action.seats = seats }
            state.applied.append(EmergencyAppliedStep(ladder: recommendation.ladder, stageNumber: recommendation.stageNumber,
                                                      action: action, appliedAt: time, appliedBy: workId))
        case .release:
            if let index = state.applied.lastIndex(where: {
                $0.ladder == recommendation.ladder && $0.stageNumber == recommendation.stageNumber
            }) {
                state.applied.remove(at: index)
            }
        }
        state.open = nil
        state.pending = nil
        state.stageSince = time
        return state
    }
}
