import Foundation
import Testing
@testable import KefuCore

/// Times in the center's zone, so night-window cases read like the seed.
private enum Floor {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static func at(_ hour: Int, _ minute: Int = 0, _ second: Int = 0, day: Int = 14) -> Date {
        LocalDay(year: 2026, month: 9, day: day).start(in: zone)
            .addingTimeInterval(Double(hour * 3600 + minute * 60 + second))
    }
    /// 10:00 on a weekday, plus minutes and seconds: day ladder.
    static func day(_ minutes: Int, _ seconds: Int = 0) -> Date {
        at(10).addingTimeInterval(Double(minutes * 60 + seconds))
    }
    static let staff: [AgentGroup: Int] = [.floatingExperts: 2, .outbound: 4, .qc: 3, .backOffice: 3]
    static func look(_ now: Date, waiting: Int, available: [AgentGroup: Int] = staff, seatsInUse: Int = 30,
                     arrivals: Double? = nil, aht: Double? = nil, night: Bool? = nil,
                     supervisors: Int = 0) -> EmergencyObservation {
        EmergencyObservation(now: now, waiting: waiting, available: available, supervisorsOnDuty: supervisors,
                             seatsInUse: seatsInUse, arrivalsPerHour: arrivals, averageHandleSeconds: aht,
                             isNight: night)
    }
}

@Suite struct EmergencyEngineTests {
    let engine = EmergencyEngine(policy: .seedDefault)

    /// Observes and, when a recommendation is open, clicks it as shift lead 1001.
    func observeAndApply(_ observation: EmergencyObservation, _ state: inout EmergencyState) throws -> EmergencyRecommendation? {
        let decision = engine.observe(observation, state: state)
        state = decision.state
        guard let recommendation = decision.recommendation else { return nil }
        state = try engine.apply(recommendation, to: state, at: observation.now, by: "1001")
        return recommendation
    }

