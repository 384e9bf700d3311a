import Foundation
import Testing
@testable import KefuCore

/// Attendance and its fines (R9.2, R9.3, R4.5) on fixed times: the simulated clock is the
/// `now` each reading is made at.
@Suite struct AttendanceRuleTests {
    static let tz = TimeZone(identifier: "Asia/Shanghai") ?? .current

    static func at(_ day: LocalDay, _ hour: Int, _ minute: Int = 0, _ second: Int = 0) -> Date {
        day.start(in: tz).addingTimeInterval(Double(hour * 3600 + minute * 60 + second))
    }

    /// The day shift 09:00–18:00.
    static func shift(_ day: LocalDay, swap: ScheduledShift.Swap = .none) -> ScheduledShift {
        ScheduledShift(day: day, code: "D", start: at(day, 9), end: at(day, 18), swap: swap)
    }

    static func punch(_ id: String, _ date: Date, _ kind: PunchKind) -> Punch { Punch(id: id, at: date, kind: kind, source: .web) }

    let d1 = LocalDay(year: 2026, month: 12, day: 1)
    var later: Date { Self.at(LocalDay(year: 2027, month: 1, day: 5), 0) }

    @Test func oneMinuteLateIsLate() {
        let lines = AttendanceSheet.days([d1], shifts: [Self.shift(d1)],
                                         punches: [Self.punch("a", Self.at(d1, 9, 0, 30), .in), Self.punch("b", Self.at(d1, 18, 2), .out)],
                                         leaves: [], now: later)
        #expect(lines.map(\.status) == [.late] && lines[0].lateMinutes == 1 && lines[0].punchIDs == ["a", "b"])
        let onTime = AttendanceSheet.days([d1], shifts: [Self.shift(d1)],
                                          punches: [Self.punch("a", Self.at(d1, 8, 50), .in), Self.punch("b", Self.at(d1, 18), .out)],
                                          leaves: [], now: later)
        #expect(onTime.map(\.status) == [.present])
        let early = AttendanceSheet.days([d1], shifts: [Self.shift(d1)],
                                         punches: [Self.punch("a", Self.at(d1, 8, 50), .in), Self.punch("b", Self.at(d1, 17, 30), .out)],
                                         leaves: [], now: later)
        #expect(early.map(\.status) == [.earlyLeave] && early[0].earlyMinutes == 30)
        // With a five-minute grace, four minutes late is on time.
        let grace = AttendanceSheet.days([d1], shifts: [Self.shift(d1)],
                                         punches: [Self.punch("a", Self.at(d1, 9, 4), .in), Self.punch("b", Self.at(d1, 18), .out)],
                                         leaves: [], rules: AttendanceRules(lateGraceMinutes: 5), now: later)
        #expect(grace.map(\.status) == [.present])
        let fines = PenaltyCalculator.fines(lines + early, rules: PenaltyRules(), dailyWage: 200)
        #expect(fines.map(\.rule) == ["late", "early_leave"] && fines.map(\.amount) == [5, 5])
    }

    @Test func aForgottenPunchCostsOneYuanMoreEachTime() {
        let days = (1...4).map { LocalDay(year: 2026, month: 12, day: $0) }
        // Out forgotten on the first three days, nothing forgotten on the fourth.
        let punches = days.prefix(3).enumerated().map { Self.punch("i\($0.offset)", Self.at($0.element, 8, 55), .in) }
            + [Self.punch("i4", Self.at(days[3], 8, 55), .in), Self.punch("o4", Self.at(days[3], 18, 5), .out)]
        let lines = AttendanceSheet.days(days, shifts: days.map { Self.shift($0) }, punches: punches, leaves: [], now: later)
        #expect(lines.map(\.status) == [.forgottenPunch, .forgottenPunch, .forgottenPunch, .present])
        let fines = PenaltyCalculator.fines(lines, rules: PenaltyRules(), dailyWage: nil)
        #expect(fines.map(\.amount) == [2, 3, 4] && fines.map(\.reason).last == "本月第 3 次漏打卡")
        // A shift still running has no forgotten out-punch yet.
        let running = AttendanceSheet.days([d1], shifts: [Self.shift(d1)], punches: [Self.punch("a", Self.at(d1, 8, 55), .in)],
                                           leaves: [], now: Self.at(d1, 12))
        #expect(running.map(\.status) == [.present])
    }

