import Foundation
import Testing
@testable import KefuCore

@Suite struct EmergencyPolicyTests {
    let seed = EmergencyPolicy.seedDefault

    @Test func seedDefaultEncodesTheSeed() {
        #expect(seed.stages.map(\.kind) == [.pullIn, .pullIn, .pullIn, .pullIn, .extendShifts, .overtime])
        #expect(seed.stages.map(\.groups) == [[.floatingExperts], [.outbound], [.qc], [.backOffice], [], []])
        #expect(seed.stages.prefix(3).allSatisfy { $0.trigger == WaitingBand(above: 5, atMost: 10) })
        #expect(seed.stages[3].trigger == WaitingBand(above: 10))
        #expect(seed.stages.allSatisfy { $0.sustainSeconds == 300 })
        #expect(seed.stages[0].minSeats == nil && seed.stages[0].maxSeats == nil)
        #expect(seed.stages[1...3].allSatisfy { $0.minSeats == 2 && $0.maxSeats == 3 })
        #expect(seed.release == EmergencyReleaseRule(waitingAtMost: 5, sustainSeconds: 300, order: .reverse))
        #expect(seed.nightMode.windowText == "22:00–08:00")
        #expect(seed.nightMode.stages.first?.keepSupervisors == 1)
        #expect(seed.nightMode.stages.first?.groups.allSatisfy { !$0.isPhoneGroup } == true)
        #expect(seed.validate().isEmpty)
        #expect(seed.isValid)
    }

    @Test func bandsReadLikeTheSeed() {
        let band = WaitingBand(above: 5, atMost: 10)
        #expect(!band.contains(5) && band.contains(6) && band.contains(10) && !band.contains(11))
        #expect(band.isExceeded(by: 11) && !band.isExceeded(by: 10))
        #expect(band.text == ">5 且 ≤10")
        #expect(WaitingBand(above: 10).text == ">10")
        #expect(!WaitingBand(above: 10).isExceeded(by: 1000))
    }

