import Foundation
import Testing
@testable import KefuCore

/// R8.1, R8.2: free slots by skill and area, the day-before reconfirmation, the 15-minute
/// late rule, what each state allows, and the technician's figures.
@Suite("Field visits (R8)")
struct VisitRulesTests {
    let tz = TimeZone(identifier: "Asia/Shanghai") ?? .current
    var monday: LocalDay { LocalDay(year: 2026, month: 12, day: 7) }

    @Test func freeSlotsBySkillAreaHoursAndBookings() throws {
        let hours = try #require(WorkingHours.parse("08:00-17:00", weekdays: [1, 2, 3, 4, 5]))
        let a = Technician(workId: "7101", skills: ["宽带", "电视"], areas: ["西湖区"], hours: hours)
        let b = Technician(workId: "7102", skills: ["宽带"], areas: ["西湖区", "滨江区"], hours: hours)
        let start = monday.start(in: tz)
        let now = start  // midnight: every slot of the day is far enough ahead
        // 7101 is booked 10:00-12:00.
        let booked = ["7101": [DateInterval(start: start.addingTimeInterval(10 * 3600), duration: 7200)]]
        let slots = VisitRules.slots(day: monday, timeZone: tz, technicians: [a, b], booked: booked, skill: "宽带", area: "西湖区", now: now)
        // 08-10, 10-12, 12-14, 14-16 (16-18 runs past 17:00).
        #expect(slots.map { Int($0.start.timeIntervalSince(start) / 3600) } == [8, 10, 12, 14])
        #expect(slots[0].technicians == ["7101", "7102"] && slots[1].technicians == ["7102"])
        // Only 7101 knows 电视; nobody covers 上城区; nobody works Sunday.
        #expect(VisitRules.slots(day: monday, timeZone: tz, technicians: [a, b], booked: booked, skill: "电视", area: "西湖区", now: now).map(\.technicians) == [["7101"], ["7101"], ["7101"]])
        #expect(VisitRules.slots(day: monday, timeZone: tz, technicians: [a, b], booked: [:], skill: "宽带", area: "上城区", now: now).isEmpty)
        #expect(VisitRules.slots(day: monday.adding(days: 6), timeZone: tz, technicians: [a, b], booked: [:], skill: "宽带", area: "西湖区", now: now).isEmpty)
        // At 09:30 the 10:00 window is less than an hour away.
        let late = VisitRules.slots(day: monday, timeZone: tz, technicians: [b], booked: [:], skill: "宽带", area: "滨江区", now: start.addingTimeInterval(9.5 * 3600))
        #expect(late.map { Int($0.start.timeIntervalSince(start) / 3600) } == [12, 14])
        #expect(WorkingHours.parse("17:00-08:00", weekdays: [1]) == nil && WorkingHours.parse("8-17", weekdays: [1]) == nil)
        #expect(WorkingHours.parse("08:00-17:00", weekdays: []) == nil && hours.text == "08:00-17:00")
    }

    @Test func reconfirmTheDayBeforeAndTheFifteenMinuteRule() {
        let visit = monday.start(in: tz).addingTimeInterval(14 * 3600)
        let bookedEarly = visit.addingTimeInterval(-5 * 86400)
        #expect(VisitRules.reconfirmDue(visitStart: visit, bookedAt: bookedEarly, timeZone: tz) == monday.adding(days: -1).start(in: tz).addingTimeInterval(9 * 3600))
        let bookedLate = visit.addingTimeInterval(-3 * 3600)
        #expect(VisitRules.reconfirmDue(visitStart: visit, bookedAt: bookedLate, timeZone: tz) == bookedLate)
        #expect(VisitRules.lateNoticeInTime(booked: visit, sentAt: visit.addingTimeInterval(-15 * 60)))
        #expect(!VisitRules.lateNoticeInTime(booked: visit, sentAt: visit.addingTimeInterval(-14 * 60)))
        #expect(VisitRules.newTimeProblem(booked: visit, newTime: nil) != nil)
        #expect(VisitRules.newTimeProblem(booked: visit, newTime: visit) != nil)
        #expect(VisitRules.newTimeProblem(booked: visit, newTime: visit.addingTimeInterval(1800)) == nil)
    }

    @Test func whatEachStateAllows() {
        #expect(VisitRules.allows(.reconfirm, from: .booked) && !VisitRules.allows(.reconfirm, from: .confirmed))
        #expect(VisitRules.allows(.complete, from: .onTheWay) && !VisitRules.allows(.complete, from: .completed))
        #expect(!VisitRules.allows(.cancel, from: .onTheWay) && !VisitRules.allows(.late, from: .noOneHome))
        #expect(VisitRules.status(after: .late, from: .onTheWay) == .onTheWay)
        #expect(VisitRules.status(after: .noOneHome, from: .confirmed) == .noOneHome)
        #expect(VisitRules.completionProblem(signed: false) != nil && VisitRules.completionProblem(signed: true) == nil)
        #expect(VisitRules.unresolvedProblem(plan: " ") != nil && VisitRules.unresolvedProblem(plan: "明日更换光猫") == nil)
    }