    @Test func absenceIsThreeDaysPayAndARunAcrossMonthsGoesToTheManager() {
        let nov29 = LocalDay(year: 2026, month: 11, day: 29), nov30 = LocalDay(year: 2026, month: 11, day: 30)
        let dec2 = LocalDay(year: 2026, month: 12, day: 2)
        let lines = AttendanceSheet.days([d1], shifts: [Self.shift(d1)], punches: [], leaves: [], now: later)
        #expect(lines.map(\.status) == [.absent])
        #expect(PenaltyCalculator.fines(lines, rules: PenaltyRules(), dailyWage: 150).map(\.amount) == [450])
        // Nov 30 absent, Dec 1 off, Dec 2 and 3 absent: three rostered days in a row.
        let rostered = [nov29, nov30, dec2, dec2.adding(days: 1)]
        let absent = [nov30, dec2, dec2.adding(days: 1)]
        #expect(PenaltyCalculator.dismissalAlert(absentDays: absent, rosteredDays: rostered, asOf: dec2.adding(days: 1), rules: PenaltyRules())?
            .hasPrefix("连续旷工 3 天") == true)
        #expect(PenaltyCalculator.dismissalAlert(absentDays: [nov30, dec2], rosteredDays: rostered + [d1], asOf: dec2, rules: PenaltyRules()) == nil)
        let many = (0..<30).map { nov29.adding(days: -$0 * 3) }
        #expect(PenaltyCalculator.dismissalAlert(absentDays: many, rosteredDays: many.flatMap { [$0, $0.adding(days: 1)] }, asOf: nov29, rules: PenaltyRules())?
            .hasPrefix("一年内累计旷工 30 天") == true)
    }

    @Test func leaveCoversARosteredShift() {
        let lines = AttendanceSheet.days([d1, d1.adding(days: 1)], shifts: [Self.shift(d1)], punches: [],
                                         leaves: [LeaveSpan(kind: .sick, from: d1, through: d1.adding(days: 1))], now: later)
        #expect(lines.map(\.status) == [.leave, .leave] && lines[0].leave == .sick && lines[0].shiftCode == "D")
        #expect(PenaltyCalculator.fines(lines, rules: PenaltyRules(), dailyWage: 100).isEmpty)
        #expect(LeaveKind.allCases.map(\.label) == ["病假", "事假", "公假", "工伤假", "婚假", "丧假", "探亲假", "产假"])
    }

    @Test func aMissedSwappedShiftIsOnBoth() {
        // 1002 took 1001's shift and did not come.
        let taker = AttendanceSheet.days([d1], shifts: [Self.shift(d1, swap: .takenFrom("1001"))], punches: [], leaves: [], now: later)
        let giver = AttendanceSheet.days([d1], shifts: [Self.shift(d1, swap: .givenTo("1002", missed: true))], punches: [], leaves: [], now: later)
        #expect(taker.map(\.status) == [.absent] && giver.map(\.status) == [.absent])
        #expect(giver[0].note?.contains("双方均承担责任") == true)
        let covered = AttendanceSheet.days([d1], shifts: [Self.shift(d1, swap: .givenTo("1002", missed: false))], punches: [], leaves: [], now: later)
        #expect(covered.map(\.status) == [.off])
    }

    @Test func aNightShiftKeepsItsMorningPunch() {
        let night = ScheduledShift(day: d1, code: "N", start: Self.at(d1, 23), end: Self.at(d1.adding(days: 1), 7))
        let lines = AttendanceSheet.days([d1], shifts: [night],
                                         punches: [Self.punch("a", Self.at(d1, 22, 50), .in), Self.punch("b", Self.at(d1.adding(days: 1), 7, 3), .out)],
                                         leaves: [], now: later)
        #expect(lines.map(\.status) == [.present] && lines[0].punchOut != nil)
    }

    @Test func rulesAreChecked() {
        #expect(PenaltyRules().problems.isEmpty && AttendanceRules().problems.isEmpty)
        var bad = PenaltyRules()
        bad.offences.append(.init(code: "quarrel", name: "重复", minAmount: 600, maxAmount: 100))
        #expect(bad.problems.count == 2)
        #expect(AttendanceRules(lateGraceMinutes: 500).problems == ["迟到宽限须为 0–120 分钟"])
    }
}

