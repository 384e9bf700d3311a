import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// The hall's queue (R3.6) through HTTP: tickets by service, priority for the elderly,
/// disabled and pregnant, transfers, recalls, the wait a customer is told, the pages of the
/// counter, the kiosk and the display, and who is refused.
@Suite("Counter queue tickets (R3.6)")
struct CounterTests {
    static func addClerk(_ app: Application, _ workId: String = "8001") async throws -> String {
        _ = try await UserAdmin(db: app.db, now: app.kefu.clock.now())
            .add(.init(workId: workId, name: "营业员\(workId)", role: "counter_clerk", password: "secret123", department: nil),
                 hasher: app.password.sync, history: nil)
        return try await TestUsers.login(app, workId)
    }

    static func services(_ app: Application) async throws {
        let admin = try await PageSession.signIn(app, "9001")
        #expect(try await admin.post("/counter/services", ["code": "A", "name": "业务办理"]).0 == .seeOther)
        #expect(try await admin.post("/counter/services", ["code": "b", "name": "缴费充值"]).0 == .seeOther)
    }

    @Test func priorityFirstTransfersRecallsAndTheWaitTold() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let clerk = try await Self.addClerk(app)
            let admin = try await PageSession.signIn(app, "9001")
            try await Self.services(app)
            // The same code again renames; a bad code or a blank name stores nothing.
            #expect(try await admin.post("/counter/services", ["code": "B", "name": "缴费"]).0 == .seeOther)
            let bad = try await admin.post("/counter/services", ["code": "O", "name": " "])
            #expect(bad.0 == .unprocessableEntity && bad.1.contains("业务代码") && bad.1.contains("业务名称"))
            #expect(try await CounterService.query(on: app.db).count() == 2)

            func issue(_ service: String, _ priority: String = "normal") async throws -> JSONResponse {
                try await api(app, .POST, "/counter/tickets", token: clerk, body: ["service": service, "priority": priority])
            }
            let a1 = try await issue("A")
            #expect(a1.status == .created && a1.string("number") == "A001" && a1["ahead"] as? Int == 0)
            clock.advance(by: 60)
            #expect(try await issue("缴费").string("number") == "B001")
            clock.advance(by: 60)
            let elderly = try await issue("A", "elderly")
            #expect(elderly.string("number") == "A002" && elderly["ahead"] as? Int == 0)

            // Bad input: a clear 422 and nothing stored.
            #expect(try await issue("Z").status == .unprocessableEntity)
            #expect(try await issue("A", "vip").status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/counter/tickets", token: clerk, body: [:]).status == .unprocessableEntity)
            #expect(try await api(app, .POST, "/counter/call-next", token: clerk, body: ["counter": "  "]).status == .unprocessableEntity)
            #expect(try await CounterTicket.query(on: app.db).count() == 3)

            // The elderly customer is called first, then order of arrival.
            let first = try await api(app, .POST, "/counter/call-next", token: clerk, body: ["counter": "1"])
            #expect(first.status == .ok && first.string("number") == "A002" && first.string("counter") == "1" && first.string("status") == "called")
            clock.advance(by: 360)
            let second = try await api(app, .POST, "/counter/call-next", token: clerk, body: ["counter": "1"])
            #expect(second.string("number") == "A001")
            let done = try await CounterTicket.query(on: app.db).filter(\.$number == "A002").first()
            #expect(done?.status == .served)

            // Told the wait: one ahead at the 6 minutes A002 took, one counter.
            #expect(try await issue("A").string("number") == "A003")
            let told = try await issue("A")
            #expect(told["ahead"] as? Int == 1 && told["expectedWaitMinutes"] as? Int == 6)