    @Test func technicianFigures() {
        var f = VisitFigures()
        f.add(status: .completed, late: false, noticeInTime: nil, repeat: false)
        f.add(status: .completed, late: true, noticeInTime: false, repeat: true)
        f.add(status: .unresolved, late: true, noticeInTime: true, repeat: false)
        f.add(status: .noOneHome, late: false, noticeInTime: nil, repeat: false)
        #expect(f.visits == 4 && f.completed == 2 && f.unresolved == 1 && f.noOneHome == 1)
        #expect(f.onTime == 1 && f.late == 2 && f.lateNoticeBreaches == 1 && f.repeatVisits == 1)
    }

    @Test func aBookingNamesItsProblem() throws {
        let hours = try #require(WorkingHours.parse("08:00-17:00", weekdays: [1, 2, 3, 4, 5]))
        let t = Technician(workId: "7101", skills: ["宽带"], areas: ["西湖区"], hours: hours)
        let start = monday.start(in: tz)
        let ten = start.addingTimeInterval(10 * 3600)
        func problem(_ at: Date, booked: [DateInterval] = [], skill: String? = "宽带", area: String = "西湖区", now: Date? = nil) -> String? {
            VisitRules.bookingProblem(start: at, technician: t, booked: booked, skill: skill, area: area, now: now ?? start, timeZone: tz)?.field
        }
        #expect(problem(ten) == nil && problem(ten.addingTimeInterval(1800), skill: nil) == nil)
        #expect(problem(ten, area: "上城区") == "technicianWorkId" && problem(ten, skill: "电视") == "technicianWorkId")
        #expect(problem(ten, area: "") == "workOrderId")
        #expect(problem(start.addingTimeInterval(16 * 3600)) == "slotStart")  // runs past 17:00
        #expect(problem(ten.addingTimeInterval(6 * 86400)) == "slotStart")    // Sunday
        #expect(problem(ten, now: ten.addingTimeInterval(-1800)) == "slotStart")  // less than an hour ahead
        #expect(problem(ten, booked: [DateInterval(start: ten.addingTimeInterval(3600), duration: 7200)]) == "slotStart")
        #expect(problem(ten, booked: [DateInterval(start: ten.addingTimeInterval(7200), duration: 7200)]) == nil)  // back to back
        #expect(VisitRules.bookingProblem(start: ten, technician: nil, booked: [], skill: nil, area: "西湖区", now: start, timeZone: tz)?.field == "technicianWorkId")
    }

    @Test func whoMayActOnAVisit() {
        #expect(VisitRules.mayAct(.complete, role: .technician, workId: "7101", technicianWorkId: "7101"))
        #expect(!VisitRules.mayAct(.complete, role: .technician, workId: "7102", technicianWorkId: "7101"))
        #expect(!VisitRules.mayAct(.late, role: .agent, workId: "1001", technicianWorkId: "7101"))
        #expect(VisitRules.mayAct(.late, role: .admin, workId: "9001", technicianWorkId: "7101"))
        #expect(VisitRules.mayAct(.reconfirm, role: .agent, workId: "1001", technicianWorkId: "7101"))
        #expect(!VisitRules.mayAct(.reconfirm, role: .technician, workId: "7101", technicianWorkId: "7101"))
        #expect(!VisitRules.mayAct(.cancel, role: .liaison, workId: "5001", technicianWorkId: "7101"))
    }

    @Test func repeatVisitsAndProfileWords() {
        let visit = monday.start(in: tz).addingTimeInterval(10 * 3600)
        #expect(VisitRules.isRepeat(slotStart: visit, earlierVisits: [visit.addingTimeInterval(-10 * 86400)]))
        #expect(!VisitRules.isRepeat(slotStart: visit, earlierVisits: [visit.addingTimeInterval(-31 * 86400), visit.addingTimeInterval(3600)]))
        #expect(VisitRules.words(" 宽带，电视、宽带 , 水电") == ["宽带", "电视", "水电"])
        #expect(VisitRules.profileProblems(skills: ["宽带"], areas: ["西湖区"], hours: "08:30-17:30", weekdays: [1]).isEmpty)
        #expect(Set(VisitRules.profileProblems(skills: [], areas: [], hours: "8-5", weekdays: [1]).map(\.field)) == ["skills", "areas", "hours"])
    }
}
