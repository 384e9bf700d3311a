import Foundation
import Testing
@testable import KefuCore

/// Month roster (排班表, R4.1/R4.2): builder, validator, templates.
@Suite("Workforce roster")
struct WorkforceRosterTests {
    static let march = RosterDemand.days(year: 2026, month: 3)
    static let templates = ShiftTemplate.defaults
    /// 30 seats a day: 早 8, 中 6, 午 6, 晚 6, 前夜 2, 夜 2.
    static let dailyNeed = [8, 6, 6, 6, 2, 2]

    static func agents(_ count: Int, hours: Double = 40, nights: Bool = true) -> [RosterAgent] {
        (1...count).map { RosterAgent(workId: String(format: "W%03d", $0), name: "坐席\($0)", weeklyHours: hours, nightAllowed: nights) }
    }

    static func demand(_ days: [LocalDay] = march, need: [Int] = dailyNeed, holidays: [LocalDay: String] = [:]) -> RosterDemand {
        RosterDemand(days: days, required: days.map { _ in need }, holidays: holidays)
    }

    static func violations(_ roster: Roster, _ demand: RosterDemand, _ agents: [RosterAgent], _ rules: RosterRules = RosterRules()) -> [RosterViolation] {
        RosterValidator.violations(of: roster.assignments, templates: templates, agents: agents, rules: rules, days: demand.days)
    }

    static func day(_ text: String) -> LocalDay { LocalDay(text)! }

    // MARK: - Builder

    @Test func builtRosterBreaksNoRuleAndFillsTheRequirement() throws {
        var staff = Self.agents(60)
        for index in 0..<8 { staff[index].nightAllowed = false }
        staff[10].unavailable = (2...9).map { Self.day(String(format: "2026-03-%02d", $0)) }
        staff[11].preferredShifts = ["C"]
        staff[12].weeklyHours = 30
        staff[13].isReserveEligible = false
        let demand = Self.demand(holidays: [Self.day("2026-03-08"): "妇女节"])
        let roster = try RosterBuilder.build(demand: demand, templates: Self.templates, agents: staff, rules: RosterRules())
        #expect(Self.violations(roster, demand, staff).isEmpty)
        #expect(roster.shortfalls.isEmpty)
        for (index, day) in demand.days.enumerated() {
            for (t, template) in Self.templates.enumerated() {
                let regular = roster.assignments.filter { $0.day == day && $0.shiftCode == template.code && $0.role == .regular }
                #expect(regular.count == demand.required[index][t])
            }
        }
        #expect(roster.stats.count == staff.count)
        #expect(roster.stats.map(\.workId) == staff.map(\.workId).sorted())
        let preferring = roster.assignments.filter { $0.workId == "W012" }
        #expect(preferring.filter { $0.shiftCode == "C" }.count * 2 > preferring.count)
    }

    @Test func averageWeekStaysWithinFortyHoursAndTheContract() throws {
        var staff = Self.agents(50)
        for index in stride(from: 0, to: 50, by: 5) { staff[index].weeklyHours = 24 }
        let demand = Self.demand()
        let roster = try RosterBuilder.build(demand: demand, templates: Self.templates, agents: staff, rules: RosterRules())
        let contract = Dictionary(uniqueKeysWithValues: staff.map { ($0.workId, $0.weeklyHours) })
        for stat in roster.stats {
            #expect(stat.averageWeeklyHours <= 40 + 1e-9)
            #expect(stat.averageWeeklyHours <= contract[stat.workId]! + 1e-9)
            #expect(stat.daysOff + Set(roster.assignments.filter { $0.workId == stat.workId }.map(\.day)).count == 31)
        }
        #expect(Self.violations(roster, demand, staff).filter { $0.code == "weekly_hours" }.isEmpty)
    }

