import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

@Suite("Deadlines across processes and restarts")
struct MultiProcessTests {
    func sweep(_ app: Application) async throws -> DeadlineSweeper.Outcome {
        try await DeadlineSweeper(db: app.db, now: app.kefu.clock.now(), timeZone: app.kefu.settings.timeZone, logger: app.logger).sweep()
    }

    @Test func twoProcessesFireEachStepOnceAndARestartCatchesUp() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            var ids: [String] = []
            for i in 0..<8 {
                let body = newOrderBody(phone: "1380013\(String(format: "%04d", i))")
                ids.append(try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: body).string("id")))
            }
            let second = try await sibling(of: app, clock: clock)
            clock.advance(by: 49 * 3600)                   // 102 %: levels 1 and 2 due for all 8
            async let a = sweep(app)
            async let b = sweep(second)
            async let c = sweep(app)
            let fired = try await [a, b, c].map(\.escalations).reduce(0, +)
            #expect(fired == 16)
            try await second.asyncShutdown()

            // "Restart": a fresh process on the same database, later in time, fires level 3 once.
            clock.advance(by: 24 * 3600)                   // 152 %
            let restarted = try await sibling(of: app, clock: clock)
            #expect(try await sweep(restarted).escalations == 8)
            #expect(try await sweep(app).escalations == 0)
            try await restarted.asyncShutdown()

            let events = try await TimelineEvent.query(on: app.db).filter(\.$kind == "escalated").all()
            #expect(events.count == 24)
            for id in ids {
                let levels = events.filter { $0.workOrderID.uuidString == id }.compactMap { e -> String? in
                    (try? JSONDecoder().decode([String: [String: String?]].self, from: Data(e.changes.utf8)))?["escalationLevel"]?["to"] ?? nil
                }
                #expect(levels.sorted() == ["1", "2", "3"])
            }
        }
    }

    @Test func orderNumbersStayUniqueUnderConcurrentCreates() async throws {
        try await withKefu { app, u in
            let second = try await sibling(of: app, clock: app.kefu.clock)
            let numbers = try await withThrowingTaskGroup(of: String?.self) { group in
                for i in 0..<20 {
                    let target = i % 2 == 0 ? app : second
                    group.addTask {
                        let r = try await api(target, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "query", phone: "1390000\(String(format: "%04d", i))"))
                        if r.status != .created { print("create failed", r.status, r.json) }
                        return r.string("number")
                    }
                }
                var out: [String] = []
                for try await n in group { if let n { out.append(n) } }
                return out
            }
            try await second.asyncShutdown()
            #expect(numbers.count == 20)
            #expect(Set(numbers).count == 20)
        }
    }
}
