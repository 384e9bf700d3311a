import Vapor
import Fluent
import SQLKit
import KefuCore

/// Fires due escalations and overdue supervision orders from the deadlines stored in the
/// database. Each firing is a compare-and-set UPDATE (… WHERE escalation_level = old), so
/// with several server processes on one PostgreSQL, and after any restart, every step
/// fires exactly once.
struct DeadlineSweeper {
    let db: Database
    let now: Date
    let timeZone: TimeZone
    let logger: Logger
    var policy: EscalationPolicy = .standard

    struct Outcome: Equatable { var escalations = 0; var overdueSupervision = 0; var visitReconfirmations = 0 }

    @discardableResult
    func sweep(batch: Int = 200) async throws -> Outcome {
        var outcome = Outcome()
        // Every company's orders; each firing notifies the order's own company (R11.2).
        let tenant = TenantData.system(db)
        let due = try await tenant.query(WorkOrder.self)
            .filter(\.$nextEscalationAt <= now).filter(\.$status != WorkOrderStatus.closed.rawValue)
            .sort(\.$nextEscalationAt).limit(batch).all()
        let sla = SLAService(db: db, timeZone: timeZone)
        for order in due {
            let timer = try await sla.timer(for: order)
            let steps = policy.dueSteps(after: order.escalationLevel, timer: timer, now: now)
            guard let top = steps.last else {
                // Nothing due after all (policy changed): just move the marker on.
                order.nextEscalationAt = policy.nextDueAt(after: order.escalationLevel, timer: timer)
                try await order.save(on: db)
                continue
            }
            let next = policy.nextDueAt(after: top.level, timer: timer)
            let fired: Bool = try await db.writeTransaction { db in
                let sql = try db.sql()
                let rows = try await sql.update("work_orders")
                    .set("escalation_level", to: top.level)
                    .set("next_escalation_at", to: next)
                    .where("id", .equal, order.id!).where("escalation_level", .equal, order.escalationLevel)
                    .returning("id").all()
                guard !rows.isEmpty else { return false }
                let history = History(db: db, actorWorkId: nil, ip: nil, now: now)
                for step in steps {
                    let who = Self.label(step.notifyRole)
                    try await history.workOrder(order.id!, kind: "escalated",
                                                summary: "时限已用 \(step.percent)%，升级至第 \(step.level) 级，通知\(who)",
                                                changes: ["escalationLevel": .init(from: String(step.level - 1), to: String(step.level))])
                    let message = "工单 \(order.number)「\(order.subject)」时限已用 \(step.percent)%（升级第 \(step.level) 级）"
                    let n = step.notifyRole == "owner"
                        ? KefuNotification(recipientWorkId: order.ownerWorkId, recipientRole: nil, workOrderID: order.id, message: message, createdAt: now)
                        : KefuNotification(role: step.notifyRole, company: order.companyID, workOrderID: order.id, message: message, createdAt: now)
                    try await n.create(on: db)
                }
                return true
            }
            if fired { outcome.escalations += steps.count }
        }

        let overdue = try await tenant.query(SupervisionOrder.self)
            .filter(\.$status == "open").filter(\.$escalated == false).filter(\.$deadline <= now)
            .with(\.$department).limit(batch).all()
        for s in overdue {
            let fired: Bool = try await db.writeTransaction { db in
                let sql = try db.sql()
                let rows = try await sql.update("supervision_orders").set("escalated", to: true)
                    .where("id", .equal, s.id!).where("escalated", .equal, false).returning("id").all()
                guard !rows.isEmpty else { return false }
                guard let order = try await tenant.on(db).find(WorkOrder.self, s.$workOrder.id) else { return true }
                try await History(db: db, actorWorkId: nil, ip: nil, now: now)
                    .workOrder(order.id!, kind: "supervision_overdue", summary: "\(s.department.name)督办单已超时未回单，已上报值班长")
                try await KefuNotification(role: Role.shiftLead.rawValue, company: order.companyID, workOrderID: order.id,
                                           message: "\(s.department.name)督办单超时：工单 \(order.number)", createdAt: now).create(on: db)
                return true
            }
            if fired { outcome.overdueSupervision += 1 }
        }
        // Visits to reconfirm with the customer the day before (R8.1).
        outcome.visitReconfirmations = try await VisitReminders(db: db, now: now, timeZone: timeZone).sweep(batch: batch)
        if outcome != Outcome() {
            logger.info("deadline sweep fired \(outcome.escalations) escalation(s), \(outcome.overdueSupervision) overdue supervision order(s), \(outcome.visitReconfirmations) visit reconfirmation reminder(s)")
        }
        return outcome
    }

    static func label(_ role: String) -> String {
        role == "owner" ? "首问负责人" : (Role(rawValue: role)?.label ?? role)
    }
}

