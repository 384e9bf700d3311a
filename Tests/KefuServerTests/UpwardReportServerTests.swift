import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Reporting upward through HTTP (R9.4): an agent's report to the team lead, passed on to
/// the shift lead and answered; an emergency report skipping the team lead, who is told.
@Suite("Reporting upward (R9.4)")
struct UpwardReportServerTests {
    @Test func levelByLevelAndAnEmergencySkippingOne() async throws {
        try await withKefu { app, _ in
            _ = try await UserAdmin(db: app.db, now: app.kefu.clock.now()).add(
                .init(workId: "2001", name: "班长", role: "team_lead", password: "secret123", department: nil), hasher: app.password.sync, history: nil)
            let agent = try await PageSession.signIn(app, "1001")
            let teamLead = try await PageSession.signIn(app, "2001")
            let shiftLead = try await PageSession.signIn(app, "3001")
            #expect(try await agent.post("/reports-up", ["kind": "leak", "title": "", "text": "x"]).0 == .unprocessableEntity)
            let form = ["kind": "competition", "title": "竞争对手在小区发传单", "text": "城东小区有人冒充我司上门推销。", "_once": "r-1"]
            #expect(try await agent.post("/reports-up", form).0 == .seeOther)
            #expect(try await agent.post("/reports-up", form).0 == .seeOther)
            #expect(try await UpwardReportRecord.query(on: app.db).count() == 1)
            let r = try #require(try await UpwardReportRecord.query(on: app.db).first())
            let id = try r.requireID().uuidString
            #expect(r.level == UpwardReport.Level.teamLead.rawValue)
            // Only the level it is with acts; others of the chain do not even see it yet.
            #expect(try await shiftLead.get("/reports-up/\(id)").0 == .notFound)
            #expect(try await PageSession.signIn(app, "1002").get("/reports-up/\(id)").0 == .notFound)
            #expect(try await agent.post("/reports-up/\(id)/answer", ["note": "自己答复"]).0 == .forbidden)
            #expect(try await teamLead.post("/reports-up/\(id)/pass", ["note": "涉及品牌，报值班长"]).0 == .seeOther)
            #expect(try await teamLead.post("/reports-up/\(id)/answer", ["note": "晚了"]).0 == .forbidden)
            #expect(try await shiftLead.post("/reports-up/\(id)/answer", ["note": "已通知市场部取证"]).0 == .seeOther)
            #expect(try await shiftLead.post("/reports-up/\(id)/answer", ["note": "再答"]).0 == .conflict)
            let page = try await agent.get("/reports-up/\(id)")
            #expect(page.0 == .ok && page.1.contains("已通知市场部取证") && page.1.contains("报值班长"))
            #expect(try await KefuNotification.query(on: app.db).filter(\.$recipientWorkId == "1001").all().contains { $0.message.contains("已通知市场部取证") })
            // An emergency skips the team lead, who is told afterwards and can read it.
            #expect(try await agent.post("/reports-up", ["kind": "safety", "title": "机房冒烟", "text": "三楼机房有烟味。", "emergency": "1"]).0 == .seeOther)
            let urgent = try #require(try await UpwardReportRecord.query(on: app.db).filter(\.$kind == .safety).first())
            #expect(urgent.level == UpwardReport.Level.shiftLead.rawValue && urgent.emergency)
            #expect(try await KefuNotification.query(on: app.db).filter(\.$recipientRole == Role.teamLead.rawValue).all().contains { $0.message.contains("越级上报") })
            #expect(try await teamLead.get("/reports-up/\(try urgent.requireID().uuidString)").0 == .ok)
            #expect(try await teamLead.get("/reports-up").1.contains("机房冒烟"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "upward_report.answered").count() == 1)
        }
    }
}