@Suite struct AttendanceCSVTests {
    @Test func aClockMachinesExportIsReadLineByLine() {
        let tz = AttendanceRuleTests.tz
        let text = "工号,时间,类型\n1001,2026-12-01 08:55,上班\n1001,2026/12/01 18:02:10,out\n,2026-12-01 09:00,in\n1002,2026-02-30 09:00,in\n1002,2026-12-01 09:00,午休\n1003,2026-12-01T09:00:00+08:00,in\n"
        let (rows, problems) = AttendanceCSV.parse(text, timeZone: tz)
        #expect(rows.map(\.workId) == ["1001", "1001", "1003"] && rows.map(\.kind) == [.in, .out, .in])
        #expect(rows[0].at == AttendanceRuleTests.at(LocalDay(year: 2026, month: 12, day: 1), 8, 55))
        #expect(rows[1].at == AttendanceRuleTests.at(LocalDay(year: 2026, month: 12, day: 1), 18, 2, 10))
        #expect(problems.map(\.line) == [4, 5, 6])
    }
}

@Suite struct AttendanceAccessTests {
    @Test func leadsManageAndEveryoneReadsTheirOwn() {
        #expect(AttendanceAccess.mayManage(.teamLead) && AttendanceAccess.mayManage(.shiftLead) && !AttendanceAccess.mayManage(.agent))
        #expect(AttendanceAccess.mayRead(sheetOf: "1001", viewer: "1001", role: .agent))
        #expect(!AttendanceAccess.mayRead(sheetOf: "1002", viewer: "1001", role: .agent))
        #expect(AttendanceAccess.mayRead(sheetOf: "1002", viewer: "8001", role: .planner))
        let d = LocalDay(year: 2026, month: 12, day: 1)
        #expect(AttendanceAccess.leaveProblems(from: d, through: d, reason: "发烧").isEmpty)
        #expect(AttendanceAccess.leaveProblems(from: d, through: d.adding(days: -1), reason: "").map(\.field) == ["through"])
        #expect(AttendanceAccess.leaveProblems(from: nil, through: d, reason: "").map(\.field) == ["from"])
        #expect(AttendanceAccess.leaveProblems(from: d, through: d.adding(days: 180), reason: "").map(\.field) == ["through"])
    }
}

@Suite struct PenaltyRulesTextTests {
    @Test func offencesAreEditedAsLines() {
        let (offences, problems) = PenaltyRules.offences(from: "late_meeting,早会迟到,10\nquarrel,争吵,100,500\n坏,名称,1\nx,缺金额\n\n")
        #expect(offences.map(\.code) == ["late_meeting", "quarrel"] && offences[1].maxAmount == 500)
        #expect(problems.count == 2)
        #expect(PenaltyRules(offences: offences).offencesText == "late_meeting,早会迟到,10\nquarrel,争吵,100,500")
    }
}

@Suite struct MonthlyStatementTests {
    @Test func finesAndRewardsWithTheirRuleVersion() {
        let d = LocalDay(year: 2026, month: 12, day: 3)
        let lines = MonthlyStatement.lines(
            fines: [Fine(rule: "forgotten_punch", amount: 2, date: d, reason: "本月第 1 次漏打卡")],
            recorded: [.init(kind: .reward, rule: "bonus", label: "奖金奖励", amount: 200, date: d.adding(days: -2), facts: "客户表扬信", ruleVersion: 3)],
            ruleVersion: 3)
        #expect(lines.map(\.rule) == ["bonus", "forgotten_punch"] && lines.allSatisfy { $0.ruleVersion == 3 })
        #expect(MonthlyStatement.totals(lines) == (2, 200))
        #expect(lines[1].label == "漏打卡")
        let (amended, status) = MonthlyStatement.decide(lines, strike: [1, 7])
        #expect(status == .amended && amended[1].struck && MonthlyStatement.totals(amended) == (0, 200))
        #expect(MonthlyStatement.decide(lines, strike: []).status == .upheld)
    }

