import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// The one search box: Chinese substring search over orders and customers, scoped by company
/// and role, phones masked, kept up to date by the database's own change notes.
@Suite("Search")
struct SearchTests {
    func path(_ q: String, kinds: String? = nil, limit: Int? = nil) -> String {
        var p = "/search?q=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q)
        if let kinds { p += "&kinds=\(kinds)" }
        if let limit { p += "&limit=\(limit)" }
        return p
    }

    func group(_ r: JSONResponse, _ kind: String) -> [[String: Any]]? {
        ((r["groups"] as? [[String: Any]]) ?? []).first { $0["kind"] as? String == kind }?["items"] as? [[String: Any]]
    }

    func order(_ app: Application, _ token: String, subject: String, description: String, name: String, phone: String) async throws -> JSONResponse {
        var body = newOrderBody(phone: phone)
        body["subject"] = subject; body["description"] = description
        body["customer"] = ["name": name, "phone": phone]
        let r = try await api(app, .POST, "/work-orders", token: token, body: body)
        #expect(r.status == .created, "\(r.json)")
        return r
    }

    @Test func twoCharactersFindOrdersAndCustomersNewestFirst() async throws {
        try await withKefu { app, u in
            let first = try await order(app, u.agent, subject: "宽带断线", description: "客户反映每天晚上宽带断线", name: "李卫东", phone: "13912345678")
            _ = try await order(app, u.agent, subject: "话费退费", description: "套餐变更后要求退费", name: "张秀英", phone: "13800001111")
            let last = try await order(app, u.agent, subject: "宽带提速", description: "咨询宽带提速资费", name: "王强", phone: "13700002222")

            let r = try await api(app, .GET, path("宽带"), token: u.agent)
            #expect(r.status == .ok, "\(r.json)")
            let orders = try #require(group(r, "orders"))
            #expect(orders.compactMap { $0["id"] as? String } == [last.string("id"), first.string("id")].compactMap { $0 })
            #expect((orders.first?["snippet"] as? [[String: Any]])?.contains { $0["mark"] as? Bool == true && $0["text"] as? String == "宽带" } == true)
            // Traditional characters and two words in any order.
            #expect(group(try await api(app, .GET, path("寬帶"), token: u.agent), "orders")?.count == 2)
            #expect(group(try await api(app, .GET, path("退费 话费"), token: u.agent), "orders")?.count == 1)
            #expect(group(try await api(app, .GET, path("宽带退费"), token: u.agent), "orders")?.isEmpty == true)
            // The order number, whole or in part.
            let number = try #require(first.string("number"))
            let byNumber = try #require(group(try await api(app, .GET, path(number), token: u.agent), "orders"))
            #expect(byNumber.map { $0["number"] as? String } == [number])
            // Any part of a phone; the phone shown masked.
            let customers = try #require(group(try await api(app, .GET, path("2345"), token: u.agent), "customers"))
            #expect(customers.map { $0["title"] as? String } == ["李卫东"])
            #expect(customers.first?["phone"] as? String == Masking.phone("13912345678"))
            #expect(group(try await api(app, .GET, path("秀英"), token: u.agent), "customers")?.count == 1)
            // kinds narrows; limit cuts and says there is more.
            let onlyCustomers = try await api(app, .GET, path("宽带", kinds: "customers"), token: u.agent)
            #expect(group(onlyCustomers, "orders") == nil && group(onlyCustomers, "customers") != nil)
            let one = try await api(app, .GET, path("宽带", limit: 1), token: u.agent)
            #expect(group(one, "orders")?.count == 1)
            #expect(((one["groups"] as? [[String: Any]])?.first?["more"] as? Bool) == true)
        }
    }

    @Test func badQueriesAreRefusedClearly() async throws {
        try await withKefu { app, u in
            #expect(try await api(app, .GET, "/search", token: nil).status == .unauthorized)
            let short = try await api(app, .GET, path("宽"), token: u.agent)
            #expect(short.status == .unprocessableEntity && short.string("error") == "query_too_short")
            #expect(try await api(app, .GET, path("  "), token: u.agent).status == .unprocessableEntity)
            #expect(try await api(app, .GET, "/search?q=", token: u.agent).status == .badRequest)
            #expect(try await api(app, .GET, path(String(repeating: "宽", count: 101)), token: u.agent).status == .unprocessableEntity)
            #expect(try await api(app, .GET, path("宽带", kinds: "orders,tickets"), token: u.agent).string("error") == "unknown_kind")
            #expect(try await api(app, .GET, path("宽带", limit: 0), token: u.agent).status == .badRequest)
            #expect(try await api(app, .GET, path("宽带") + "&limit=abc", token: u.agent).status == .badRequest)
        }
    }

