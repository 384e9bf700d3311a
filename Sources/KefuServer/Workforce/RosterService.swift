import Fluent
import SQLKit
import Vapor
import KefuCore

/// Month rosters: generated from a forecast run (Erlang seats per interval → the shift
/// scheduler's people per shift and day → named assignments by the roster builder), edited
/// cell by cell by the lead with every rule re-checked, and published to the agents. One
/// roster per company and month; it names only that company's people and those granted to it.
/// Audit rows name a roster as `COMPANY/month`, since every company has its own December.
struct RosterService {
    let company: WorkforceCompany
    var db: Database { company.db }
    let timeZone: TimeZone

    /// Phone staff are the people rostered onto the hotline.
    static let rosteredRoles: [Role] = Role.seated

    struct Loaded: Sendable {
        var record: RosterRecord
        var templates: [ShiftTemplate]
        var rules: RosterRules
        var demand: RosterDemand
        var requiredSeats: [[Int]]
        var assignments: [RosterAssignment]
        var days: [LocalDay]
        var clock: WorkforceClock
    }

    /// The rostered people with their profiles (defaults for anyone without one): the
    /// company's own phone staff and those of another company granted to it (an outsourced
    /// seat). The granted ones are outside this company's scope by their own company, so
    /// they are read by id under the system scope, next to an explicit company filter.
    /// Approved leave (R9.2) of `days` adds to each person's unavailable days, so the builder
    /// plans around it and a cell edit or swap cannot put them on a day they are off.
    func agents(during days: [LocalDay] = []) async throws -> [RosterAgent] {
        let granted = try await CompanyGrant.query(on: db).filter(\.$company.$id == company.id).all().map(\.$user.id)
        let query = TenantData.system(db).query(User.self)
        if granted.isEmpty {
            query.filter(\.$companyID == company.id)
        } else {
            query.group(.or) { $0.filter(\.$companyID == company.id).filter(\.$id ~~ granted) }
        }
        let users = try await query.filter(\.$role ~~ Self.rosteredRoles.map(\.rawValue)).filter(\.$active == true)
            .sort(\.$workId).all()
        let profiles = Dictionary(try await company.data.query(WorkforceProfile.self).all().map { ($0.workId, $0) }, uniquingKeysWith: { a, _ in a })
        let leave = try await approvedLeave(during: days)
        return users.map { u in
            let p = profiles[u.workId]
            let onLeave = days.filter { d in leave[u.workId]?.contains { $0.covers(d) } ?? false }
            return RosterAgent(workId: u.workId, name: u.name, skills: Self.list(p?.skills ?? u.role),
                               weeklyHours: p?.weeklyHours ?? 40, nightAllowed: p?.nightAllowed ?? true,
                               preferredShifts: Self.list(p?.preferredShifts ?? ""),
                               unavailable: Self.list(p?.unavailable ?? "").compactMap { LocalDay($0) } + onLeave,
                               isReserveEligible: p?.reserveEligible ?? true)
        }
    }

