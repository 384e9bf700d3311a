import Vapor
import Fluent
import SQLKit
import KefuCore

/// The punches of the demo's rostered agents for the days of last month and this month that
/// have passed (R9.2): most on time, some late, a forgotten out-punch now and then, a rare
/// absence, so the attendance sheets and their fines have something true to show.
struct DemoAttendance {
    let app: Application

    func load(companyID: UUID) async throws {
        let db = app.db
        let zone = app.kefu.settings.timeZone
        let now = app.kefu.clock.now()
        let today = LocalDay(now, in: zone)
        let company = try WorkforceCompany(try await TenantData.system(db).company(companyID), db: db)
        let rosters = RosterService(company: company, timeZone: zone)
        var random = SeededGenerator(seed: 15)
        var rows: [(workId: String, at: Date, kind: PunchKind)] = []
        var rostered = Set<String>()
        let thisMonth = WorkforceSettings.monthText(today)
        for month in [WorkforceSettings.previousMonth(thisMonth), thisMonth].compactMap({ $0 }) {
            guard let loaded = try await rosters.load(month: month) else { continue }
            rostered.formUnion(loaded.assignments.map(\.workId))
            let templates = Dictionary(loaded.templates.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            // Shifts already begun have their punches (today's in-punch, the out-punch once it ended).
            for a in loaded.assignments where a.day <= today {
                guard let t = templates[a.shiftCode] else { continue }
                let shift = ScheduledShift(day: a.day, template: t, in: zone)
                let start = shift.start, end = shift.end
                guard start < now else { continue }
                let roll = random.next(200)
                if roll == 0 { continue }   // absent
                let late = roll < 9
                let punchIn = start.addingTimeInterval(Double(late ? 60 * (2 + random.next(18)) : -60 * (3 + random.next(10))))
                if punchIn > now { continue }
                rows.append((a.workId, punchIn, .in))
                if (roll >= 9 && roll < 14) || end > now { continue }   // forgot the out-punch, or still on shift
                rows.append((a.workId, end.addingTimeInterval(Double(60 * random.next(15) + random.next(60))), .out))
            }
        }
        for start in stride(from: 0, to: rows.count, by: 500) {
            let part = rows[start..<min(start + 500, rows.count)]
            try await db.transaction { tx in
                let insert = try tx.sql().insert(into: AttendancePunch.schema)
                    .columns("id", "company_id", "work_id", "at", "kind", "source", "recorded_by", "created_at")
                for r in part {
                    insert.values(SQLBind(UUID()), SQLBind(companyID), SQLBind(r.workId), SQLBind(r.at), SQLBind(r.kind.rawValue),
                                  SQLBind(PunchSource.import.rawValue), SQLBind("import"), SQLBind(now))
                }
                try await insert.ignoringConflicts().run()
            }
        }
        try await payAndLeave(companyID: companyID, people: rostered.sorted(), today: today, now: now)
    }

    /// Daily wages for the rostered agents (so an absence shows what it costs) and one
    /// approved leave in the days ahead, which the leads' roster grid and the five tables show.
    func payAndLeave(companyID: UUID, people: [String], today: LocalDay, now: Date) async throws {
        try await app.db.transaction { tx in
            for (i, workId) in people.enumerated() {
                let w = DailyWage()
                w.id = UUID(); w.companyID = companyID; w.workId = workId; w.amountFen = [18_000, 20_000, 22_000][i % 3]
                w.updatedBy = "9001"; w.updatedAt = now
                try await w.create(on: tx)
            }
            guard people.count > 1 else { return }
            let leave = LeaveRequest()
            leave.id = UUID(); leave.companyID = companyID; leave.workId = people[1]; leave.kind = .personal
            leave.fromDay = today.adding(days: 1).description; leave.throughDay = today.adding(days: 2).description
            leave.reason = "家中有事"; leave.status = .approved; leave.decidedBy = "2001"; leave.decidedAt = now; leave.reply = "同意"
            leave.createdAt = now
            try await leave.create(on: tx)
        }
    }
}