    @Test func anAppealIsOnceAndOwn() {
        #expect(MonthlyStatement.appealProblem(owner: "1001", by: "1001", status: .none, text: "那天考勤机坏了") == nil)
        #expect(MonthlyStatement.appealProblem(owner: "1001", by: "1002", status: .none, text: "x") == "只能对本人的奖惩单申诉")
        #expect(MonthlyStatement.appealProblem(owner: "1001", by: "1001", status: .upheld, text: "再申诉")?.hasPrefix("每张奖惩单只能申诉一次") == true)
        #expect(MonthlyStatement.appealProblem(owner: "1001", by: "1001", status: .none, text: " ") != nil)
        #expect(MonthlyStatement.isDue(month: (2026, 11), today: LocalDay(year: 2026, month: 12, day: 1)))
        #expect(!MonthlyStatement.isDue(month: (2026, 12), today: LocalDay(year: 2026, month: 12, day: 31)))
    }
}

@Suite struct OffPostTests {
    @Test func aLongStretchAwayFromTheSeatIsOffPost() {
        let d = LocalDay(year: 2026, month: 12, day: 1)
        let at = { (h: Int, m: Int) in AttendanceRuleTests.at(d, h, m) }
        let events: [OffPost.SeatEvent] = [
            .init(at: at(8, 58), atPost: true),
            .init(at: at(10, 0), atPost: false), .init(at: at(10, 10), atPost: true),   // 10 min: within the limit
            .init(at: at(14, 0), atPost: false), .init(at: at(14, 40), atPost: true),   // 40 min: off post
            .init(at: at(17, 50), atPost: false),                                     // leaving: not off post
        ]
        #expect(OffPost.minutes(events, shiftStart: at(9, 0), shiftEnd: at(18, 0), limitMinutes: 15) == 40)
        #expect(OffPost.minutes([], shiftStart: at(9, 0), shiftEnd: at(18, 0), limitMinutes: 15) == 0)
        // Signed in before the shift, away once in the afternoon.
        #expect(OffPost.minutes([.init(at: at(8, 58), atPost: true), .init(at: at(14, 0), atPost: false), .init(at: at(14, 40), atPost: true)],
                                shiftStart: at(9, 0), shiftEnd: at(18, 0), limitMinutes: 15) == 40)
        // Not yet at the post when the shift began: lateness, not off post.
        #expect(OffPost.minutes([.init(at: at(8, 0), atPost: false), .init(at: at(9, 30), atPost: true)],
                                shiftStart: at(9, 0), shiftEnd: at(18, 0), limitMinutes: 15) == 0)
        let line = AttendanceDay(day: d, status: .present, shiftCode: "D")
        let shift = ScheduledShift(day: d, code: "D", start: at(9, 0), end: at(18, 0))
        #expect(OffPost.apply([line], shifts: [shift], events: events, limitMinutes: 15).first?.offPostMinutes == 40)
        #expect(OffPost.apply([AttendanceDay(day: d, status: .absent, shiftCode: "D")], shifts: [shift], events: events, limitMinutes: 15).first?.offPostMinutes == 0)
    }
}

@Suite struct AttendanceExtraTests {
    @Test func overtimeAndDispatchNeedTheirFacts() {
        #expect(AttendanceExtra.problems(kind: .overtime, minutes: 120, place: "", reason: "话务高峰").isEmpty)
        #expect(AttendanceExtra.problems(kind: .dispatch, minutes: 240, place: "", reason: "支援").map(\.field) == ["place"])
        #expect(AttendanceExtra.problems(kind: .overtime, minutes: 0, place: "", reason: "").map(\.field) == ["minutes", "reason"])
        #expect(AttendanceExtra.duration(150) == "2 小时 30 分钟" && AttendanceExtra.duration(60) == "1 小时")
    }
}