    @Test func eachRoleFindsOnlyWhatItsListsShow() async throws {
        try await withKefu { app, u in
            let sent = try await order(app, u.agent, subject: "光猫故障甲", description: "光猫亮红灯", name: "赵甲", phone: "13911110000")
            _ = try await order(app, u.agent, subject: "光猫故障乙", description: "光猫无信号", name: "钱乙", phone: "13922220000")
            let id = try #require(sent.string("id"))
            let so = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent,
                                   body: ["departmentId": u.departmentID.uuidString, "deadline": iso(testStart.addingTimeInterval(86400)), "note": "请核查"])
            #expect(so.status == .created)
            // The liaison of that department: that order and its customer only.
            let liaison = try await api(app, .GET, path("光猫"), token: u.liaison)
            #expect(group(liaison, "orders")?.compactMap { $0["id"] as? String } == [id])
            #expect(group(try await api(app, .GET, path("赵甲"), token: u.liaison), "customers")?.compactMap { $0["title"] as? String } == ["赵甲"])
            #expect(group(try await api(app, .GET, path("钱乙"), token: u.liaison), "customers")?.isEmpty == true)
            // Another department's liaison: nothing.
            let other = try await api(app, .GET, path("光猫"), token: u.otherLiaison)
            #expect(group(other, "orders")?.isEmpty == true && group(other, "customers")?.isEmpty == true)
            // QC sees no orders or customers at all: the groups are not there.
            let qc = try await api(app, .GET, path("光猫"), token: u.qc)
            #expect(qc.status == .ok && group(qc, "orders") == nil && group(qc, "customers") == nil)
            #expect(group(try await api(app, .GET, path("光猫"), token: u.agent2), "orders")?.count == 2)
        }
    }

    @Test func anotherCompanysRowsAreNeverFound() async throws {
        try await withKefu { app, u in
            _ = try await order(app, u.agent, subject: "甲方电梯困人", description: "电梯困人", name: "孙甲", phone: "13933330000")
            let placed = try await TenantFixture.addCompany(app, code: "BCO", name: "乙公司", branches: [("B1", "乙一部", "4008000001")],
                                                          users: [("b-agent", "agent", nil)])
            _ = try await order(app, try placed.token("b-agent"), subject: "乙方电梯困人", description: "电梯困人", name: "周乙", phone: "13944440000")
            let hq = try await api(app, .GET, path("电梯"), token: u.agent)
            #expect(group(hq, "orders")?.compactMap { $0["title"] as? String } == ["甲方电梯困人"])
            #expect(group(try await api(app, .GET, path("1393333"), token: u.agent), "customers")?.compactMap { $0["title"] as? String } == ["孙甲"])
            let b = try await api(app, .GET, path("电梯"), token: try placed.token("b-agent"))
            #expect(group(b, "orders")?.compactMap { $0["title"] as? String } == ["乙方电梯困人"])
            #expect(group(try await api(app, .GET, path("44440"), token: u.agent), "customers")?.isEmpty == true)
        }
    }

    @Test func changesAndDeletionsReachTheIndex() async throws {
        try await withKefu { app, u in
            let created = try await order(app, u.agent, subject: "水管漏水", description: "厨房水管漏水", name: "吴六", phone: "13955550000")
            let id = try #require(created.string("id"))
            #expect(try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["subject": "暖气不热"]).status == .ok)
            #expect(group(try await api(app, .GET, path("暖气"), token: u.agent), "orders")?.count == 1)
            // The description still says 水管; the subject no longer does.
            let old = try await api(app, .GET, path("水管漏水"), token: u.agent)
            #expect(group(old, "orders")?.count == 1)
            #expect(group(try await api(app, .GET, path("漏水 暖气"), token: u.agent), "orders")?.count == 1)
            // A row gone from the table leaves the index (what retention or an operator may do).
            let customer = try #require(created.string("customerId"))
            try await (try app.db.sql()).raw("DELETE FROM timeline_events WHERE work_order_id IN (SELECT id FROM work_orders WHERE customer_id = \(bind: UUID(uuidString: customer)))").run()
            try await (try app.db.sql()).raw("DELETE FROM work_orders WHERE customer_id = \(bind: UUID(uuidString: customer))").run()
            #expect(group(try await api(app, .GET, path("暖气"), token: u.agent), "orders")?.isEmpty == true)
            // Nothing is left waiting once a search has caught up.
            let pending = try await (try app.db.sql()).raw("SELECT count(*) AS n FROM search_pending").first()?.decode(column: "n", as: Int.self)
            #expect(pending == 0)
        }
    }

    @Test func theHeaderSearchesFromEveryPage() async throws {
        try await withKefu { app, u in
            _ = try await order(app, u.agent, subject: "路由器重启", description: "路由器频繁重启", name: "郑七", phone: "13966660000")
            let page = try await PageSession.signIn(app, "1001")
            let (s1, workspace) = try await page.get("/workspace")
            #expect(s1 == .ok && workspace.contains(#"action="/search""#) && workspace.contains(#"name="q""#))
            let (s2, found) = try await page.get(path("路由"))
            #expect(s2 == .ok)
            #expect(found.contains("<mark>路由</mark>"))
            #expect(found.contains("id=\"search-orders\"") && found.contains("路由器重启"))
            let (s3, short) = try await page.get(path("路"))
            #expect(s3 == .unprocessableEntity && short.contains("至少输入两个"))
            // A QC inspector searches too, and finds no orders.
            let (s4, qc) = try await PageSession.signIn(app, "4001").get(path("路由"))
            #expect(s4 == .ok && !qc.contains("路由器重启"))
        }
    }
}