    @Test func fullLadderStageByStage() throws {
        var state = EmergencyState()
        // ① 5 < waiting ≤ 10 must hold for 5 minutes.
        var decision = engine.observe(Floor.look(Floor.day(0), waiting: 8), state: state)
        #expect(decision.recommendation == nil)
        decision = engine.observe(Floor.look(Floor.day(4, 59), waiting: 9), state: decision.state)
        #expect(decision.recommendation == nil)
        decision = engine.observe(Floor.look(Floor.day(5), waiting: 8), state: decision.state)
        let first = try #require(decision.recommendation)
        #expect(decision.isNew)
        #expect(first.stageNumber == 1)
        #expect(first.action == EmergencyAction(kind: .pullIn, groups: [.floatingExperts], seats: 2))
        #expect(first.reason == "排队 8 通已持续 5 分钟（>5 且 ≤10），建议调流动专家组 2 人签入呼入台席")
        #expect(first.agentNotice.contains("流动专家组"))
        #expect(first.figures.waiting == 8 && first.figures.sustainedSeconds == 300 && first.figures.available == 2)
        #expect(decision.state.status == EmergencyStatus(stage: 0, recommendation: first.reason, since: nil))

        // The same recommendation stays open without being raised again.
        decision = engine.observe(Floor.look(Floor.day(5, 10), waiting: 8), state: decision.state)
        #expect(decision.recommendation?.id == first.id)
        #expect(decision.isNew == false)
        state = try engine.apply(first, to: decision.state, at: Floor.day(5, 10), by: "1001")
        #expect(state.stageNumber == 1)
        #expect(state.applied.first?.appliedBy == "1001")
        #expect(state.status == EmergencyStatus(stage: 1, recommendation: nil, since: Floor.day(5, 10)))

        // ② another 5 minutes after the first adjustment: 2–3 outbound seats (3 = back to ≤5).
        #expect(try observeAndApply(Floor.look(Floor.day(5, 10), waiting: 8), &state) == nil)
        #expect(try observeAndApply(Floor.look(Floor.day(10, 9), waiting: 8), &state) == nil)
        let second = try #require(try observeAndApply(Floor.look(Floor.day(10, 10), waiting: 8), &state))
        #expect(second.stageNumber == 2)
        #expect(second.action == EmergencyAction(kind: .pullIn, groups: [.outbound], seats: 3))
        #expect(second.reason == "排队 8 通已持续 5 分钟（>5 且 ≤10），建议调呼出组 3 人签入呼入台席")

        // ③ QC, 2 people when 7 are waiting (7 − 5 = 2).
        #expect(try observeAndApply(Floor.look(Floor.day(10, 10), waiting: 7), &state) == nil)
        let third = try #require(try observeAndApply(Floor.look(Floor.day(15, 10), waiting: 7), &state))
        #expect(third.action == EmergencyAction(kind: .pullIn, groups: [.qc], seats: 2))

        // Still 8 waiting after ①–③: ④ needs >10, so nothing more.
        #expect(try observeAndApply(Floor.look(Floor.day(15, 10), waiting: 8), &state) == nil)
        #expect(try observeAndApply(Floor.look(Floor.day(25), waiting: 8), &state) == nil)
        #expect(state.pending == nil)

        // ④ waiting > 10 for 5 minutes: 2–3 back-office staff.
        #expect(try observeAndApply(Floor.look(Floor.day(25), waiting: 12), &state) == nil)
        let fourth = try #require(try observeAndApply(Floor.look(Floor.day(30), waiting: 12), &state))
        #expect(fourth.stageNumber == 4)
        #expect(fourth.reason == "排队 12 通已持续 5 分钟（>10），建议调后台处理组 3 人签入呼入台席")

        // ⑤ longer shifts, sized from traffic: 600/h × 240 s = 40 Erlang / 85% → 48 seats, 38 staffed → 10.
        #expect(try observeAndApply(Floor.look(Floor.day(30), waiting: 12, seatsInUse: 38, arrivals: 600, aht: 240), &state) == nil)
        let fifth = try #require(try observeAndApply(
            Floor.look(Floor.day(35), waiting: 12, seatsInUse: 38, arrivals: 600, aht: 240), &state))
        #expect(fifth.stageNumber == 5)
        #expect(fifth.action == EmergencyAction(kind: .extendShifts, seats: 10))
        #expect(fifth.figures.seatsNeeded == 10)
        #expect(fifth.reason == "排队 12 通已持续 5 分钟（>5），前几步调整后仍未缓解，建议延长班次增加 10 个座席"
            + "（按每小时来话 600 通、平均处理 240 秒、目标占用率 85% 估算需 48 席，现有 38 席，缺 10 席）")

        // ⑥ overtime with the computed seat count: 720/h → 57 seats, 48 staffed → 9.
        #expect(try observeAndApply(Floor.look(Floor.day(35), waiting: 11, seatsInUse: 48, arrivals: 720, aht: 240), &state) == nil)
        let sixth = try #require(try observeAndApply(
            Floor.look(Floor.day(40), waiting: 11, seatsInUse: 48, arrivals: 720, aht: 240), &state))
        #expect(sixth.stageNumber == 6)
        #expect(sixth.action == EmergencyAction(kind: .overtime, seats: 9))
        #expect(sixth.reason.contains("建议根据台席数安排紧急加班 9 人"))

        #expect(state.applied.map(\.stageNumber) == [1, 2, 3, 4, 5, 6])
        #expect(state.stageNumber == 6)
        // Nothing left to add.
        #expect(try observeAndApply(Floor.look(Floor.day(50), waiting: 15, seatsInUse: 57), &state) == nil)
    }

    @Test func noRecommendationWhenTheQueueDropsBeforeFiveMinutes() {
        var decision = engine.observe(Floor.look(Floor.day(0), waiting: 8), state: EmergencyState())
        decision = engine.observe(Floor.look(Floor.day(4), waiting: 9), state: decision.state)
        decision = engine.observe(Floor.look(Floor.day(4, 30), waiting: 4), state: decision.state)
        #expect(decision.recommendation == nil)
        #expect(decision.state.pending == nil)
        // The count starts over when the queue rises again.
        decision = engine.observe(Floor.look(Floor.day(5), waiting: 8), state: decision.state)
        decision = engine.observe(Floor.look(Floor.day(9, 59), waiting: 8), state: decision.state)
        #expect(decision.recommendation == nil)
        decision = engine.observe(Floor.look(Floor.day(10), waiting: 8), state: decision.state)
        #expect(decision.recommendation?.stageNumber == 1)
    }

    @Test func moreThanTenWaitingJumpsToBackOffice() throws {
        var state = EmergencyState()
        #expect(try observeAndApply(Floor.look(Floor.day(0), waiting: 14), &state) == nil)
        let jump = try #require(try observeAndApply(Floor.look(Floor.day(5), waiting: 14), &state))
        #expect(jump.stageNumber == 4)
        #expect(jump.action.groups == [.backOffice])
        #expect(state.stageNumber == 4)
        // The skipped steps follow while the queue stays high; the level shown stays 4.
        #expect(try observeAndApply(Floor.look(Floor.day(5), waiting: 14), &state) == nil)
        let next = try #require(try observeAndApply(Floor.look(Floor.day(10), waiting: 14), &state))
        #expect(next.stageNumber == 1)
        #expect(next.reason.hasPrefix("排队 14 通已持续 5 分钟（>5 且 ≤10）"))
        #expect(state.stageNumber == 4)
    }

    @Test func aGroupWithNobodyAvailableIsPassedOver() throws {
        var state = EmergencyState()
        var staff = Floor.staff
        staff[.floatingExperts] = 0
        _ = try observeAndApply(Floor.look(Floor.day(0), waiting: 8, available: staff), &state)
        let first = try #require(try observeAndApply(Floor.look(Floor.day(5), waiting: 8, available: staff), &state))
        #expect(first.stageNumber == 2)
        #expect(first.action.groups == [.outbound])
        // Only one QC inspector free: the range asks for 3, the reason says why it is 1.
        staff[.qc] = 1
        _ = try observeAndApply(Floor.look(Floor.day(5), waiting: 9, available: staff), &state)
        let qc = try #require(try observeAndApply(Floor.look(Floor.day(10), waiting: 9, available: staff), &state))
        #expect(qc.action.seats == 1)
        #expect(qc.reason == "排队 9 通已持续 5 分钟（>5 且 ≤10），建议调质检组 1 人签入呼入台席（该组仅 1 人可调）")
    }

    @Test func physicalSeatsCapEveryStep() throws {
        var decision = engine.observe(Floor.look(Floor.day(0), waiting: 9, seatsInUse: 59), state: EmergencyState())
        decision = engine.observe(Floor.look(Floor.day(5), waiting: 9, seatsInUse: 59), state: decision.state)
        let capped = try #require(decision.recommendation)
        #expect(capped.action.seats == 1)
        #expect(capped.figures.cappedBySeats)
        #expect(capped.figures.freeSeats == 1)
        #expect(capped.reason == "排队 9 通已持续 5 分钟（>5 且 ≤10），建议调流动专家组 1 人签入呼入台席"
            + "（受物理台席上限限制（已用 59/60，空闲 1 个），原需 2 人）")

        // No free seat: no recommendation, a note instead; the timing keeps running.
        let full = engine.observe(Floor.look(Floor.day(6), waiting: 9, seatsInUse: 60), state: decision.state)
        #expect(full.recommendation == nil)
        #expect(full.withdrawn?.id == capped.id)
        #expect(full.note == "物理台席已满（已用 60/60），无法再增加座席；建议开启留言或预约回呼")
        #expect(full.state.pending?.since == Floor.day(0))
        let freed = engine.observe(Floor.look(Floor.day(6, 5), waiting: 9, seatsInUse: 58), state: full.state)
        #expect(freed.recommendation?.action.seats == 2)
        #expect(freed.isNew)
    }

    @Test func signOutInReverseOrderOneStepPerPeriod() throws {
        var state = EmergencyState()
        for (minute, _) in [(0, 1), (5, 2), (10, 3)] {
            _ = try observeAndApply(Floor.look(Floor.day(minute), waiting: 8), &state)
            _ = try observeAndApply(Floor.look(Floor.day(minute + 5), waiting: 8), &state)
        }
        #expect(state.applied.map(\.stageNumber) == [1, 2, 3])

        // ≤5 for less than 5 minutes, then up again: nobody leaves.
        _ = try observeAndApply(Floor.look(Floor.day(20), waiting: 5), &state)
        #expect(try observeAndApply(Floor.look(Floor.day(24), waiting: 4), &state) == nil)
        state = engine.observe(Floor.look(Floor.day(24, 30), waiting: 6), state: state).state

        var order: [Int] = []
        var minute = 30
        _ = try observeAndApply(Floor.look(Floor.day(minute), waiting: 3), &state)
        while let released = try observeAndApply(Floor.look(Floor.day(minute + 5), waiting: 3), &state) {
            #expect(released.direction == .release)
            order.append(released.stageNumber)
            if released.stageNumber == 3 {
                #expect(released.reason == "排队 3 通已持续 5 分钟（≤5），建议按签入的相反顺序签出：质检组 3 人签出呼入台席，恢复原岗位")
                #expect(released.agentNotice == "应急解除：质检组人员可签出呼入台席，恢复原岗位")
            }
            minute += 5
            #expect(try observeAndApply(Floor.look(Floor.day(minute), waiting: 3), &state) == nil)
        }
        #expect(order == [3, 2, 1])
        #expect(state.applied.isEmpty)
        #expect(state.stageNumber == 0)
    }

    @Test func signInOrderReleaseWhenConfigured() throws {
        var policy = EmergencyPolicy.seedDefault
        policy.release.order = .signInOrder
        let engine = EmergencyEngine(policy: policy)
        let steps = [
            EmergencyAppliedStep(ladder: .day, stageNumber: 1, action: EmergencyAction(kind: .pullIn, groups: [.floatingExperts], seats: 2),
                                 appliedAt: Floor.day(0), appliedBy: "1001"),
            EmergencyAppliedStep(ladder: .day, stageNumber: 2, action: EmergencyAction(kind: .pullIn, groups: [.outbound], seats: 3),
                                 appliedAt: Floor.day(5), appliedBy: "1001"),
        ]
        var decision = engine.observe(Floor.look(Floor.day(10), waiting: 2), state: EmergencyState(applied: steps))
        decision = engine.observe(Floor.look(Floor.day(15), waiting: 2), state: decision.state)
        #expect(decision.recommendation?.stageNumber == 1)
        #expect(decision.recommendation?.reason.contains("按签入顺序签出") == true)
    }

    @Test func automaticModeAppliesAtOnce() {
        var decision = engine.observe(Floor.look(Floor.day(0), waiting: 8), state: EmergencyState(mode: .automatic))
        decision = engine.observe(Floor.look(Floor.day(5), waiting: 8), state: decision.state)
        #expect(decision.appliedAutomatically)
        #expect(decision.isNew)
        #expect(decision.recommendation?.stageNumber == 1)
        #expect(decision.state.open == nil)
        #expect(decision.state.applied.map(\.stageNumber) == [1])
        #expect(decision.state.applied.first?.appliedBy == nil)
        #expect(decision.state.stageSince == Floor.day(5))
        // The next step is timed from the automatic application.
        decision = engine.observe(Floor.look(Floor.day(5), waiting: 8), state: decision.state)
        decision = engine.observe(Floor.look(Floor.day(10), waiting: 8), state: decision.state)
        #expect(decision.state.applied.map(\.stageNumber) == [1, 2])
    }

    @Test func nightModeReplacesTheDayLadder() throws {
        let staff: [AgentGroup: Int] = [.floatingExperts: 1, .qc: 2, .backOffice: 1, .outbound: 3]
        var state = EmergencyState()
        _ = try observeAndApply(Floor.look(Floor.at(23), waiting: 7, available: staff, supervisors: 1), &state)
        let allHands = try #require(try observeAndApply(
            Floor.look(Floor.at(23, 5), waiting: 7, available: staff, supervisors: 1), &state))
        #expect(allHands.ladder == .night)
        #expect(allHands.stageNumber == 1)
        // 1 + 2 + 1 non-phone staff + 1 supervisor − 1 supervisor kept back = 4; outbound is phone staff and stays.
        #expect(allHands.action == EmergencyAction(kind: .nightAllHands, groups: [.floatingExperts, .qc, .backOffice], seats: 4))
        #expect(allHands.reason == "夜间（22:00–08:00）排队 7 通已持续 5 分钟（>5），建议除 1 名现场督导外，"
            + "流动专家组、质检组、后台处理组等非话务人员共 4 人全部签入呼入台席")
        // Then only overtime; no day group is pulled at night.
        _ = try observeAndApply(Floor.look(Floor.at(23, 5), waiting: 9, available: staff), &state)
        let overtime = try #require(try observeAndApply(Floor.look(Floor.at(23, 10), waiting: 9, available: staff), &state))
        #expect(overtime.action == EmergencyAction(kind: .overtime, seats: 4))
        #expect(overtime.reason.hasPrefix("夜间（22:00–08:00）"))
        #expect(try observeAndApply(Floor.look(Floor.at(23, 30), waiting: 9, available: staff), &state) == nil)
        #expect(state.applied.allSatisfy { $0.ladder == .night })
        #expect(state.stageNumber == 2)
    }

    @Test func nightWindowWrapsMidnight() {
        let night = EmergencyPolicy.seedDefault.nightMode
        #expect(night.contains(Floor.at(22)))
        #expect(night.contains(Floor.at(2, 30, day: 15)))
        #expect(night.contains(Floor.at(7, 59, 59)))
        #expect(!night.contains(Floor.at(8)))
        #expect(!night.contains(Floor.at(21, 59, 59)))
        var off = night
        off.enabled = false
        #expect(!off.contains(Floor.at(23)))
        #expect(engine.isNight(Floor.look(Floor.at(12), waiting: 0, night: true)))
    }

    @Test func openRecommendationIsWithdrawnWhenTheQueueClears() {
        var decision = engine.observe(Floor.look(Floor.day(0), waiting: 8), state: EmergencyState())
        decision = engine.observe(Floor.look(Floor.day(5), waiting: 8), state: decision.state)
        let open = decision.recommendation
        decision = engine.observe(Floor.look(Floor.day(6), waiting: 3), state: decision.state)
        #expect(decision.recommendation == nil)
        #expect(decision.withdrawn == open)
        #expect(decision.state.open == nil)
    }

    @Test func applyRefusesStaleOrOversizedClicks() throws {
        var decision = engine.observe(Floor.look(Floor.day(0), waiting: 9), state: EmergencyState())
        decision = engine.observe(Floor.look(Floor.day(5), waiting: 9), state: decision.state)
        let open = try #require(decision.recommendation)
        #expect(throws: EmergencyError.notOpen) {
            try engine.apply(open, to: EmergencyState(), at: Floor.day(5), by: "1001")
        }
        #expect(throws: EmergencyError.invalidSeats(max: 2)) {
            try engine.apply(open, to: decision.state, at: Floor.day(5), by: "1001", seats: 3)
        }
        #expect(EmergencyError.notOpen.message == "该建议已失效或已被处理，请刷新后重试")
        let state = try engine.apply(open, to: decision.state, at: Floor.day(5), by: "1001", seats: 1)
        #expect(state.applied.first?.action.seats == 1)
        #expect(throws: EmergencyError.notOpen) {
            try engine.apply(open, to: state, at: Floor.day(6), by: "1001")
        }
    }

    @Test func simulatedClockDrivesItLikeRealTime() {
        let clock = ManualClock(Floor.day(0))
        var state = EmergencyState()
        var raised: [Int] = []
        var seen: [Date] = []
        for _ in 0..<(16 * 6) {  // 16 minutes, one look every 10 s
            let decision = engine.observe(Floor.look(clock.now(), waiting: 8), state: state)
            state = decision.state
            if let recommendation = decision.recommendation, decision.isNew {
                raised.append(recommendation.stageNumber)
                seen.append(clock.now())
                state = (try? engine.apply(recommendation, to: state, at: clock.now(), by: "1001")) ?? state
                // As the server does: look again at once, so the next 5 minutes count from the adjustment.
                state = engine.observe(Floor.look(clock.now(), waiting: 8), state: state).state
            }
            clock.advance(by: 10)
        }
        #expect(raised == [1, 2, 3])
        #expect(seen == [Floor.day(5), Floor.day(10), Floor.day(15)])
    }
}