    /// Approved leave overlapping `days`, by work ID; requests waiting or refused change nothing.
    /// A seat granted from another company takes leave there, so theirs is read there too.
    func approvedLeave(during days: [LocalDay]) async throws -> [String: [LeaveSpan]] {
        guard let first = days.min(), let last = days.max() else { return [:] }
        let granted = try await CompanyGrant.query(on: db).filter(\.$company.$id == company.id).all().map(\.$user.id)
        let grantedWorkIds = granted.isEmpty ? [] : try await TenantData.system(db).query(User.self).filter(\.$id ~~ granted).all().map(\.workId)
        let query = grantedWorkIds.isEmpty ? company.data.query(LeaveRequest.self)
            : TenantData.system(db).query(LeaveRequest.self).group(.or) { $0.filter(\.$companyID == company.id).filter(\.$workId ~~ grantedWorkIds) }
        let rows = try await query.approved(overlapping: first, last).all()
        var out: [String: [LeaveSpan]] = [:]
        for r in rows {
            guard let from = LocalDay(r.fromDay), let through = LocalDay(r.throughDay) else { continue }
            out[r.workId, default: []].append(LeaveSpan(kind: r.kind, from: from, through: through))
        }
        return out
    }

    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == " " }).map { String($0) }.filter { !$0.isEmpty }
    }

    /// Builds (or rebuilds) the month's roster from a forecast run. A rebuilt roster starts
    /// as a draft again; the previous one is replaced, and the replacement is audited.
    func generate(from forecast: ForecastService.Loaded, objective: ScheduleObjective = .minResources, maxPerShift: Int? = nil,
                  maxPerPeriod: Int? = nil, history: History) async throws -> RosterRecord {
        guard forecast.run.companyID == company.id else { throw KefuError.notFound("预测") }
        let templates = try await WorkforceSettings.templates(company)
        let rules = try await WorkforceSettings.rules(company)
        let clock = forecast.clock
        let slots = clock.slotsPerDay
        let days = forecast.days
        guard forecast.result.intervals.count >= days.count * slots else { throw KefuError.badRequest("预测的时段数与月份天数不符。") }
        var required: [[Int]] = []
        for d in days.indices {
            required.append((0..<slots).map { forecast.staffing[d * slots + $0].scheduled })
        }
        var holidays: [LocalDay: String] = [:]
        for i in forecast.result.intervals { if let h = i.holiday { holidays[i.day] = h } }
        let coverage = Dictionary(uniqueKeysWithValues: templates.map { ($0.code, $0.coverage(intervalMinutes: clock.intervalMinutes)) })
        let perShift: [[Int]]
        do {
            let problem = try ShiftProblem(numDays: days.count, periods: slots, required: required, shifts: coverage)
            var solution = try ShiftScheduler.solve(problem, options: ScheduleOptions(objective: objective, maxPerShift: maxPerShift,
                                                                                     maxPerPeriod: maxPerPeriod, timeLimitSeconds: 10))
            if solution.status == .infeasible {
                guard maxPerShift == nil, maxPerPeriod == nil else {
                    throw KefuError(.unprocessableEntity, "infeasible", "在所设上限下无法覆盖需求：" + (solution.infeasibleReason ?? "请放宽上限"))
                }
                // A period no template covers: get as close as the templates allow.
                solution = try ShiftScheduler.solve(problem, options: ScheduleOptions(objective: .minAbsDifference, timeLimitSeconds: 10))
            }
            perShift = solution.assignment.map { row in
                templates.map { t in solution.shiftNames.firstIndex(of: t.code).map { row[$0] } ?? 0 }
            }
        } catch let e as WorkforceError { throw KefuError(e) }
        let demand = RosterDemand(days: days, required: perShift, holidays: holidays)
        let agents = try await agents(during: days)
        let roster: Roster
        do { roster = try RosterBuilder.build(demand: demand, templates: templates, agents: agents, rules: rules) } catch let e as WorkforceError {
            throw KefuError(e)
        }
        let month = forecast.run.month
        let now = history.now
        let record = RosterRecord()
        record.companyID = company.id
        record.month = month
        record.status = "draft"
        record.forecastRunId = forecast.run.id
        record.intervalMinutes = clock.intervalMinutes
        record.demand = WorkforceSettings.json(demand)
        record.templates = WorkforceSettings.json(templates)
        record.rules = WorkforceSettings.json(rules)
        record.requiredSeats = WorkforceSettings.json(required)
        record.createdAt = now
        record.updatedAt = now
        record.updatedBy = history.actorWorkId
        try await db.writeTransaction { tx in
            let scoped = company.data.on(tx)
            if let old = try await scoped.query(RosterRecord.self).filter(\.$month == month).first(), let oldID = old.id {
                try await RosterAssignmentRecord.query(on: tx).filter(\.$rosterId == oldID).delete()
                try await scoped.query(ShiftSwapRecord.self).filter(\.$rosterId == oldID).delete()
                try await old.delete(on: tx)
            }
            try await record.create(on: tx)
            try await Self.insert(roster.assignments, rosterId: try record.requireID(), on: tx)
            try await history.on(tx).audit(action: "roster.generated", objectType: "roster", objectId: "\(company.code)/\(month)",
                                           after: "\(roster.assignments.count) assignments, \(roster.shortfalls.count) shortfalls")
        }
        return record
    }

    static func insert(_ assignments: [RosterAssignment], rosterId: UUID, on db: Database) async throws {
        let sql = try db.sql()
        for chunk in stride(from: 0, to: assignments.count, by: 400) {
            var insert = sql.insert(into: RosterAssignmentRecord.schema).columns("id", "roster_id", "work_id", "day", "shift_code", "role")
            for a in assignments[chunk..<min(chunk + 400, assignments.count)] {
                insert = insert.values(SQLBind(UUID()), SQLBind(rosterId), SQLBind(a.workId), SQLBind(a.day.description),
                                       SQLBind(a.shiftCode), SQLBind(a.role.rawValue))
            }
            try await insert.run()
        }
    }

    func load(month: String) async throws -> Loaded? {
        guard let record = try await company.data.query(RosterRecord.self).filter(\.$month == month).first(), let id = record.id else { return nil }
        // Plain rows through SQLKit: a month's roster is a few thousand assignments, and Fluent
        // models (reflection per field) were a fifth of the five tables' time.
        struct Row: Decodable { var work_id: String; var day: String; var shift_code: String; var role: String }
        let rows = try await (try db.sql()).select().column("work_id").column("day").column("shift_code").column("role")
            .from(RosterAssignmentRecord.schema).where("roster_id", .equal, SQLBind(id)).all(decoding: Row.self)
        let assignments = rows.compactMap { r -> RosterAssignment? in
            guard let day = LocalDay(r.day), let role = RosterRole(rawValue: r.role) else { return nil }
            return RosterAssignment(workId: r.work_id, day: day, shiftCode: r.shift_code, role: role)
        }.sorted { ($0.day, $0.workId) < ($1.day, $1.workId) }
        return Loaded(record: record, templates: try WorkforceSettings.decode([ShiftTemplate].self, record.templates),
                      rules: try WorkforceSettings.decode(RosterRules.self, record.rules),
                      demand: try WorkforceSettings.decode(RosterDemand.self, record.demand),
                      requiredSeats: try WorkforceSettings.decode([[Int]].self, record.requiredSeats),
                      assignments: assignments, days: WorkforceSettings.month(month)?.days ?? [],
                      clock: try ForecastService.clock(timeZone, record.intervalMinutes))
    }

    func require(month: String) async throws -> Loaded {
        guard let loaded = try await load(month: month) else { throw KefuError.notFound("\(month) 的排班表") }
        return loaded
    }

    /// The lead's edit of one cell: a shift (or `nil` for a day off). The whole roster is
    /// re-checked for that person; a broken hard rule refuses the edit and nothing changes.
    func setCell(month: String, workId: String, day: LocalDay, shiftCode: String?, role: RosterRole, history: History) async throws {
        let loaded = try await require(month: month)
        guard loaded.days.contains(day) else { throw KefuError.invalid([.init(field: "day", message: "\(day) 不在 \(month) 内")]) }
        let agents = try await agents(during: loaded.days)
        guard agents.contains(where: { $0.workId == workId }) else { throw KefuError.invalid([.init(field: "workId", message: "工号 \(workId) 不在排班人员中")]) }
        if let code = shiftCode, !loaded.templates.contains(where: { $0.code == code }) {
            throw KefuError.invalid([.init(field: "shift", message: "没有班次 \(code)")])
        }
        var next = loaded.assignments.filter { !($0.workId == workId && $0.day == day) }
        let before = loaded.assignments.first { $0.workId == workId && $0.day == day }
        if let code = shiftCode { next.append(RosterAssignment(workId: workId, day: day, shiftCode: code, role: role)) }
        let violations = RosterValidator.introduced(by: next, from: loaded.assignments, templates: loaded.templates, agents: agents,
                                                    rules: loaded.rules, days: loaded.days, workId: workId)
        if !violations.isEmpty {
            throw KefuError(.unprocessableEntity, "roster_rule", "修改未保存：" + violations.map(\.message).joined(separator: "；"),
                            fields: violations.map { .init(field: $0.code, message: $0.message) })
        }
        let rosterId = try loaded.record.requireID()
        try await db.writeTransaction { tx in
            try await RosterAssignmentRecord.query(on: tx).filter(\.$rosterId == rosterId).filter(\.$workId == workId)
                .filter(\.$day == day.description).delete()
            if let code = shiftCode {
                try await Self.insert([RosterAssignment(workId: workId, day: day, shiftCode: code, role: role)], rosterId: rosterId, on: tx)
            }
            try await company.data.on(tx).query(RosterRecord.self).filter(\.$id == rosterId).set(\.$updatedAt, to: history.now)
                .set(\.$updatedBy, to: history.actorWorkId).update()
            try await history.on(tx).audit(action: "roster.cell_changed", objectType: "roster", objectId: "\(company.code)/\(month)/\(workId)/\(day)",
                                           before: before.map { "\($0.shiftCode) \($0.role.rawValue)" } ?? "休",
                                           after: shiftCode.map { "\($0) \(role.rawValue)" } ?? "休")
        }
    }

    func publish(month: String, history: History) async throws {
        let loaded = try await require(month: month)
        let id = try loaded.record.requireID()
        let agents = Set(loaded.assignments.map(\.workId))
        try await db.writeTransaction { tx in
            try await company.data.on(tx).query(RosterRecord.self).filter(\.$id == id).set(\.$status, to: "published").set(\.$updatedAt, to: history.now).update()
            for workId in agents.sorted() {
                try await KefuNotification(recipientWorkId: workId, recipientRole: nil, workOrderID: nil,
                                           message: "\(month) 排班表已发布，请在“我的排班”查看。", createdAt: history.now).create(on: tx)
            }
            try await history.on(tx).audit(action: "roster.published", objectType: "roster", objectId: "\(company.code)/\(month)")
        }
    }
}