/// Runs the sweeper every few seconds in a server process. Shutdown cancels the loop and
/// waits for a sweep in flight, so no sweep ever touches a database being closed.
struct SweeperLifecycle: LifecycleHandler {
    func didBootAsync(_ app: Application) async throws {
        guard app.kefu.settings.runScheduler else { return }
        let interval = app.kefu.settings.sweepIntervalSeconds
        let db = app.db
        let clock = app.kefu.clock
        let timeZone = app.kefu.settings.timeZone
        let logger = app.logger
        let metrics = app.metrics
        let live = app.live
        let gate = app.sweeperGate
        let task = Task.detached {
            var lastHousekeeping = Date.distantPast
            while true {
                // Wait first: a command like `kefu demo` migrates right after boot.
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                if Task.isCancelled { return }
                if gate.isHeld { continue }
                do {
                    try await DeadlineSweeper(db: db, now: clock.now(), timeZone: timeZone, logger: logger).sweep()
                    metrics.job("deadline_sweep", failed: false)
                } catch {
                    metrics.job("deadline_sweep", failed: true)
                    logger.warning("deadline sweep failed: \(String(describing: error))")
                }
                if Date().timeIntervalSince(lastHousekeeping) >= 600 {
                    lastHousekeeping = Date()
                    do {
                        try await Housekeeping(db: db, now: Date()).purge()
                    } catch {
                        logger.warning("housekeeping failed: \(String(describing: error))")
                    }
                    do {
                        // Customer tiers by value, once a month per company (R5.2).
                        try await CustomerTiering.runMonthlyIfDue(db: db, now: clock.now(), timeZone: timeZone, logger: logger)
                    } catch {
                        logger.warning("monthly customer tiering failed: \(String(describing: error))")
                    }
                    do {
                        // The weekly report on Monday morning, the monthly on the 1st (R10.1).
                        try await ReportSnapshots.generateIfDue(db: db, now: clock.now(), timeZone: timeZone, logger: logger)
                        metrics.job("report_snapshots", failed: false)
                    } catch {
                        metrics.job("report_snapshots", failed: true)
                        logger.warning("report snapshots failed: \(String(describing: error))")
                    }
                    do {
                        // Last month's statements of rewards and penalties, on the 1st (R9.3).
                        try await AttendanceService.publishMonthlyIfDue(db: db, now: clock.now(), timeZone: timeZone, logger: logger)
                    } catch {
                        logger.warning("monthly statements failed: \(String(describing: error))")
                    }
                    do {
                        // Special customers' reviews, visits and expiring services (R5.3).
                        _ = try await SpecialCustomerService.sendReminders(db: db, now: clock.now(), timeZone: timeZone)
                    } catch {
                        logger.warning("special-customer reminders failed: \(String(describing: error))")
                    }
                    do {
                        // Expired customer records lose their personal fields, once a day (R5.5).
                        try await CustomerRetention.runDailyIfDue(db: db, now: clock.now(), timeZone: timeZone, logger: logger)
                    } catch {
                        logger.warning("customer retention failed: \(String(describing: error))")
                    }
                }
                do {
                    // The day's fixed-time counts, as each chosen time passes (R10.3).
                    try await FixedCounts.recordDue(db: db, now: clock.now(), timeZone: timeZone)
                    metrics.job("fixed_counts", failed: false)
                } catch {
                    metrics.job("fixed_counts", failed: true)
                    logger.warning("fixed-time counts failed: \(String(describing: error))")
                }
                do {
                    // The period reports' daily rollups, from the orders marked as changed (R10.1).
                    try await ReportRollups(db: db, timeZone: timeZone).catchUp()
                    metrics.job("report_rollups", failed: false)
                } catch {
                    metrics.job("report_rollups", failed: true)
                    logger.warning("report rollups failed: \(String(describing: error))")
                }
                do {
                    // The telephony KPIs' rollups, from the hours of newly stored events (R10.3).
                    try await CallRollups(db: db, configuration: live.configuration, now: clock.now()).catchUp()
                    metrics.job("call_rollups", failed: false)
                } catch {
                    metrics.job("call_rollups", failed: true)
                    logger.warning("call rollups failed: \(String(describing: error))")
                }
                do {
                    // Follow-ups of stored CTI events that an intake did not finish (a failure,
                    // a crash before or during them): owed until done, so a restart repairs them.
                    try await CTIOutbox(app: app).sweep()
                } catch {
                    logger.warning("CTI outbox sweep failed: \(String(describing: error))")
                }
                do {
                    try await BuiltInACD.dispatch(app, db: db, now: clock.now())
                } catch {
                    logger.warning("built-in ACD failed: \(String(describing: error))")
                }
                do {
                    // Every company's floor has its own policy and state (R11.2).
                    if try await EmergencyCoordinator.tickEveryCompany(app, db: db, now: clock.now()) { try await LiveNotifier.changed(app, db: db) }
                } catch {
                    logger.warning("emergency policy check failed: \(String(describing: error))")
                }
            }
        }
        app.storage[SweeperTaskKey.self] = task
    }

    func shutdownAsync(_ app: Application) async {
        guard let task = app.storage[SweeperTaskKey.self] else { return }
        task.cancel()
        await task.value
    }
}

struct SweeperTaskKey: StorageKey { typealias Value = Task<Void, Never> }