    @Test func validationNamesTheFieldInChinese() {
        var policy = seed
        policy.physicalSeats = 0
        policy.release.waitingAtMost = 6
        policy.stages[0].trigger = WaitingBand(above: 5, atMost: 5)
        policy.stages[1].sustainSeconds = 0
        policy.stages[2].minSeats = 3
        policy.stages[2].maxSeats = 2
        policy.stages[3].groups = [.qc]
        policy.targetOccupancy = 1.5
        policy.nightMode.endMinute = policy.nightMode.startMinute
        policy.nightMode.timeZone = "Mars/Olympus"
        let problems = policy.validate()
        let byField = Dictionary(problems.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
        #expect(byField["physicalSeats"] == "物理台席数必须大于 0")
        #expect(byField["release.waitingAtMost"] == "签出阈值（≤6）不能高于最低的触发下限（>5），否则会反复签入签出")
        #expect(byField["stages[0].trigger.atMost"] == "第1步：触发上限（≤5）必须大于下限（>5）")
        #expect(byField["stages[1].sustainSeconds"] == "第2步：持续时间须在 1 秒到 60 分钟之间")
        #expect(byField["stages[2].maxSeats"] == "第3步：调入人数上限（2）不能小于下限（3）")
        #expect(byField["stages[3].groups"] == "第4步：质检组已在第3步调入，不能重复调入")
        #expect(byField["targetOccupancy"] == "目标占用率须大于 0 且不超过 100%")
        #expect(byField["nightMode.endMinute"] == "夜间时段的开始和结束时间不能相同")
        #expect(byField["nightMode.timeZone"] == "无法识别的时区：Mars/Olympus")
        #expect(!policy.isValid)
    }

    @Test func validationRefusesMisplacedStepKinds() {
        var policy = seed
        policy.stages = []
        policy.nightMode.stages = [.pullIn(.qc, WaitingBand(above: 5)),
                                   EmergencyStage(kind: .nightAllHands, trigger: WaitingBand(above: 5), groups: [.outbound])]
        let messages = policy.validate().map(\.message)
        #expect(messages.contains("至少需要一个应急步骤"))
        #expect(messages.contains("夜间第1步：夜间步骤不能按组调入，请使用夜间全员签入"))
        #expect(messages.contains("夜间第2步：夜间全员签入只应包括非话务人员组"))

        var day = seed
        day.stages.append(EmergencyStage(kind: .pullIn, trigger: WaitingBand(above: 5), groups: [.inbound], minSeats: 2))
        let dayMessages = day.validate().map(\.message)
        #expect(dayMessages.contains("第7步：呼入组本身不能作为调入组"))
        #expect(dayMessages.contains("第7步：调入人数的下限和上限须同时填写，或同时留空（表示全组）"))
    }

    @Test func policyRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(seed)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"floating_experts\""))
        #expect(text.contains("\"pull_in\""))
        #expect(try JSONDecoder().decode(EmergencyPolicy.self, from: data) == seed)
    }

    @Test func stateRoundTripsThroughJSON() throws {
        let engine = EmergencyEngine()
        let start = Date(timeIntervalSince1970: 1_789_000_000)
        let look = { (seconds: Double) in
            EmergencyObservation(now: start + seconds, waiting: 9, available: [.floatingExperts: 3, .outbound: 3],
                                 seatsInUse: 20, isNight: false)
        }
        var decision = engine.observe(look(0), state: EmergencyState(mode: .manual))
        decision = engine.observe(look(300), state: decision.state)
        let open = try #require(decision.recommendation)
        var state = try engine.apply(open, to: decision.state, at: start + 310, by: "1001")
        state = engine.observe(look(320), state: state).state
        state = engine.observe(look(620), state: state).state
        #expect(state.open != nil && state.pending != nil && state.applied.count == 1)

        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let decoded = try decoder.decode(EmergencyState.self, from: encoder.encode(state))
        #expect(decoded == state)
        // The restored state carries on exactly where it was: same open recommendation.
        let next = engine.observe(look(630), state: decoded)
        #expect(next.recommendation?.id == state.open?.id)
        #expect(!next.isNew)
    }

    @Test func liveStatusKeepsNullKeys() throws {
        let idle = EmergencyState().status
        let text = String(decoding: try JSONEncoder().encode(idle), as: UTF8.self)
        #expect(text.contains("\"recommendation\":null"))
        #expect(text.contains("\"since\":null"))
        #expect(text.contains("\"stage\":0"))
    }

    @Test func seatEstimateIsSimpleArithmetic() {
        // 600 calls/h × 240 s = 40 Erlang; / 0.85 = 47.06 → 48 seats; 38 staffed → 10 short.
        let traffic = EmergencySeatEstimate(waiting: 12, releaseAtMost: 5, staffed: 38, arrivalsPerHour: 600,
                                            averageHandleSeconds: 240, targetOccupancy: 0.85)
        #expect(traffic.required == 48 && traffic.needed == 10)
        // Exact multiples are not rounded up by floating-point noise: 340 × 90 / 3600 / 0.85 = 10.
        let exact = EmergencySeatEstimate(waiting: 9, releaseAtMost: 5, staffed: 0, arrivalsPerHour: 340,
                                          averageHandleSeconds: 90, targetOccupancy: 0.85)
        #expect(exact.required == 10)
        // Overstaffed for the traffic: nothing needed.
        let enough = EmergencySeatEstimate(waiting: 9, releaseAtMost: 5, staffed: 60, arrivalsPerHour: 600,
                                           averageHandleSeconds: 240, targetOccupancy: 0.85)
        #expect(enough.needed == 0)
        // No traffic figures: one seat per call above the sign-out level.
        let queueOnly = EmergencySeatEstimate(waiting: 12, releaseAtMost: 5, staffed: 38, arrivalsPerHour: nil,
                                              averageHandleSeconds: nil, targetOccupancy: 0.85)
        #expect(queueOnly.required == nil && queueOnly.needed == 7)
        #expect(EmergencyText.duration(300) == "5 分钟")
        #expect(EmergencyText.duration(320) == "5 分 20 秒")
        #expect(EmergencyText.duration(40) == "40 秒")
    }
}