    @Test func nightsAndHolidaysAreSpreadFairly() throws {
        var staff = Self.agents(60)
        for index in 50..<60 { staff[index].nightAllowed = false }
        let holidays = [Self.day("2026-03-08"): "妇女节", Self.day("2026-03-20"): "调休", Self.day("2026-03-21"): "调休"]
        let demand = Self.demand(need: [8, 6, 6, 6, 3, 3], holidays: holidays)
        let roster = try RosterBuilder.build(demand: demand, templates: Self.templates, agents: staff, rules: RosterRules())
        #expect(roster.shortfalls.isEmpty)
        let nightAllowed = Set(staff.filter(\.nightAllowed).map(\.workId))
        let nights = roster.stats.filter { nightAllowed.contains($0.workId) }.map(\.nights)
        #expect(nights.max()! - nights.min()! <= 2)
        #expect(roster.stats.filter { !nightAllowed.contains($0.workId) }.allSatisfy { $0.nights == 0 })
        let holidayShifts = roster.stats.map(\.holidayShifts)
        #expect(holidayShifts.max()! - holidayShifts.min()! <= 2)
        #expect(Self.violations(roster, demand, staff).isEmpty)
    }

    @Test func tooFewAgentsAreReportedAsShortfalls() throws {
        let staff = Self.agents(12)
        let demand = Self.demand()
        let roster = try RosterBuilder.build(demand: demand, templates: Self.templates, agents: staff, rules: RosterRules())
        #expect(!roster.shortfalls.isEmpty)
        #expect(Self.violations(roster, demand, staff).isEmpty)
        let regularMissing = roster.shortfalls.filter { $0.role == .regular }.reduce(0) { $0 + $1.missing }
        let regularFilled = roster.assignments.filter { $0.role == .regular }.count
        #expect(regularMissing + regularFilled == 31 * Self.dailyNeed.reduce(0, +))
        #expect(roster.shortfalls.allSatisfy { $0.missing > 0 })
    }

    @Test func noAgentsAtAllLeavesEverySeatShort() throws {
        let demand = Self.demand(Array(Self.march.prefix(2)))
        let roster = try RosterBuilder.build(demand: demand, templates: Self.templates, agents: [], rules: RosterRules())
        #expect(roster.assignments.isEmpty)
        #expect(roster.shortfalls.reduce(0) { $0 + $1.missing } == 2 * (30 + 2))
    }

    @Test func holidaysGetStandbySeatsAndOrdinaryDaysAReserve() throws {
        var staff = Self.agents(60)
        staff[0].isReserveEligible = false
        staff[1].isReserveEligible = false
        let holiday = Self.day("2026-03-08")
        let rules = RosterRules(reservePerDay: 3, holidayStandby: 6)
        let demand = Self.demand(holidays: [holiday: "妇女节"])
        let roster = try RosterBuilder.build(demand: demand, templates: Self.templates, agents: staff, rules: rules)
        #expect(roster.shortfalls.isEmpty)
        for day in demand.days {
            let cells = roster.assignments.filter { $0.day == day }
            let standby = cells.filter { $0.role == .standby }
            let reserve = cells.filter { $0.role == .reserve }
            if day == holiday {
                #expect(standby.count >= 5)
                #expect(standby.count == 6)
                #expect(reserve.isEmpty)
            } else {
                #expect(reserve.count == 3)
                #expect(standby.isEmpty)
            }
            // The busiest daytime template of the demand is A (8 agents).
            #expect((standby + reserve).allSatisfy { $0.shiftCode == "A" && $0.workId != "W001" && $0.workId != "W002" })
        }
        #expect(Self.violations(roster, demand, staff, rules).isEmpty)
    }

    @Test func monthStartIsStaffedAtLeastAsHeavilyAsMonthEnd() throws {
        // 36 agents cannot cover 32 seats a day for 31 days (≈ 23 shifts each).
        let staff = Self.agents(36)
        let demand = Self.demand()
        let roster = try RosterBuilder.build(demand: demand, templates: Self.templates, agents: staff, rules: RosterRules())
        #expect(!roster.shortfalls.isEmpty)
        func staffed(_ days: ArraySlice<LocalDay>) -> Int {
            let wanted = Set(days)
            return roster.assignments.filter { wanted.contains($0.day) }.count
        }
        #expect(staffed(demand.days.prefix(5)) >= staffed(demand.days.suffix(5)))
        #expect(Self.violations(roster, demand, staff).isEmpty)
    }

