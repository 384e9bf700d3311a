import Vapor
import Fluent
import SQLKit
import KefuCore

/// Attendance (R9.2, R9.3, R4.5): punches kept as they came, leave asked for and answered,
/// and each person's month read from them against the published roster (`AttendanceSheet`),
/// priced by the rules in force (`PenaltyCalculator`).
struct AttendanceService {
    let tenant: TenantData
    let user: User
    let role: Role
    let now: Date
    let timeZone: TimeZone

    init(req: Request) async throws {
        let (user, role) = try req.userAndRole()
        self.init(tenant: try await req.tenant(), user: user, role: role, now: req.now, timeZone: req.kefu.settings.timeZone)
    }

    init(tenant: TenantData, user: User, role: Role, now: Date, timeZone: TimeZone) {
        self.tenant = tenant; self.user = user; self.role = role; self.now = now; self.timeZone = timeZone
    }

    var mayManage: Bool { AttendanceAccess.mayManage(role) }

    /// A second press of the clock button within this long is the first punch.
    static let repeatWindow: TimeInterval = 60

    struct PunchInput: Content {
        var workId: String?
        var at: String?
        var kind: String?
        var source: String?
        var note: String?
    }

    /// The person a work ID names, inside the caller's companies.
    func person(_ workId: String) async throws -> User {
        guard let u = try await tenant.query(User.self).filter(\.$workId == workId).first() else { throw KefuError.notFound("工号 \(workId) ") }
        return u
    }

