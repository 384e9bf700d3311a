import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// 班组 through HTTP: the admin keeps teams on /admin/teams; a team lead then sees their own
/// team's daily figures (R10.3) and nobody else's, the shift lead everyone's by team.
@Suite("Teams and the team lead's daily figures (R10.3)")
struct TeamTests {
    @Test func adminKeepsTeamsAndEachLeadSeesTheirOwn() async throws {
        try await withKefu { app, u in
            let admin = UserAdmin(db: app.db, now: app.kefu.clock.now())
            for (id, role) in [("2001", "team_lead"), ("2002", "team_lead"), ("1003", "agent")] {
                _ = try await admin.add(.init(workId: id, name: "测试\(id)", role: role, password: "secret123", department: nil),
                                        hasher: app.password.sync, history: nil)
            }
            func teamOf(_ workId: String) async throws -> UUID? {
                try await User.query(on: app.db).filter(\.$workId == workId).first()?.teamID
            }
            let page = try await PageSession.signIn(app, "9001")
            #expect(try await page.post("/admin/teams", ["name": "一组", "lead": "2001"]).0 == .seeOther)
            // Sent twice: one team, and the second says why.
            let again = try await page.post("/admin/teams", ["name": "一组", "lead": "2001"])
            #expect(again.0 == .conflict && again.1.contains("已有名为"))
            #expect(try await Team.query(on: app.db).count() == 1)
            // Bad input is refused with the reason and stores nothing.
            let blank = try await page.post("/admin/teams", ["name": "  ", "lead": ""])
            #expect(blank.0 == .unprocessableEntity && blank.1.contains("班组名称"))
            #expect(try await page.post("/admin/teams", ["name": "二组", "lead": "1001"]).1.contains("须由话务班长带领"))
            #expect(try await page.post("/admin/teams", ["name": "二组", "lead": "8888"]).0 == .unprocessableEntity)
            #expect(try await Team.query(on: app.db).count() == 1)
            let first = try #require(try await Team.query(on: app.db).first()?.id)

            // Members: a shift lead is no member (nothing stored); agents join once however often sent.
            let wrong = try await page.post("/admin/teams/\(first)/members", ["members": "1001, 3001"])
            #expect(wrong.0 == .unprocessableEntity && wrong.1.contains("3001"))
            #expect(try await teamOf("1001") == nil)
            #expect(try await page.post("/admin/teams/\(first)/members", ["members": "1001，1002"]).0 == .seeOther)
            #expect(try await page.post("/admin/teams/\(first)/members", ["members": "1001"]).0 == .seeOther)
            #expect(try await User.query(on: app.db).filter(\.$teamID == first).count() == 2)
            let listed = try await page.get("/admin/teams")
            #expect(listed.0 == .ok && listed.1.contains("一组") && listed.1.contains("id=\"unassigned\"") && listed.1.contains("1003 测试1003"))

            // The team lead: their members, not others; the page shows the team and its total.
            let lead = try await TestUsers.login(app, "2001")
            #expect(try await api(app, .GET, "/reports/agents/1002/daily", token: lead).status == .ok)
            let refused = try await api(app, .GET, "/reports/agents/1003/daily", token: lead)
            #expect(refused.status == .forbidden && refused.string("reason")?.contains("本组") == true)
            let leadPage = try await PageSession.signIn(app, "2001").get("/reports/agents")
            #expect(leadPage.1.contains("本组（一组）") && leadPage.1.contains("data-work-id=\"1002\"") && leadPage.1.contains("id=\"team-total\""))
            #expect(!leadPage.1.contains("data-work-id=\"1003\""))
            // A team lead who leads no team sees their own day and is told why.
            let other = try await PageSession.signIn(app, "2002").get("/reports/agents")
            #expect(other.1.contains("id=\"no-team\"") && !other.1.contains("id=\"team-table\""))
            #expect(try await api(app, .GET, "/reports/agents/1001/daily", token: try await TestUsers.login(app, "2002")).status == .forbidden)

            // Adding someone to another team moves them.
            #expect(try await page.post("/admin/teams", ["name": "二组", "lead": "2002"]).0 == .seeOther)
            let second = try #require(try await Team.query(on: app.db).filter(\.$name == "二组").first()?.id)
            #expect(try await page.post("/admin/teams/\(second)/members", ["members": "1002"]).0 == .seeOther)
            #expect(try await teamOf("1002") == second)

            // The shift lead sees the whole floor, one team at a time if asked.
            let shift = try await PageSession.signIn(app, "3001")
            let two = try await shift.get("/reports/agents?team=\(second)")
            #expect(two.1.contains("data-work-id=\"1002\"") && !two.1.contains("data-work-id=\"1001\"") && two.1.contains("<th>班组</th>"))
            #expect(try await shift.get("/reports/agents?team=none").1.contains("data-work-id=\"1003\""))
            #expect(try await shift.get("/reports/agents?team=nonsense").0 == .badRequest)
            #expect(try await api(app, .GET, "/reports/agents/1003/daily", token: u.shiftLead).status == .ok)

            // Take out, rename, remove; each audited.
            #expect(try await page.post("/admin/teams/\(first)/members/1001/remove", [:]).0 == .seeOther)
            #expect(try await page.post("/admin/teams/\(first)/members/1001/remove", [:]).0 == .notFound)
            #expect(try await page.post("/admin/teams/\(first)", ["name": "甲组", "lead": ""]).0 == .seeOther)
            let renamed = try await Team.find(first, on: app.db)
            #expect(renamed?.name == "甲组" && renamed?.leadID == nil)
            #expect(try await page.post("/admin/teams/\(second)/delete", [:]).0 == .seeOther)
            #expect(try await teamOf("1002") == nil)
            #expect(try await Team.find(second, on: app.db) == nil)
            #expect(try await page.post("/admin/teams/\(UUID())/delete", [:]).0 == .notFound)
            let actions = Set(try await AuditEvent.query(on: app.db).filter(\.$objectType == "team").all().map(\.action))
            #expect(actions == ["team.created", "team.member_added", "team.member_removed", "team.updated", "team.deleted"])

            // Only the admin keeps teams.
            for who in ["1001", "2001", "3001"] {
                let s = try await PageSession.signIn(app, who)
                #expect(try await s.get("/admin/teams").0 == .forbidden, "\(who)")
                #expect(try await s.post("/admin/teams", ["name": "私组"]).0 == .forbidden, "\(who)")
            }
        }
    }
}