    @Test func buildIsDeterministic() throws {
        var staff = Self.agents(45)
        staff[3].preferredShifts = ["N"]
        let demand = Self.demand(holidays: [Self.day("2026-03-08"): "妇女节"])
        let first = try RosterBuilder.build(demand: demand, templates: Self.templates, agents: staff, rules: RosterRules())
        let second = try RosterBuilder.build(demand: demand, templates: Self.templates, agents: staff.reversed(), rules: RosterRules())
        #expect(first == second)
    }

    @Test func badInputIsRefusedInChinese() throws {
        let staff = Self.agents(5)
        #expect(throws: WorkforceError.invalidInput(field: "rules", reason: "节假日应急台席必须是 5 到 7 个")) {
            try RosterBuilder.build(demand: Self.demand(), templates: Self.templates, agents: staff, rules: RosterRules(holidayStandby: 4))
        }
        #expect(throws: WorkforceError.self) {
            try RosterBuilder.build(demand: Self.demand(need: [1, 1]), templates: Self.templates, agents: staff, rules: RosterRules())
        }
        #expect(throws: WorkforceError.self) {
            try RosterBuilder.build(demand: Self.demand(), templates: Self.templates, agents: staff + [staff[0]], rules: RosterRules())
        }
        #expect(throws: WorkforceError.self) {
            try RosterBuilder.build(demand: Self.demand(), templates: Self.templates + [Self.templates[0]], agents: staff, rules: RosterRules())
        }
        let gap = RosterDemand(days: [Self.day("2026-03-01"), Self.day("2026-03-03")], required: [Self.dailyNeed, Self.dailyNeed])
        #expect(throws: WorkforceError.self) {
            try RosterBuilder.build(demand: gap, templates: Self.templates, agents: staff, rules: RosterRules())
        }
        var overtime = staff
        overtime[0].weeklyHours = 44
        #expect(throws: WorkforceError.self) {
            try RosterBuilder.build(demand: Self.demand(), templates: Self.templates, agents: overtime, rules: RosterRules())
        }
        #expect(throws: WorkforceError.self) { try RosterRules(maxAverageWeeklyHours: 41).validate() }
        #expect(throws: WorkforceError.self) { try RosterRules(maxConsecutiveDays: 0).validate() }
        try RosterRules().validate()
    }

    @Test func demandEncodesHolidaysWithDateKeys() throws {
        let demand = Self.demand(Array(Self.march.prefix(2)), holidays: [Self.day("2026-03-01"): "测试节"])
        let data = try JSONEncoder().encode(demand)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"2026-03-01\":\"测试节\""))
        #expect(try JSONDecoder().decode(RosterDemand.self, from: data) == demand)
        let bad = Data(#"{"days":["2026-03-01"],"required":[[1]],"holidays":{"03/01":"x"}}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RosterDemand.self, from: bad) }
    }

    @Test func festivalsOfTheMonthBecomeHolidays() {
        let october = RosterDemand.days(year: 2026, month: 10)
        #expect(october.count == 31)
        let holidays = RosterDemand.holidays(in: october)
        #expect(holidays[Self.day("2026-10-01")] == "国庆节")
    }
}

/// RosterValidator: every violation code, and the per-agent filter used when a lead edits one cell.
@Suite("Workforce roster validator")
struct WorkforceRosterValidatorTests {
    static let templates = ShiftTemplate.defaults
    static let week = (1...7).map { LocalDay(year: 2026, month: 3, day: $0) }

    static func cell(_ id: String, _ day: Int, _ code: String, _ role: RosterRole = .regular) -> RosterAssignment {
        RosterAssignment(workId: id, day: LocalDay(year: 2026, month: 3, day: day), shiftCode: code, role: role)
    }

    static func codes(_ cells: [RosterAssignment], _ agents: [RosterAgent], rules: RosterRules = RosterRules(),
                      workId: String? = nil) -> [String] {
        RosterValidator.violations(of: cells, templates: templates, agents: agents, rules: rules, days: week, workId: workId).map(\.code)
    }

    static let agent = RosterAgent(workId: "W1", name: "张三")

    @Test func aLawfulWeekHasNoViolations() {
        let cells = [1, 2, 3, 4, 5].map { Self.cell("W1", $0, "B") }
        #expect(Self.codes(cells, [Self.agent]).isEmpty)
    }

