import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// The work-order desk kept apart by client company (R11.2) and a branch's own stricter
/// SLA (R11.1): company B's people get 404 for company A's orders, customers, supervision
/// orders and timelines, and empty lists; a branch target tightens only its own orders.
@Suite("Work orders, customers and SLA per company and branch")
struct OrderTenancyTests {
    static let bUsers: [(workId: String, role: String, department: String?)] = [
        ("b1001", "agent", nil), ("b3001", "shift_lead", nil), ("b5001", "liaison", "乙工程组"), ("b9001", "admin", nil),
    ]

    static func addB(_ app: Application) async throws -> TenantFixture.Placed {
        try await TenantFixture.addCompany(app, code: "BCO", name: "乙公司",
                                           branches: [("B1", "乙一部", "4008000001"), ("B2", "乙二部", "4008000002")], users: bUsers)
    }

    func items(_ r: JSONResponse) -> [[String: Any]] { r["items"] as? [[String: Any]] ?? [] }

    @Test func companyBGetsNothingOfCompanyA() async throws {
        try await withKefu { app, u in
            let a = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            #expect(a.status == .created, "\(a.json)")
            #expect(a.string("companyCode") == "HQ")
            #expect(a.string("branchCode") == "MAIN")
            let id = try #require(a.string("id")), number = try #require(a.string("number"))
            let customerID = try #require(a.string("customerId"))
            let so = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent,
                                   body: ["departmentId": u.departmentID.uuidString, "deadline": iso(testStart.addingTimeInterval(3600)), "note": "请查"])
            #expect(so.status == .created, "\(so.json)")
            #expect(so.string("companyCode") == "HQ")
            let soID = try #require(so.string("id"))

            let b = try await Self.addB(app)
            let agent = try b.token("b1001"), lead = try b.token("b3001"), liaison = try b.token("b5001")
            for path in ["/work-orders/\(id)", "/work-orders/\(number)", "/work-orders/\(id)/timeline",
                         "/work-orders/\(id)/supervision-orders", "/customers/\(customerID)"] {
                #expect(try await api(app, .GET, path, token: lead).status == .notFound, "\(path)")
            }
            #expect(try await api(app, .PATCH, "/work-orders/\(id)", token: lead, body: ["subject": "改"]).status == .notFound)
            #expect(try await api(app, .POST, "/work-orders/\(id)/close", token: lead, body: [:]).status == .notFound)
            #expect(try await api(app, .POST, "/supervision-orders/\(soID)/receipt", token: liaison, body: ["text": "已处理"]).status == .notFound)

            // Lists hide A's rows.
            let orders = try await api(app, .GET, "/work-orders", token: lead)
            #expect(orders["total"] as? Int == 0, "\(orders.json)")
            #expect((try await api(app, .GET, "/customers", token: lead))["total"] as? Int == 0)
            #expect(items(try await api(app, .GET, "/supervision-orders", token: lead)).isEmpty)
            let deps = items(try await api(app, .GET, "/departments", token: lead))
            #expect(deps.map { $0["name"] as? String } == ["乙工程组"])
            #expect(deps.first?["companyCode"] as? String == "BCO")
            // A foreign company code is a 404, not an empty list.
            #expect(try await api(app, .GET, "/work-orders?company=HQ", token: lead).status == .notFound)
            #expect(try await api(app, .GET, "/customers?branch=MAIN", token: lead).status == .notFound)

            // The same phone in company B is B's own customer, and not a duplicate of A's order.
            let bo = try await api(app, .POST, "/work-orders", token: agent, body: newOrderBody())
            #expect(bo.status == .created, "\(bo.json)")
            #expect(bo.string("companyCode") == "BCO")
            #expect(bo.string("branchCode") == "B1")
            #expect(bo.string("customerId") != customerID)
            #expect(bo["duplicateOf"] is NSNull)
            // B's order may not go to A's department.
            let bID = try #require(bo.string("id"))
            let cross = try await api(app, .POST, "/work-orders/\(bID)/transfers", token: agent,
                                      body: ["departmentId": u.departmentID.uuidString, "deadline": iso(testStart.addingTimeInterval(3600)), "note": "请查"])
            #expect(cross.status == .unprocessableEntity, "\(cross.json)")
            // Nor be handed over to A's agent.
            let handover = try await api(app, .PATCH, "/work-orders/\(bID)", token: agent, body: ["ownerWorkId": "1002", "handoverReason": "换班"])
            #expect(handover.status == .unprocessableEntity, "\(handover.json)")

            // A sees only its own.
            let aList = try await api(app, .GET, "/work-orders", token: u.agent)
            #expect(items(aList).map { $0["number"] as? String } == [number])
            #expect((try await api(app, .GET, "/work-orders/\(bID)", token: u.shiftLead)).status == .notFound)

            // Pages too.
            let page = try await PageSession.signIn(app, "b3001")
            #expect(try await page.get("/work-orders/\(id)").0 == .notFound)
            #expect(try await page.get("/customers/\(customerID)").0 == .notFound)
            let (listStatus, list) = try await page.get("/work-orders")
            #expect(listStatus == .ok)
            #expect(!list.contains(number))
            #expect(try await page.get("/work-orders?company=HQ").0 == .notFound)
        }
    }

    @Test func branchCodeOnCreate() async throws {
        try await withKefu { app, u in
            let b = try await Self.addB(app)
            let agent = try b.token("b1001")
            var body = newOrderBody()
            body["branchCode"] = "B2"
            let o = try await api(app, .POST, "/work-orders", token: agent, body: body)
            #expect(o.status == .created, "\(o.json)")
            #expect(o.string("branchCode") == "B2")
            // Another company's branch does not exist for B's agent; nor B's for A's.
            body["branchCode"] = "MAIN"
            #expect(try await api(app, .POST, "/work-orders", token: agent, body: body).status == .notFound)
            body["branchCode"] = "B1"
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: body).status == .notFound)
            // Filters by branch inside the company.
            let b2 = try await api(app, .GET, "/work-orders?branch=B2", token: agent)
            #expect(b2["total"] as? Int == 1)
            #expect(try await api(app, .GET, "/work-orders?branch=B1", token: agent)["total"] as? Int == 0)
            let customers = try await api(app, .GET, "/customers?company=BCO", token: agent)
            #expect(items(customers).first?["companyCode"] as? String == "BCO")

            // The page form offers the company's branches, the person's own preselected.
            let page = try await PageSession.signIn(app, "b1001")
            let (_, form) = try await page.get("/work-orders/new")
            #expect(form.contains("name=\"branchCode\""))
            #expect(form.contains("<option value=\"B1\" selected>"))
            #expect(!form.contains("value=\"MAIN\""))
            let once = try #require(IdempotencyTests.onceToken(in: form))
            let (status, _) = try await page.post("/work-orders/new", [
                "_once": once, "branchCode": "B2", "type": "consultation", "channel": "phone", "subject": "页面建单",
                "description": "分公司二", "customerName": "赵六", "customerPhone": "13600136000"])
            #expect(status == .seeOther)
            #expect(try await api(app, .GET, "/work-orders?branch=B2", token: agent)["total"] as? Int == 2)
            // A single-branch center shows no branch choice at all.
            let hq = try await PageSession.signIn(app, "1001")
            #expect(!(try await hq.get("/work-orders/new").1.contains("name=\"branchCode\"")))
        }
    }

    /// A center person granted both companies sees both, with 公司/分公司 columns, and can
    /// narrow the list by company.
    @Test func grantedStaffSeeBothWithCompanyColumns() async throws {
        try await withKefu { app, u in
            let a = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            let b = try await Self.addB(app)
            let bo = try await api(app, .POST, "/work-orders", token: try b.token("b1001"), body: newOrderBody())
            let aNumber = try #require(a.string("number")), bNumber = try #require(bo.string("number"))
            try await TenantFixture.grant(app, workId: "3001", companyCode: "BCO")
            let both = try await api(app, .GET, "/work-orders", token: u.shiftLead)
            #expect(both["total"] as? Int == 2)
            let onlyB = try await api(app, .GET, "/work-orders?company=BCO", token: u.shiftLead)
            #expect(items(onlyB).map { $0["number"] as? String } == [bNumber])
            let page = try await PageSession.signIn(app, "3001")
            let (status, html) = try await page.get("/work-orders")
            #expect(status == .ok)
            #expect(html.contains("<th>公司</th>") && html.contains("乙公司") && html.contains(aNumber) && html.contains(bNumber))
            let (_, filtered) = try await page.get("/work-orders?company=HQ")
            #expect(filtered.contains(aNumber) && !filtered.contains(bNumber))
            // Creating while both companies are in view: the person's own branch, unless named.
            let mine = try await api(app, .POST, "/work-orders", token: u.shiftLead, body: newOrderBody(phone: "13700137000"))
            #expect(mine.string("companyCode") == "HQ", "\(mine.json)")
            var body = newOrderBody(phone: "13700137000")
            body["branchCode"] = "B2"
            let theirs = try await api(app, .POST, "/work-orders", token: u.shiftLead, body: body)
            #expect(theirs.string("companyCode") == "BCO", "\(theirs.json)")
            #expect(theirs.string("customerId") != mine.string("customerId"))
        }
    }

    @Test func aBranchesTighterSLAAppliesToItsOrdersOnly() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let b = try await Self.addB(app)
            let admin = try await PageSession.signIn(app, "b9001")
            let (saved, _) = try await admin.post("/admin/sla/branch", ["company": "BCO", "branch": "B2", "key": "complaint.normal",
                                                                        "firstMinutes": "10", "resolutionHours": "8"])
            #expect(saved == .seeOther)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "sla.branch_update").count() == 1)
            // Looser than the company's 48 h is refused with the reason.
            let (refused, html) = try await admin.post("/admin/sla/branch", ["company": "BCO", "branch": "B1", "key": "complaint.normal",
                                                                             "firstMinutes": "10", "resolutionHours": "100"])
            #expect(refused == .unprocessableEntity)
            #expect(html.contains("分公司只能收紧时限"))
            #expect(try await BranchSLATarget.query(on: app.db).count() == 1)

            let agent = try b.token("b1001")
            var body = newOrderBody()
            body["branchCode"] = "B2"
            let tight = try await api(app, .POST, "/work-orders", token: agent, body: body)
            #expect(tight.string("resolutionDueAt") == iso(testStart.addingTimeInterval(8 * 3600)), "\(tight.json)")
            body["branchCode"] = "B1"
            body["customer"] = ["name": "李四", "phone": "13900139000"]
            let normal = try await api(app, .POST, "/work-orders", token: agent, body: body)
            #expect(normal.string("resolutionDueAt") == iso(testStart.addingTimeInterval(48 * 3600)), "\(normal.json)")
            // Company A is untouched.
            let a = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            #expect(a.string("resolutionDueAt") == iso(testStart.addingTimeInterval(48 * 3600)))

            // The center sees the branch's rule once granted the company; before that it does not exist for it.
            let center = try await PageSession.signIn(app, "9001")
            #expect(!(try await center.get("/admin").1.contains("乙二部")))
            try await TenantFixture.grant(app, workId: "9001", companyCode: "BCO")
            let (_, page) = try await center.get("/admin")
            #expect(page.contains("分公司自定规则"))
            #expect(page.contains("乙二部"))
        }
    }
}
