import Vapor
import Fluent
import KefuCore

/// Reads the administrator's SLA policies and holiday calendar and turns them into
/// KefuCore values. Everything that computes a deadline goes through here.
struct SLAService {
    let db: Database
    let timeZone: TimeZone
    /// Where `policy` reads (the lean-read thread on SQLite); nil: through `db`.
    var reads: LeanReads? = nil

    /// The company's policy: its saved row, else KefuCore's default.
    func companyPolicy(type: WorkOrderType, priority: Priority, company: UUID) async throws -> SLAPolicy {
        if let row = try await TenantData(scope: .companies([company]), db: db).query(SLAPolicyRecord.self)
            .filter(\.$type == type.rawValue).filter(\.$priority == priority.rawValue).first() {
            return SLAPolicy(type: type, priority: priority, firstResponseSeconds: row.firstResponseSeconds,
                             resolutionSeconds: row.resolutionSeconds,
                             calendar: ServiceCalendar.Kind(rawValue: row.calendar) ?? .allDay)
        }
        return SLAPolicy.defaultPolicy(type: type, priority: priority)
    }

    /// The branch's own target for this type and priority, if it set one.
    func branchTarget(type: WorkOrderType, priority: Priority, branch: UUID) async throws -> BranchSLATarget? {
        try await BranchSLATarget.query(on: db).filter(\.$branch.$id == branch)
            .filter(\.$type == type.rawValue).filter(\.$priority == priority.rawValue).first()
    }

    private enum PolicyRows: PreparedRead {
        static let sql = """
            SELECT p.first_response_seconds, p.resolution_seconds, p.calendar,
                   t.first_response_seconds AS branch_first_response_seconds, t.resolution_seconds AS branch_resolution_seconds
            FROM (SELECT 1 AS one) AS base
            LEFT JOIN "\(SLAPolicyRecord.schema)" p ON p.company_id = ? AND p.type = ? AND p.priority = ?
            LEFT JOIN "\(BranchSLATarget.schema)" t ON t.branch_id = ? AND t.type = ? AND t.priority = ?
            """
    }

    /// What applies to an order of `company` and `branch`: the company's policy, tightened by
    /// the branch's own targets (`BranchRules.tighter`). Both rows are read in one statement:
    /// this runs in every create.
    func policy(type: WorkOrderType, priority: Priority, company: UUID, branch: UUID?) async throws -> SLAPolicy {
        struct Row: Decodable, Sendable {
            var first_response_seconds: Int?; var resolution_seconds: Int?; var calendar: String?
            var branch_first_response_seconds: Int?; var branch_resolution_seconds: Int?
        }
        let row = try await (reads ?? LeanReads(reader: nil, db: db)).first(SQLText(PolicyRows.self, binds: [
                         .uuid(company), .text(type.rawValue), .text(priority.rawValue),
                         .uuid(branch), .text(type.rawValue), .text(priority.rawValue)]), as: Row.self)
        var base = SLAPolicy.defaultPolicy(type: type, priority: priority)
        if let first = row?.first_response_seconds, let resolution = row?.resolution_seconds, let stored = row?.calendar {
            guard let calendar = ServiceCalendar.Kind(rawValue: stored) else {
                throw KefuError(.internalServerError, "invalid_stored_value", "时限策略的日历无法识别：\(stored)")
            }
            base = SLAPolicy(type: type, priority: priority, firstResponseSeconds: first, resolutionSeconds: resolution, calendar: calendar)
        }
        guard let first = row?.branch_first_response_seconds, let resolution = row?.branch_resolution_seconds else { return base }
        return BranchRules.tighter(base, branchFirstResponse: first, branchResolution: resolution)
    }

    func calendar(_ kind: ServiceCalendar.Kind) async throws -> ServiceCalendar {
        guard kind == .workingDays else { return .allDay(timeZone: timeZone) }
        let rows = try await HolidayRecord.query(on: db).all()
        var holidays = Set<LocalDay>(), makeup = Set<LocalDay>()
        for r in rows {
            guard let d = LocalDay(r.day) else { continue }
            if r.makeupWorkday { makeup.insert(d) } else { holidays.insert(d) }
        }
        return ServiceCalendar(kind: .workingDays, timeZone: timeZone, holidays: holidays, makeupWorkdays: makeup)
    }

    func timer(for order: WorkOrder) async throws -> SLATimer {
        SLATimer(start: order.createdAt, targetSeconds: order.resolutionTargetSeconds,
                 calendar: try await calendar(order.calendarKindValue),
                 pausedSeconds: order.pausedSeconds, pausedSince: order.pausedSince)
    }

    /// Writes the timer's state and the derived deadlines back onto the order.
    static func apply(_ timer: SLATimer, to order: WorkOrder, policy: EscalationPolicy = .standard) {
        order.pausedSeconds = timer.pausedSeconds
        order.pausedSince = timer.pausedSince
        order.resolutionDueAt = timer.dueAt(percent: 100)
        if order.statusValue == .closed {
            order.nextEscalationAt = nil
        } else {
            order.nextEscalationAt = policy.nextDueAt(after: order.escalationLevel, timer: timer)
        }
    }

    /// Stops the clock (pending customer, resolved).
    func pause(_ order: WorkOrder, now: Date) async throws {
        var t = try await timer(for: order)
        t.pause(at: now)
        Self.apply(t, to: order)
    }

    /// Restarts the clock after a pause.
    func resume(_ order: WorkOrder, now: Date) async throws {
        var t = try await timer(for: order)
        t.resume(at: now)
        Self.apply(t, to: order)
    }
}