    @Test func weeklyHoursAboveTheContract() {
        var partTime = Self.agent
        partTime.weeklyHours = 20
        let cells = [1, 2, 3].map { Self.cell("W1", $0, "B") }   // 22.5 h in one week
        let found = RosterValidator.violations(of: cells, templates: Self.templates, agents: [partTime],
                                               rules: RosterRules(), days: Self.week)
        #expect(found.map(\.code) == ["weekly_hours"])
        #expect(found[0].day == nil)
        #expect(found[0].message.contains("平均周工时"))
        #expect(Self.codes([1, 2, 3, 4, 5, 6].map { Self.cell("W1", $0, "B") }, [Self.agent]) == ["weekly_hours"])
    }

    @Test func restBetweenShifts() {
        let found = RosterValidator.violations(of: [Self.cell("W1", 1, "D"), Self.cell("W1", 2, "A")], templates: Self.templates,
                                               agents: [Self.agent], rules: RosterRules(), days: Self.week)
        #expect(found.map(\.code) == ["rest"])
        #expect(found[0].day == LocalDay(year: 2026, month: 3, day: 2))
        #expect(found[0].message.contains("8 小时"))
        // A night shift ends at 07:00: an early shift that morning is far too close.
        #expect(Self.codes([Self.cell("W1", 1, "N"), Self.cell("W1", 2, "A")], [Self.agent]) == ["rest"])
        #expect(Self.codes([Self.cell("W1", 1, "N"), Self.cell("W1", 2, "N")], [Self.agent]).isEmpty)
    }

    @Test func consecutiveDaysAndNightsInARow() {
        var rules = RosterRules()
        rules.maxConsecutiveDays = 4
        let days = [1, 2, 3, 4, 5].map { Self.cell("W1", $0, "A") }
        var wide = Self.agent
        wide.weeklyHours = 40
        #expect(Self.codes(days, [wide], rules: rules) == ["consecutive_days"])
        let nights = [1, 2, 3, 4].map { Self.cell("W1", $0, "N") }
        #expect(Self.codes(nights, [wide]) == ["nights_in_a_row"])
    }

    @Test func leaveNightsReserveAndDoubleBooking() {
        var agent = Self.agent
        agent.unavailable = [LocalDay(year: 2026, month: 3, day: 2)]
        agent.nightAllowed = false
        agent.isReserveEligible = false
        #expect(Self.codes([Self.cell("W1", 2, "B")], [agent]) == ["unavailable"])
        #expect(Self.codes([Self.cell("W1", 4, "N")], [agent]) == ["night_not_allowed"])
        #expect(Self.codes([Self.cell("W1", 4, "A", .reserve)], [agent]) == ["reserve_not_eligible"])
        #expect(Self.codes([Self.cell("W1", 4, "A"), Self.cell("W1", 4, "D")], [agent]) == ["double_booked"])
    }

    @Test func unknownShiftAndAgent() {
        #expect(Self.codes([Self.cell("W1", 1, "X")], [Self.agent]) == ["unknown_shift"])
        let found = RosterValidator.violations(of: [Self.cell("W9", 1, "A")], templates: Self.templates, agents: [Self.agent],
                                               rules: RosterRules(), days: Self.week)
        #expect(found.map(\.code) == ["unknown_agent"])
        #expect(found[0].message == "工号 W9 不在坐席名单中")
    }

    @Test func filterByWorkIdOnlyReportsThatAgent() {
        let other = RosterAgent(workId: "W2", name: "李四")
        let cells = [Self.cell("W1", 1, "D"), Self.cell("W1", 2, "A"), Self.cell("W2", 1, "D"), Self.cell("W2", 2, "A")]
        #expect(Self.codes(cells, [Self.agent, other]).count == 2)
        let filtered = RosterValidator.violations(of: cells, templates: Self.templates, agents: [Self.agent, other],
                                                  rules: RosterRules(), days: Self.week, workId: "W2")
        #expect(filtered.map(\.workId) == ["W2"])
    }

