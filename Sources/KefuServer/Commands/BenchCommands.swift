import Vapor
import Fluent
import KefuCore

/// `kefu bench insert --count N`: the raw insert rate of the same rows the API writes
/// (order, timeline, audit, number counter), without HTTP — the benchmark's baseline. The rows
/// go to `--company` and `--branch` (defaults: the only company and branch; several is an error).
struct BenchCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["insert": BenchInsertCommand()] }
    var help: String { "Benchmarks" }
}

struct BenchInsertCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "count", help: "Rows to insert (default 5000)") var count: Int?
        @Option(name: "company", help: "Company code (default: the only company)") var company: String?
        @Option(name: "branch", help: "Branch code (default: the company's only branch)") var branch: String?
    }
    var help: String { "Insert work orders directly and print the rate" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await DatabaseSetup.prepare(app)
        let n = signature.count ?? 5000
        let tz = app.kefu.settings.timeZone
        let (companyID, branchID): (UUID, UUID?)
        do {
            (companyID, branchID) = try await UserAdmin(db: app.db, now: Date()).placement(company: signature.company, branch: signature.branch)
        } catch let e as KefuError {
            context.console.error("kefu bench insert: \(e.reason)")
            throw e
        }
        let customer = Customer(name: "基准客户", phone: "13900000000", phone2: nil, idNumberSealed: nil, tier: .normal, address: nil, now: Date())
        customer.companyID = companyID
        customer.branchID = branchID
        try await customer.create(on: app.db)
        let policy = SLAPolicy.defaultPolicy(type: .consultation, priority: .normal)
        let calendar = ServiceCalendar.allDay(timeZone: tz)
        let start = Date()
        for _ in 0..<n {
            let now = app.kefu.clock.now()
            try await app.db.writeTransaction { db in
                let o = WorkOrder()
                o.id = UUID()
                o.companyID = companyID; o.branchID = branchID
                o.number = try await WorkOrderService.nextNumber(db: db, now: now, timeZone: tz)
                o.type = "consultation"; o.channel = "phone"; o.status = "open"; o.priority = "normal"
                o.subject = "压测"; o.description = "压测工单"; o.ownerWorkId = "7001"; o.createdByWorkId = "7001"
                o.$customer.id = customer.id!; o.needsVisit = false
                o.firstResponseDueAt = calendar.adding(seconds: policy.firstResponseSeconds, to: now); o.firstRespondedAt = now
                o.resolutionTargetSeconds = policy.resolutionSeconds; o.calendarKind = policy.calendar.rawValue
                o.pausedSeconds = 0; o.escalationLevel = 0; o.callbackDone = false; o.openSupervisionCount = 0
                o.createdAt = now; o.updatedAt = now
                SLAService.apply(SLATimer(start: now, targetSeconds: policy.resolutionSeconds, calendar: calendar), to: o)
                try await o.insert(on: db)
                try await History(db: db, actorWorkId: "7001", ip: nil, now: now).workOrder(o.id!, kind: "created", summary: "创建咨询工单（电话）")
            }
        }
        let seconds = Date().timeIntervalSince(start)
        context.console.print("raw_insert rows=\(n) seconds=\(String(format: "%.3f", seconds)) rate=\(String(format: "%.1f", Double(n) / seconds))")
    }
}
