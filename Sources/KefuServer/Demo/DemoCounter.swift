import Vapor
import Fluent
import KefuCore

/// The HQ hall (本部营业厅): four services, counter 1 open for 缴费 and 业务办理, and the last
/// hour's tickets — some served, one at the counter, a few waiting, one of them a priority
/// ticket — so the clerk's desk, the kiosk, the display and the report all have something.
struct DemoCounter {
    let app: Application

    func load(companyID: UUID, branchID: UUID) async throws {
        let db = app.db
        let tz = app.kefu.settings.timeZone
        let now = app.kefu.clock.now()
        let tenant = TenantData(scope: .companies([companyID]), db: db)
        let branch = try await tenant.branch(branchID)
        // The last fifty minutes, so the customer at the counter was called a few minutes ago.
        let start = now.addingTimeInterval(-50 * 60)
        func hall(at t: Date, by clerk: String) -> CounterHall {
            CounterHall(tenant: tenant, branch: branch, actor: clerk, now: t, timeZone: tz)
        }
        let setup = hall(at: start, by: "9001")
        for (code, name) in [("A", "业务办理"), ("B", "缴费充值"), ("C", "咨询查询"), ("D", "宽带报装")] {
            try await setup.saveService(code: code, name: name)
        }
        _ = try await hall(at: start, by: "8001").open(counter: "1号窗口", services: ["A", "B"])
        let plan: [(minute: Double, service: String, priority: String)] = [
            (0, "A", "normal"), (3, "B", "normal"), (5, "B", "elderly"), (9, "A", "normal"), (14, "C", "normal"),
            (20, "B", "normal"), (26, "A", "pregnant"), (31, "D", "normal"), (38, "B", "normal"), (45, "A", "normal"),
        ]
        for p in plan {
            _ = try await hall(at: start.addingTimeInterval(p.minute * 60), by: "8001").issue(service: p.service, priority: p.priority)
        }
        // Counter 1 serves six of them, one every eight minutes; the sixth is at the counter now.
        for i in 0..<6 {
            let at = start.addingTimeInterval(Double(4 + i * 8) * 60)
            _ = try await hall(at: at, by: "8001").callNext(counter: "1号窗口")
        }
    }
}