@Suite struct AttendancePayRuleTests {
    @Test func aDailyWageIsExactMoney() {
        #expect(AttendanceAccess.dailyWageFen("180") == 18_000)
        #expect(AttendanceAccess.dailyWageFen("180.5") == 18_050 && AttendanceAccess.dailyWageFen("180.05") == 18_005)
        #expect(AttendanceAccess.dailyWageFen("100000") == 10_000_000 && AttendanceAccess.dailyWageFen("¥1,000") == 100_000)
        for bad in ["", "0", "0.00", "-5", "1e3", "180.555", ".5", "5.", "１８０", "100000.01", "abc"] {
            #expect(AttendanceAccess.dailyWageFen(bad) == nil, "\(bad)")
        }
    }

    @Test func qcFinesConfirmedForbiddenPhrasesAndPraisesAHighAverage() {
        let rules = PenaltyRules(version: 4)
        let finding = MonthlyStatement.QCFinding(day: LocalDay(year: 2026, month: 12, day: 5), rule: QARule.forbiddenImpatience.rawValue,
                                                 text: "你烦不烦", contact: "call-1")
        let last = LocalDay(year: 2026, month: 12, day: 31)
        let lines = MonthlyStatement.qcLines(findings: [finding], reviewedScores: Array(repeating: 96, count: 10), lastDay: last, rules: rules)
        #expect(lines.map(\.rule) == ["rude_to_customer", "praise"] && lines.map(\.amount) == [50, 0] && lines.allSatisfy { $0.ruleVersion == 4 })
        #expect(lines[0].facts.contains("你烦不烦") && lines[0].facts.contains("call-1") && lines[1].date == last)
        // Too few reviewed, or below the mark: no praise. QC fines off: none.
        #expect(MonthlyStatement.qcLines(findings: [], reviewedScores: Array(repeating: 99, count: 9), lastDay: last, rules: rules).isEmpty)
        #expect(MonthlyStatement.qcLines(findings: [], reviewedScores: Array(repeating: 94, count: 20), lastDay: last, rules: rules).isEmpty)
        var off = rules
        off.qcForbiddenOffence = nil
        #expect(MonthlyStatement.qcLines(findings: [finding], reviewedScores: [], lastDay: last, rules: off).isEmpty)
        off.qcForbiddenOffence = "no_such"
        #expect(off.problems.contains { $0.contains("no_such") })
    }

    @Test func rulesSavedBeforeQCReadWithoutQCLines() throws {
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(PenaltyRules(version: 2))) as? [String: Any] ?? [:]
        for key in ["qcForbiddenOffence", "qcPraiseScore", "qcPraiseMinReviewed"] { old.removeValue(forKey: key) }
        let decoded = try JSONDecoder().decode(PenaltyRules.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(decoded.version == 2 && decoded.qcForbiddenOffence == nil && decoded.qcPraiseScore == 0 && decoded.problems.isEmpty)
        let round = try JSONDecoder().decode(PenaltyRules.self, from: JSONEncoder().encode(PenaltyRules()))
        #expect(round == PenaltyRules())
    }
}

@Suite struct RosterEditTests {
    @Test func anEditMayNotMakeThingsWorseButMayFixThem() {
        let d = { (n: Int) in LocalDay(year: 2026, month: 12, day: n) }
        let days = (1...7).map(d)
        let templates = [ShiftTemplate(code: "D", name: "白班", startMinute: 540, lengthMinutes: 540)]
        // On leave on the 3rd (approved after the roster was published), and rostered on it.
        let agents = [RosterAgent(workId: "1001", name: "甲", unavailable: [d(3)])]
        let current = [1, 3].map { RosterAssignment(workId: "1001", day: d($0), shiftCode: "D") }
        func introduced(_ next: [RosterAssignment]) -> [String] {
            RosterValidator.introduced(by: next, from: current, templates: templates, agents: agents, rules: RosterRules(), days: days, workId: "1001").map(\.code)
        }
        #expect(introduced(current + [RosterAssignment(workId: "1001", day: d(5), shiftCode: "D")]).isEmpty)
        #expect(introduced([current[0]]).isEmpty)
        let onLeave = RosterValidator.introduced(by: [current[0]] + [RosterAssignment(workId: "1001", day: d(3), shiftCode: "D")], from: [current[0]],
                                                 templates: templates, agents: agents, rules: RosterRules(), days: days, workId: "1001")
        #expect(onLeave.map(\.code) == ["unavailable"])
    }
}