    @Test func statsCountNightsHolidaysAndMonthStart() {
        let cells = [Self.cell("W1", 1, "N"), Self.cell("W1", 2, "N"), Self.cell("W1", 7, "A", .standby), Self.cell("W2", 6, "B")]
        let stats = RosterValidator.stats(of: cells, templates: Self.templates, days: Self.week,
                                          holidays: [LocalDay(year: 2026, month: 3, day: 7): "节日"], rules: RosterRules())
        #expect(stats.map(\.workId) == ["W1", "W2"])
        #expect(stats[0] == AgentRosterStats(workId: "W1", hours: 22.5, averageWeeklyHours: 22.5, shifts: 3, nights: 2,
                                            holidayShifts: 1, monthStartShifts: 2, daysOff: 4))
        #expect(stats[1].monthStartShifts == 0)
    }
}

/// ShiftTemplate: paid time, night detection, validation and the coverage row.
@Suite("Workforce shift templates")
struct WorkforceShiftTemplateTests {
    @Test func defaultsAreValidAndCoverTheWholeDay() throws {
        for template in ShiftTemplate.defaults { try template.validate() }
        let rows = ShiftTemplate.defaults.map { $0.coverage(intervalMinutes: 30) }
        for slot in 0..<48 { #expect(rows.reduce(0) { $0 + $1[slot] } > 0) }
        #expect(ShiftTemplate.defaults.filter(\.isNight).map(\.code) == ["M", "N"])
        #expect(ShiftTemplate.defaults[0].paidMinutes == 450)
        #expect(ShiftTemplate.defaults[0].id == "A")
    }

    @Test func wrappingNightShiftCoversLastAndFirstSlots() {
        let night = ShiftTemplate(code: "N", name: "夜班", startMinute: 22 * 60, lengthMinutes: 480,
                                  breaks: [ShiftBreak(offsetMinutes: 240, minutes: 30)])   // 02:00–02:30
        let row = night.coverage(intervalMinutes: 30)
        #expect(row.count == 48)
        var expected = [Int](repeating: 0, count: 48)
        for slot in [44, 45, 46, 47] + Array(0..<12) where slot != 4 { expected[slot] = 1 }
        #expect(row == expected)
        #expect(night.isNight)
        // With hourly slots the 30-minute break covers no whole slot, so 02:00 still counts.
        let hourly = night.coverage(intervalMinutes: 60)
        #expect(hourly == (0..<24).map { $0 >= 22 || $0 < 6 ? 1 : 0 })
        #expect(!ShiftTemplate.defaults[3].isNight)   // 15:00–23:00: only 1 h at night
    }

    @Test func misalignedShiftCountsSlotsItMostlySpans() {
        let shift = ShiftTemplate(code: "E", name: "错峰班", startMinute: 7 * 60 + 15, lengthMinutes: 120, breaks: [])
        let row = shift.coverage(intervalMinutes: 30)
        #expect((0..<48).filter { row[$0] == 1 } == [14, 15, 16, 17, 18])
    }

    @Test func invalidTemplatesAreRefused() {
        func reason(_ template: ShiftTemplate) -> String? {
            do { try template.validate(); return nil } catch let WorkforceError.invalidInput(_, reason) { return reason } catch { return "?" }
        }
        #expect(reason(ShiftTemplate(code: "X", name: "x", startMinute: 0, lengthMinutes: 30))?.contains("班次长度") == true)
        #expect(reason(ShiftTemplate(code: "X", name: "x", startMinute: 1440, lengthMinutes: 480))?.contains("开始时间") == true)
        #expect(reason(ShiftTemplate(code: "X", name: "x", startMinute: 0, lengthMinutes: 480,
                                     breaks: [ShiftBreak(offsetMinutes: 470, minutes: 30)]))?.contains("休息时间必须在班次之内") == true)
        #expect(reason(ShiftTemplate(code: "X", name: "x", startMinute: 0, lengthMinutes: 480,
                                     breaks: [ShiftBreak(offsetMinutes: 100, minutes: 30), ShiftBreak(offsetMinutes: 120, minutes: 30)]))?
            .contains("重叠") == true)
        #expect(reason(ShiftTemplate(code: "", name: "x", startMinute: 0, lengthMinutes: 480)) != nil)
    }
}