    /// Records a punch; the same punch again is the one already kept (`created` false).
    func punch(_ input: PunchInput) async throws -> (punch: AttendancePunch, created: Bool) {
        let workId = (input.workId ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? user.workId : (input.workId ?? "").trimmingCharacters(in: .whitespaces)
        var problems: [FieldProblemDTO] = []
        let kind = PunchKind(rawValue: input.kind ?? "")
        if kind == nil { problems.append(.init(field: "kind", message: "kind 须为 in 或 out")) }
        let source = PunchSource(rawValue: input.source ?? PunchSource.web.rawValue)
        if source == nil { problems.append(.init(field: "source", message: "source 须为 web、import 或 correction")) }
        if source == .cti { problems.append(.init(field: "source", message: "座席签入打卡由交换机事件产生，不能手工提交")) }
        var at = now
        // Sent empty is not "now": leave `at` out for that.
        if let raw = input.at?.trimmingCharacters(in: .whitespaces) {
            if case .instant(let d) = InstantText.read(raw) { at = d } else {
                problems.append(.init(field: "at", message: "at 须为带时区的时间，如 2026-12-01T08:55:00+08:00"))
            }
        }
        let note = (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if note.count > AttendanceAccess.maxText || Validation.hasControlCharacters(note) { problems.append(.init(field: "note", message: "说明不超过 200 字")) }
        guard problems.isEmpty, let kind, let source else { throw KefuError.invalid(problems) }
        let own = workId == user.workId && source == .web
        if own {
            guard abs(at.timeIntervalSince(now)) <= AttendanceAccess.ownPunchTolerance else {
                throw KefuError.invalid([.init(field: "at", message: "本人打卡以当前时间为准；补录请找班长更正")])
            }
        } else {
            guard mayManage else { throw KefuError.forbidden("只能为自己打卡；补录和更正由班长办理。") }
            if source == .correction && note.isEmpty { throw KefuError.invalid([.init(field: "note", message: "更正须写明原因")]) }
            guard AttendanceAccess.isPlausible(punchAt: at, now: now) else {
                throw KefuError.invalid([.init(field: "at", message: "补录的打卡时间须在一年之内，且不晚于明天")])
            }
        }
        let person = try await person(workId)
        let when = at
        return try await tenant.db.writeTransaction { [user, now] tx in
            let kept = TenantData.system(tx).query(AttendancePunch.self).filter(\.$companyID == person.companyID)
                .filter(\.$workId == workId).filter(\.$kind == kind)
            // One's own button pressed twice within a minute is one punch; otherwise the same time and kind.
            if own { kept.filter(\.$at >= when.addingTimeInterval(-Self.repeatWindow)).filter(\.$at <= when) } else { kept.filter(\.$at == when) }
            if let kept = try await kept.first() { return (kept, false) }
            let p = AttendancePunch()
            p.id = UUID(); p.companyID = person.companyID; p.workId = workId; p.at = when; p.kind = kind; p.source = source
            p.note = note.isEmpty ? nil : note; p.recordedBy = user.workId; p.createdAt = now
            try await p.create(on: tx)
            if !own {
                try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                    .audit(action: "attendance.punch_\(source.rawValue)", objectType: "attendance", objectId: workId,
                           after: "\(kind.label) \(JSONCoding.formatISO(when, timeZone: timeZone))" + (note.isEmpty ? "" : "：\(note)"))
            }
            return (p, true)
        }
    }

    // MARK: the month

    struct Sheet {
        var person: User
        var month: String
        var days: [AttendanceDay]
        var fines: [Fine]
        var fineTotal: Decimal
        var rulesVersion: Int
        var punches: [PunchRow]
        var dismissal: String?
        var dailyWage: Decimal?
        /// Set when the month's sheet was published: `days` and `fines` are then as published.
        var publishedAt: Date?
        /// Days whose live reading (later punches, corrections) differs from the published one.
        var changedSincePublished: [LocalDay] = []
        var statementID: UUID?
    }

    /// A punch as the sheet traces it: a stored one, or a seat sign-in or sign-out on the
    /// switch (a CTI agent event, read where it is stored, never copied).
    struct PunchRow: Sendable {
        var id: String
        var at: Date
        var kind: PunchKind
        var source: PunchSource
        var note: String?
        var recordedBy: String?

        var punch: Punch { Punch(id: id, at: at, kind: kind, source: source) }
    }

    /// The rules in force for a company: the newest version, or the seed's (version 0).
    static func rules(company: UUID, on db: Database) async throws -> (version: Int, attendance: AttendanceRules, penalties: PenaltyRules) {
        guard let v = try await TenantData.system(db).query(AttendanceRuleVersion.self).filter(\.$companyID == company)
            .sort(\.$version, .descending).first() else { return (0, .standard, PenaltyRules(version: 0)) }
        let decoder = JSONDecoder()
        do {
            return (v.version, try decoder.decode(AttendanceRules.self, from: Data(v.attendance.utf8)),
                    try decoder.decode(PenaltyRules.self, from: Data(v.penalties.utf8)))
        } catch {
            throw KefuError(.internalServerError, "stored_value_invalid", "第 \(v.version) 版考勤规则无法读取，请管理员重新保存。")
        }
    }

    /// The month's sheet: as published once it is (R9.2), else as the records read now.
    /// `live` reads the records even for a published month (to publish again).
    func sheet(workId: String, month: String, live: Bool = false) async throws -> Sheet {
        guard AttendanceAccess.mayRead(sheetOf: workId, viewer: user.workId, role: role) else {
            throw KefuError.forbidden("只能查看本人的考勤。")
        }
        guard let span = WorkforceSettings.month(month) else { throw KefuError.invalid([.init(field: "month", message: "月份须为 YYYY-MM")]) }
        let person = try await person(workId)
        let rules = try await Self.rules(company: person.companyID, on: tenant.db)
        let shifts = try await self.shifts(of: workId, company: person.companyID, month: month)
        let (punches, seat) = try await record(of: workId, company: person.companyID, around: span.days)
        let leaves = try await self.leaves(of: workId, company: person.companyID, around: span.days)
        let read = AttendanceSheet.days(span.days, shifts: try await withMissedSwaps(shifts, company: person.companyID, rules: rules.attendance),
                                        punches: punches.map(\.punch), leaves: leaves, rules: rules.attendance, now: now)
        let days = OffPost.apply(read, shifts: shifts, events: seat, limitMinutes: rules.attendance.offPostLimitMinutes)
        let wage = try await dailyWage(of: workId, company: person.companyID)
        let fines = PenaltyCalculator.fines(days, rules: rules.penalties, dailyWage: wage)
        let absent = days.filter { $0.status == .absent }.map(\.day)
        let dismissal = absent.isEmpty ? nil : PenaltyCalculator.dismissalAlert(
            absentDays: absent, rosteredDays: days.filter { $0.shiftCode != nil }.map(\.day),
            asOf: span.days.last ?? LocalDay(now, in: timeZone), rules: rules.penalties)
        var sheet = Sheet(person: person, month: month, days: days, fines: fines, fineTotal: fines.reduce(0) { $0 + $1.amount },
                          rulesVersion: rules.version, punches: punches, dismissal: dismissal, dailyWage: wage)
        guard !live, let statement = try await tenant.query(MonthlyStatementRecord.self).filter(\.$companyID == person.companyID)
            .filter(\.$workId == workId).filter(\.$month == month).first(), let stored = statement.sheet else { return sheet }
        let published = try Self.decodeSheet(stored, month: month)
        sheet.changedSincePublished = zip(published.days, days).filter { $0 != $1 }.map(\.0.day)
        sheet.days = published.days
        sheet.fines = published.fines
        sheet.fineTotal = published.fines.reduce(0) { $0 + $1.amount }
        sheet.rulesVersion = published.rulesVersion
        sheet.dailyWage = published.dailyWage
        sheet.publishedAt = statement.publishedAt
        sheet.statementID = statement.id
        return sheet
    }

    static func decodeSheet(_ text: String, month: String) throws -> MonthlyStatement.PublishedSheet {
        do { return try JSONDecoder().decode(MonthlyStatement.PublishedSheet.self, from: Data(text.utf8)) } catch {
            throw KefuError(.internalServerError, "stored_value_invalid", "\(month) 已发布的考勤表无法读取。")
        }
    }

    static func encodeSheet(_ sheet: Sheet) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        let published = MonthlyStatement.PublishedSheet(days: sheet.days, fines: sheet.fines, rulesVersion: sheet.rulesVersion, dailyWage: sheet.dailyWage)
        return String(decoding: try e.encode(published), as: UTF8.self)
    }

    func dailyWage(of workId: String, company: UUID) async throws -> Decimal? {
        try await tenant.query(DailyWage.self).filter(\.$companyID == company).filter(\.$workId == workId).first()?.amount
    }

    /// Punches of the days, with a day either side (a night shift's morning punch): the stored
    /// ones and the seat sign-ins and sign-outs the switch reported (R9.2); and from the same
    /// agent events, the seat's states for off post (at the post: signed in, ready or wrapping
    /// up; away: not ready or signed out).
    func record(of workId: String, company: UUID, around days: [LocalDay]) async throws -> (punches: [PunchRow], seat: [OffPost.SeatEvent]) {
        guard let first = days.first, let last = days.last else { return ([], []) }
        let from = first.adding(days: -1).start(in: timeZone), until = last.adding(days: 2).start(in: timeZone)
        let stored = try await tenant.query(AttendancePunch.self).filter(\.$companyID == company).filter(\.$workId == workId)
            .filter(\.$at >= from).filter(\.$at < until).sort(\.$at).all()
            .map { PunchRow(id: $0.id?.uuidString ?? "", at: $0.at, kind: $0.kind, source: $0.source, note: $0.note, recordedBy: $0.recordedBy) }
        try tenant.check(company)
        struct Event: Decodable { var event_id: String; var type: String; var at: Date }
        let events = try await tenant.db.sql().select().columns("event_id", "type", "at").from("cti_events")
            .where("company_id", .equal, SQLBind(company)).where("agent_work_id", .equal, SQLBind(workId))
            .where("type", .in, SQLBind.group(AgentEventType.allCases.map(\.rawValue)))
            .where("at", .greaterThanOrEqual, SQLBind(from)).where("at", .lessThan, SQLBind(until))
            .orderBy("at").all(decoding: Event.self)
            .compactMap { e in AgentEventType(rawValue: e.type).map { (id: e.event_id, type: $0, at: e.at) } }
        let signIns = events.filter { $0.type == .loggedIn || $0.type == .loggedOut }
            .map { PunchRow(id: "cti:" + $0.id, at: $0.at, kind: $0.type == .loggedIn ? .in : .out, source: .cti) }
        return ((stored + signIns).sorted { $0.at < $1.at },
                events.map { OffPost.SeatEvent(at: $0.at, atPost: $0.type != .notReady && $0.type != .loggedOut) })
    }

    func leaves(of workId: String, company: UUID, around days: [LocalDay]) async throws -> [LeaveSpan] {
        guard let first = days.first, let last = days.last else { return [] }
        return try await tenant.query(LeaveRequest.self).filter(\.$companyID == company).filter(\.$workId == workId)
            .approved(overlapping: first, last).all()
            .compactMap { r in
                guard let from = LocalDay(r.fromDay), let through = LocalDay(r.throughDay) else { return nil }
                return LeaveSpan(kind: r.kind, from: from, through: through)
            }
    }

    /// The person's shifts of the published roster of `month`, each marked when an approved
    /// swap moved it (R4.5): taken from a colleague, or given to one (`missed` filled later).
    func shifts(of workId: String, company: UUID, month: String) async throws -> [ScheduledShift] {
        let roster = RosterService(company: try await WorkforceCompany.of(company, in: tenant), timeZone: timeZone)
        guard let loaded = try await roster.load(month: month), loaded.record.status == "published", let rosterID = loaded.record.id else { return [] }
        let templates = Dictionary(loaded.templates.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        func shift(_ day: LocalDay, _ code: String, _ swap: ScheduledShift.Swap) -> ScheduledShift? {
            templates[code].map { ScheduledShift(day: day, template: $0, in: timeZone, swap: swap) }
        }
        let swaps = try await tenant.query(ShiftSwapRecord.self).filter(\.$rosterId == rosterID)
            .filter(\.$state == ShiftSwapState.approved.rawValue).all().filter { $0.requester == workId || $0.peer == workId }
        // Moves of (day, shift): who now works it and who gave it.
        var taken: [String: String] = [:]
        var given: [(day: LocalDay, code: String, to: String)] = []
        for s in swaps {
            var moves: [(day: String, code: String, from: String, to: String)] = [(s.requesterDay, s.requesterShift, s.requester, s.peer)]
            if let d = s.peerDay, let c = s.peerShift { moves.append((d, c, s.peer, s.requester)) }
            for m in moves {
                guard let day = LocalDay(m.day) else { continue }
                if m.to == workId { taken["\(m.day)#\(m.code)"] = m.from }
                if m.from == workId { given.append((day, m.code, m.to)) }
            }
        }
        var out = loaded.assignments.filter { $0.workId == workId }.compactMap { a in
            shift(a.day, a.shiftCode, taken["\(a.day)#\(a.shiftCode)"].map { .takenFrom($0) } ?? .none)
        }
        let own = Set(out.map(\.day))
        out += given.filter { !own.contains($0.day) }.compactMap { shift($0.day, $0.code, .givenTo($0.to, missed: false)) }
        return out.sorted { $0.day < $1.day }
    }

    /// A shift given away by swap is on the giver too when the taker did not come.
    func withMissedSwaps(_ shifts: [ScheduledShift], company: UUID, rules: AttendanceRules) async throws -> [ScheduledShift] {
        var out = shifts
        for (i, s) in shifts.enumerated() {
            guard case .givenTo(let peer, _) = s.swap else { continue }
            let taker = ScheduledShift(day: s.day, code: s.code, start: s.start, end: s.end)
            let punches = try await record(of: peer, company: company, around: [s.day]).punches.map(\.punch)
            let leaves = try await self.leaves(of: peer, company: company, around: [s.day])
            let line = AttendanceSheet.days([s.day], shifts: [taker], punches: punches, leaves: leaves, rules: rules, now: now).first
            out[i].swap = .givenTo(peer, missed: line?.status == .absent)
        }
        return out
    }
}