            // Recall at most three times; then only 过号.
            let a001 = try #require(second.string("id"))
            for n in 1...3 { #expect(try await api(app, .POST, "/counter/tickets/\(a001)/recall", token: clerk)["recalls"] as? Int == n) }
            let tooMany = try await api(app, .POST, "/counter/tickets/\(a001)/recall", token: clerk)
            #expect(tooMany.status == .conflict && tooMany.string("error") == "too_many_recalls")

            // Transfer to counter 2: counter 1 no longer gets it, counter 2 calls it first.
            #expect(try await api(app, .POST, "/counter/tickets/\(a001)/transfer", token: clerk, body: ["toCounter": "1"]).status == .unprocessableEntity)
            let sent = try await api(app, .POST, "/counter/tickets/\(a001)/transfer", token: clerk, body: ["toCounter": "2"])
            #expect(sent.status == .ok && sent.string("status") == "waiting" && sent.string("forCounter") == "2")
            #expect(try await api(app, .POST, "/counter/call-next", token: clerk, body: ["counter": "1"]).string("number") == "B001")
            let atTwo = try await api(app, .POST, "/counter/call-next", token: clerk, body: ["counter": "2"])
            #expect(atTwo.string("number") == "A001" && atTwo["recalls"] as? Int == 0)

            // Only a called ticket can be finished; an unknown one does not exist.
            let a003 = try #require(try await CounterTicket.query(on: app.db).filter(\.$number == "A003").first()?.id)
            let early = try await api(app, .POST, "/counter/tickets/\(a003)/served", token: clerk)
            #expect(early.status == .conflict && early.string("error") == "ticket_not_called")
            #expect(try await api(app, .POST, "/counter/tickets/\(UUID())/served", token: clerk).status == .notFound)
            #expect(try await api(app, .POST, "/counter/tickets/\(a001)/absent", token: clerk).string("status") == "absent")

            // Everyone called: 204.
            var statuses: [HTTPStatus] = []
            for _ in 0..<4 { statuses.append(try await api(app, .POST, "/counter/call-next", token: clerk, body: ["counter": "1"]).status) }
            #expect(statuses == [.ok, .ok, .noContent, .noContent])
            let queue = try await api(app, .GET, "/counter/queue", token: clerk)
            #expect(queue.status == .ok && (queue["services"] as? [[String: Any]])?.count == 2)

            // Roles: front-line agents and liaisons take no tickets; the clerk reads no report.
            #expect(try await api(app, .POST, "/counter/tickets", token: u.agent, body: ["service": "A"]).status == .forbidden)
            #expect(try await api(app, .POST, "/counter/call-next", token: u.liaison, body: ["counter": "1"]).status == .forbidden)
            let day = LocalDay(clock.now(), in: app.kefu.settings.timeZone).description
            #expect(try await api(app, .GET, "/counter/report?from=\(day)&to=\(day)", token: clerk).status == .forbidden)
            let report = try await api(app, .GET, "/counter/report?from=\(day)&to=\(day)", token: u.shiftLead)
            let total = try #require(report["total"] as? [String: Any])
            #expect(report.status == .ok && total["issued"] as? Int == 5 && total["priority"] as? Int == 1 && total["absent"] as? Int == 1)
            #expect(try await api(app, .GET, "/counter/report?from=\(day)&to=2000-01-01", token: u.shiftLead).status == .unprocessableEntity)

            // The next morning: yesterday's customer still waiting is not called, the counter
            // left open is closed, and numbers start again at 001.
            #expect(try await issue("B").string("number") == "B002")
            _ = try await api(app, .POST, "/counter/tickets", token: clerk, body: ["service": "A"])
            clock.advance(by: 86_400)
            #expect(try await api(app, .POST, "/counter/call-next", token: clerk, body: ["counter": "1"]).status == .noContent)
            let morning = try await api(app, .GET, "/counter/queue", token: clerk)
            #expect((morning["services"] as? [[String: Any]])?.allSatisfy { $0["waiting"] as? Int == 0 } == true)
            #expect(try await issue("B").string("number") == "B001")
        }
    }

    @Test func theDeskTheKioskAndTheDisplay() async throws {
        try await withKefu { app, u in
            _ = try await Self.addClerk(app)
            try await Self.services(app)
            let desk = try await PageSession.signIn(app, "8001")
            #expect(try await desk.get("/counter").1.contains("开启窗口"))
            let opened = try await desk.post("/counter/open", ["counter": "3号窗口", "services[]": "A"])
            #expect(opened.0 == .seeOther)
            let page = try await desk.get("/counter")
            #expect(page.0 == .ok && page.1.contains("3号窗口") && page.1.contains("办理：业务办理"))

            // The kiosk: a pregnant customer's ticket; the form sent twice makes one ticket.
            let kiosk = try await desk.get("/counter/kiosk")
            #expect(kiosk.0 == .ok && kiosk.1.contains("kiosk-A") && kiosk.1.contains("孕妇"))
            let form = ["service": "A", "priority": "pregnant", "_once": "kiosk-once-1"]
            let took = try await desk.post("/counter/kiosk", form)
            let again = try await desk.post("/counter/kiosk", form)
            #expect(took.0 == .seeOther && again.0 == .seeOther)
            #expect(try await CounterTicket.query(on: app.db).count() == 1)
            let ticket = try #require(try await CounterTicket.query(on: app.db).first())
            let shown = try await desk.get("/counter/tickets/\(try ticket.requireID())")
            #expect(shown.1.contains("A001") && shown.1.contains("孕妇优先") && shown.1.contains("您前面还有"), "\(shown)")
            #expect(try await desk.post("/counter/kiosk", ["service": "Q"]).1.contains("没有业务"))

            // Call it from the desk; the display shows and says it.
            #expect(try await desk.post("/counter/call-next", ["counter": "3号窗口", "_once": "call-1"]).0 == .seeOther)
            #expect(try await desk.post("/counter/call-next", ["counter": "3号窗口", "_once": "call-1"]).0 == .seeOther)
            #expect(try await CounterTicket.query(on: app.db).first()?.status == .called)
            #expect(try await desk.get("/counter").1.contains("id=\"counter-current\""))
            let display = try await desk.get("/counter/display.json")
            #expect(display.1.contains("A001") && display.1.contains("请 A001 号到 3号窗口 办理"))
            #expect(try await desk.get("/counter/display").1.contains("hall-calls"))
            #expect(try await desk.post("/counter/tickets/\(try ticket.requireID())/act", ["action": "served"]).0 == .seeOther)
            #expect(try await CounterTicket.query(on: app.db).first()?.status == .served)
            #expect(try await desk.post("/counter/close", ["counter": "3号窗口"]).0 == .seeOther)
            #expect(try await CounterWindow.query(on: app.db).count() == 0)

            // Agents have no hall pages; only the admin sets services; the leads read the report.
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/counter").0 == .forbidden)
            #expect(try await desk.get("/counter/services").0 == .forbidden)
            let lead = try await PageSession.signIn(app, "3001")
            let report = try await lead.get("/reports/counter")
            #expect(report.0 == .ok && report.1.contains("业务办理") && report.1.contains("<svg"))
            #expect(try await lead.get("/reports/counter?from=bad").0 == .unprocessableEntity)
            _ = u
        }
    }

    @Test func twoCountersCallingAtOnceNeverGetTheSameCustomer() async throws {
        try await withKefu { app, _ in
            let clerk = try await Self.addClerk(app)
            try await Self.services(app)
            for _ in 0..<8 { _ = try await api(app, .POST, "/counter/tickets", token: clerk, body: ["service": "A"]) }
            let called = try await withThrowingTaskGroup(of: [String].self) { group in
                for counter in ["1", "2"] {
                    group.addTask {
                        var mine: [String] = []
                        for _ in 0..<6 {
                            let r = try await api(app, .POST, "/counter/call-next", token: clerk, body: ["counter": counter])
                            if let n = r.string("number") { mine.append(n) }
                        }
                        return mine
                    }
                }
                var all: [String] = []
                for try await part in group { all += part }
                return all
            }
            #expect(called.count == 8 && Set(called).count == 8)
        }
    }
}
