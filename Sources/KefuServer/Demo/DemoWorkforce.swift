import Fluent
import Vapor
import KefuCore

/// The demo planner's month: 45 more phone agents (1301–1345, same password), about 100
/// days of half-hour traffic history ending yesterday (weekly and daily rhythm, the
/// month-start billing peak, holidays lower), forecasts and published rosters for last
/// month and this month, so every one of the five tables has something to show. All of it in
/// the company (and branch) the caller names: the demo's first company.
struct DemoWorkforce {
    let app: Application
    static let firstAgent = 1301
    static let agentCount = 45

    func load(passwordHash: String, companyID: UUID, branchID: UUID?) async throws {
        let db = app.db
        let company = try WorkforceCompany(try await TenantData.system(db).company(companyID), db: db)
        let now = app.kefu.clock.now()
        let zone = app.kefu.settings.timeZone
        let surnames = Array("钱孙冯陈褚卫蒋沈韩杨秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏")
        let given = ["晓燕", "子涵", "俊杰", "思雨", "浩然", "欣怡", "宇航", "佳琪", "明轩", "雨萱"]
        for i in 0..<Self.agentCount {
            let workId = String(Self.firstAgent + i)
            let name = String(surnames[i % surnames.count]) + given[(i * 3) % given.count]
            try await User(workId: workId, name: name, role: .agent, passwordHash: passwordHash, departmentID: nil,
                           companyID: companyID, branchID: branchID, createdAt: now).create(on: db)
            let p = WorkforceProfile()
            p.companyID = companyID
            p.workId = workId
            p.weeklyHours = i % 10 == 9 ? 32 : 40
            p.nightAllowed = i % 6 != 5
            p.reserveEligible = true
            p.skills = i % 5 == 0 ? "inbound,vip" : "inbound"
            p.preferredShifts = ["A", "B", "C", "D", ""][i % 5]
            p.unavailable = ""
            p.updatedAt = now
            try await p.create(on: db)
        }
        let clock = try WorkforceClock(timeZone: zone, intervalMinutes: 30)
        let today = LocalDay(now, in: zone)
        var volumes: [IntervalVolume] = []
        var rng = SeededGenerator(seed: 517)
        let holidays = try await ForecastService.holidays(on: db)
        var day = today.adding(days: -100)
        var index = 0
        while day < today {
            let weekday = [1.0, 1.15, 1.0, 1.0, 1.0, 0.95, 0.8, 0.75][day.weekday()]
            let monthStart = day.day <= 3 ? 1.35 : 1.0
            let holiday = holidays.holiday(on: day) == nil ? 1.0 : 0.7
            let trend = 1 + 0.001 * Double(index)
            for slot in 0..<clock.slotsPerDay {
                let h = Double(slot) / 2
                let curve = 2 + 30 * exp(-pow((h - 10) / 2.2, 2)) + 26 * exp(-pow((h - 15) / 2.5, 2)) + 14 * exp(-pow((h - 20) / 1.8, 2))
                let mean = curve * weekday * monthStart * holiday * trend
                let offered = max(0, Int((mean * (0.9 + Double(rng.next(200)) / 1000)).rounded()))
                let abandoned = offered * (3 + rng.next(6)) / 100
                volumes.append(IntervalVolume(start: clock.start(of: day, slot: slot), offered: offered, answered: offered - abandoned,
                                              abandoned: abandoned, ahtSeconds: offered - abandoned > 0 ? Double(170 + rng.next(40)) : 0))
            }
            day = day.adding(days: 1)
            index += 1
        }
        try await TrafficHistory(company: company).store(volumes, intervalMinutes: 30, source: "csv", now: now)
        let history = History(db: db, actorWorkId: "6001", ip: nil, now: now)
        let thisMonth = WorkforceSettings.monthText(today)
        for month in [WorkforceSettings.previousMonth(thisMonth)!, thisMonth] {
            let forecasts = ForecastService(company: company, timeZone: zone)
            let rosters = RosterService(company: company, timeZone: zone)
            let run = try await forecasts.run(month: month, intervalMinutes: 30, method: nil, actor: "6001", now: now)
            let loaded = try forecasts.decode(run)
            _ = try await rosters.generate(from: loaded, history: history)
            try await rosters.publish(month: month, history: history)
        }
    }
}
