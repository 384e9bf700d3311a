import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// README "Who sees what": every role against every order, supervision and customer route,
/// API and page, by id and as a list. Expectations come from KefuCore (Permission for the
/// route gate, OrderVisibility for the rows), so the table, the rule and the server agree.
@Suite("Who sees what")
struct WhoSeesWhatTests {
    /// One person per role; the liaisons of 技术部 (5001) and 财务部 (5002) come from TestUsers.
    static let people: [(workId: String, role: Role)] = [
        ("1001", .agent), ("6101", .vipAgent), ("6102", .outboundAgent), ("6103", .teamLead), ("3001", .shiftLead),
        ("4001", .qcInspector), ("6104", .knowledgeEditor), ("6105", .complaintHandler), ("5001", .liaison),
        ("5002", .liaison), ("6106", .planner), ("6108", .counterClerk), ("6109", .technician), ("9001", .admin),
    ]

    struct Order { var id: String; var number: String; var customerId: String; var departments: Set<UUID>; var closed: Bool }

    @Test func everyRoleAgainstEveryOrderAndCustomerRoute() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let admin = UserAdmin(db: app.db, now: clock.now())
            for p in Self.people where !["1001", "3001", "4001", "5001", "5002", "9001"].contains(p.workId) {
                _ = try await admin.add(.init(workId: p.workId, name: "角色\(p.workId)", role: p.role.rawValue, password: "secret123", department: nil),
                                        hasher: app.password.sync, history: nil)
            }
            let deadline = iso(testStart.addingTimeInterval(86400))
            func order(_ phone: String, to departments: [UUID]) async throws -> Order {
                let o = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "query", phone: phone))
                let id = try #require(o.string("id"))
                for d in departments {
                    let so = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent,
                                           body: ["departmentId": d.uuidString, "deadline": deadline, "note": "请\(d == u.departmentID ? "技术部" : "财务部")核查"])
                    #expect(so.status == .created)
                }
                return Order(id: id, number: try #require(o.string("number")), customerId: try #require(o.string("customerId")),
                             departments: Set(departments), closed: false)
            }
            // A: sent to 技术部; B: sent nowhere; C: sent to 技术部, answered, called back and closed;
            // D: sent to both departments, each must see only its own supervision order.
            let a = try await order("13800000001", to: [u.departmentID])
            let b = try await order("13800000002", to: [])
            var c = try await order("13800000003", to: [u.departmentID])
            let d = try await order("13800000004", to: [u.departmentID, u.otherDepartmentID])
            let cSO = try #require(try await api(app, .GET, "/work-orders/\(c.id)/supervision-orders", token: u.agent)["items"] as? [[String: Any]])
            let cSOID = try #require(cSO.first?["id"] as? String)
            #expect(try await api(app, .POST, "/supervision-orders/\(cSOID)/receipt", token: u.liaison, body: ["text": "已修复"]).status == .ok)
            clock.advance(by: 60)
            #expect(try await api(app, .POST, "/work-orders/\(c.id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 5]).status == .created)
            #expect(try await api(app, .POST, "/work-orders/\(c.id)/close", token: u.agent, body: [:]).status == .ok)
            c.closed = true
            let orders = [a, b, c, d]

            let departmentOf = ["5001": u.departmentID, "5002": u.otherDepartmentID]
            for person in Self.people {
                let label = "\(person.workId) \(person.role.rawValue)"
                let token = try await TestUsers.login(app, person.workId)
                let page = try await PageSession.signIn(app, person.workId)
                let scope = OrderVisibility.of(role: person.role, departmentID: departmentOf[person.workId])
                let mayRead = Permission.workOrderRead.isGranted(to: person.role)
                func visible(_ o: Order) -> Bool { scope.includes(status: o.closed ? .closed : .transferred, supervisedBy: o.departments) }

                // Orders: the list shows exactly the visible ones; by id (UUID or number), its
                // timeline and supervision orders answer 200 or 404, pages alike.
                let list = try await api(app, .GET, "/work-orders?limit=200", token: token)
                #expect(list.status == (mayRead ? .ok : .forbidden), "\(label) list")
                if mayRead {
                    let listed = Set((list["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() })
                    #expect(listed == Set(orders.filter(visible).map { $0.id.lowercased() }), "\(label) list")
                }
                #expect(try await page.get("/work-orders").0 == (mayRead ? .ok : .forbidden), "\(label) list page")
                for o in orders {
                    let expected: HTTPStatus = !mayRead ? .forbidden : visible(o) ? .ok : .notFound
                    #expect(try await api(app, .GET, "/work-orders/\(o.id)", token: token).status == expected, "\(label) \(o.number)")
                    #expect(try await api(app, .GET, "/work-orders/\(o.number)", token: token).status == expected, "\(label) \(o.number) by number")
                    let timeline = try await api(app, .GET, "/work-orders/\(o.id)/timeline", token: token)
                    #expect(timeline.status == expected, "\(label) \(o.number) timeline")
                    for kind in (timeline["items"] as? [[String: Any]] ?? []).compactMap({ $0["kind"] as? String }) {
                        #expect(scope.showsTimelineEvent(kind: kind), "\(label) \(o.number) sees timeline \(kind)")
                    }
                    let sup = try await api(app, .GET, "/work-orders/\(o.id)/supervision-orders", token: token)
                    #expect(sup.status == expected, "\(label) \(o.number) supervision orders")
                    let shown = Set((sup["items"] as? [[String: Any]] ?? []).compactMap { ($0["departmentId"] as? String).flatMap(UUID.init(uuidString:)) })
                    if expected == .ok { #expect(shown == o.departments.filter(scope.includesSupervision(to:)), "\(label) \(o.number) supervision orders") }
                    let (status, html) = try await page.get("/work-orders/\(o.id)")
                    #expect(status == expected, "\(label) \(o.number) page")
                    if person.workId == "5001", o.id == d.id {
                        #expect(html.contains("请技术部核查") && !html.contains("请财务部核查"), "the page shows only 技术部's note")
                    }
                    // Writing is a front-line matter; refused before the scope is asked.
                    let write = try await api(app, .PATCH, "/work-orders/\(o.id)", token: token, body: ["subject": "改"])
                    if !Permission.workOrderWrite.isGranted(to: person.role) { #expect(write.status == .forbidden, "\(label) \(o.number) patch") }
                }

                // Supervision orders: the list holds only the department's own.
                let sos = try await api(app, .GET, "/supervision-orders", token: token)
                #expect(sos.status == (Permission.supervisionRead.isGranted(to: person.role) ? .ok : .forbidden), "\(label) supervision list")
                for item in sos["items"] as? [[String: Any]] ?? [] {
                    let dep = try #require((item["departmentId"] as? String).flatMap(UUID.init(uuidString:)))
                    #expect(scope.includesSupervision(to: dep), "\(label) supervision list")
                }
                #expect(try await page.get("/supervision").0 == (Permission.receiptWrite.isGranted(to: person.role) ? .ok : .forbidden), "\(label) /supervision")

                // Customers: lists mask, a single archive is full and registered; a liaison
                // reaches only the customers of the orders they see.
                let mayCustomers = Permission.customerRead.isGranted(to: person.role)
                let customers = try await api(app, .GET, "/customers?limit=200", token: token)
                #expect(customers.status == (mayCustomers ? .ok : .forbidden), "\(label) customers")
                let listedCustomers = Set((customers["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() })
                for item in customers["items"] as? [[String: Any]] ?? [] {
                    #expect((item["phone"] as? String)?.contains("****") == true, "\(label) list masks \(item["phone"] ?? "")")
                }
                #expect(try await page.get("/customers").0 == (mayCustomers ? .ok : .forbidden), "\(label) customers page")
                for o in orders {
                    let expected: HTTPStatus = !mayCustomers ? .forbidden : visible(o) ? .ok : .notFound
                    if mayCustomers { #expect(listedCustomers.contains(o.customerId.lowercased()) == visible(o), "\(label) customer list \(o.number)") }
                    let before = try await CustomerAccessLog.query(on: app.db).filter(\.$actorWorkId == person.workId).count()
                    let one = try await api(app, .GET, "/customers/\(o.customerId)", token: token)
                    #expect(one.status == expected, "\(label) customer of \(o.number)")
                    let (pageStatus, html) = try await page.get("/customers/\(o.customerId)")
                    #expect(pageStatus == expected, "\(label) customer page of \(o.number)")
                    let after = try await CustomerAccessLog.query(on: app.db).filter(\.$actorWorkId == person.workId).count()
                    #expect(after - before == (expected == .ok ? 2 : 0), "\(label) registered reads of \(o.number)")
                    if expected == .ok {
                        #expect(one.string("phone")?.hasPrefix("1380000000") == true, "\(label) full number in the single read")
                        #expect(html.contains("为该客户新建工单") == Permission.workOrderWrite.isGranted(to: person.role), "\(label) new-order link")
                    }
                }
            }
        }
    }

    @Test func aLiaisonFollowsAnOrderOnlyUntilItCloses() async throws {
        let clock = ManualClock(testStart)
        try await withKefu(clock: clock) { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "query")).string("id"))
            #expect(try await api(app, .GET, "/work-orders/\(id)", token: u.liaison).status == .notFound)
            let so = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent,
                                   body: ["departmentId": u.departmentID.uuidString, "deadline": iso(testStart.addingTimeInterval(86400)), "note": "请核查"])
            let soID = try #require(so.string("id"))
            #expect(try await api(app, .GET, "/work-orders/\(id)", token: u.liaison).status == .ok)
            // Another department's liaison can neither read nor answer it; the answer is "not found".
            #expect(try await api(app, .GET, "/work-orders/\(id)", token: u.otherLiaison).status == .notFound)
            #expect(try await api(app, .POST, "/supervision-orders/\(soID)/receipt", token: u.otherLiaison, body: ["text": "x"]).status == .notFound)
            #expect(try await api(app, .POST, "/supervision-orders/\(soID)/receipt", token: u.liaison, body: ["text": "已处理"]).status == .ok)
            // Answered, not closed: still readable, so the department can follow up.
            #expect(try await api(app, .GET, "/work-orders/\(id)", token: u.liaison).status == .ok)
            let timeline = try await api(app, .GET, "/work-orders/\(id)/timeline", token: u.liaison)
            let kinds = (timeline["items"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(!kinds.contains("transferred") && !kinds.contains("receipt") && kinds.contains("created"))
            clock.advance(by: 60)
            _ = try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 4])
            #expect(try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:]).status == .ok)
            #expect(try await api(app, .GET, "/work-orders/\(id)", token: u.liaison).status == .notFound)
            // The liaison's own page still lists the receipt, without a link to the closed order.
            let page = try await PageSession.signIn(app, "5001")
            let (status, html) = try await page.get("/supervision")
            #expect(status == .ok)
            #expect(html.contains("已处理") && !html.contains("/work-orders/\(id)"))
        }
    }

    @Test func linksShowOnlyWhatTheRoleMayOpen() async throws {
        try await withKefu { app, _ in
            let admin = UserAdmin(db: app.db, now: app.kefu.clock.now())
            for (id, role) in [("6103", "team_lead"), ("6106", "planner")] {
                _ = try await admin.add(.init(workId: id, name: "角色\(id)", role: role, password: "secret123", department: nil),
                                        hasher: app.password.sync, history: nil)
            }
            let planner = try await PageSession.signIn(app, "6106")
            let hub = try await planner.get("/workforce")
            #expect(hub.0 == .ok)
            #expect(!hub.1.contains("href=\"/workforce/swaps\""))
            #expect(try await planner.get("/workforce/swaps").0 == .forbidden)
            let lead = try await PageSession.signIn(app, "6103")
            let queue = try await lead.get("/qa")
            #expect(queue.0 == .ok)
            #expect(!queue.1.contains("href=\"/qa/lexicon\""))
            #expect(try await lead.get("/workforce").1.contains("href=\"/workforce/swaps\""))
        }
    }
}
