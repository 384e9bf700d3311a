import Foundation
import Testing
import VaporTesting
import Fluent
import SQLKit
import KefuCore
@testable import KefuServer

/// Period reports through HTTP (R10.1): the figures as the contract names them, who may read
/// them, the drill-down to the orders, CSV; and the daily rollups, kept current by the
/// database's own marks, agreeing exactly with a full recount after every kind of change.
@Suite("Order reports (R10.1)")
struct ReportTests {
    /// Every order's facts read afresh from the orders, summed per group: what the rollups must equal.
    static func recount(_ app: Application, by grouping: OrderReportGrouping) async throws -> [String: OrderTotals] {
        struct Row: Decodable { var id: UUID; var branch_id: UUID? }
        let sql = try app.db.sql()
        let orders = try await sql.select().columns("id", "branch_id").from("work_orders").all(decoding: Row.self)
        let facts = try await ReportRollups.facts(of: orders.map(\.id), sql: sql, timeZone: app.kefu.settings.timeZone)
        let labels = try await TenantData.system(app.db).labels()
        var out: [String: OrderTotals] = [:]
        for (_, _, branch, f) in facts {
            let key: String
            switch grouping {
            case .type: key = f.type
            case .channel: key = f.channel
            case .priority: key = f.priority
            case .day: key = f.day.description
            case .branch: key = branch.map { labels.branchCode($0) } ?? "none"
            case .department: key = f.department?.uuidString.lowercased() ?? "none"
            }
            out[key, default: OrderTotals()] += OrderTotals(f)
        }
        return out
    }

    static func reported(_ app: Application, _ token: String, _ grouping: OrderReportGrouping, from: String, to: String) async throws -> [String: [String: Any]] {
        let r = try await api(app, .GET, "/reports/orders?from=\(from)&to=\(to)&groupBy=\(grouping.rawValue)", token: token)
        #expect(r.status == .ok, "\(r.json)")
        return Dictionary(uniqueKeysWithValues: (r["groups"] as? [[String: Any]] ?? []).compactMap { g in (g["key"] as? String).map { ($0, g) } })
    }

    static func expectAgree(_ app: Application, _ token: String, day: String) async throws {
        for grouping in OrderReportGrouping.allCases {
            let expected = try await recount(app, by: grouping)
            let got = try await reported(app, token, grouping, from: day, to: day)
            #expect(Set(got.keys) == Set(expected.keys), "\(grouping)")
            for (key, t) in expected {
                let g = got[key] ?? [:]
                let pairs: [(String, Int)] = [("count", t.count), ("closed", t.closed), ("firstContactResolved", t.firstContactResolved),
                                             ("slaMet", t.slaMet), ("slaBreached", t.slaBreached), ("escalated", t.escalated),
                                             ("reopened", t.reopened), ("duplicates", t.duplicates)]
                for (field, value) in pairs { #expect(g[field] as? Int == value, "\(grouping) \(key) \(field)") }
            }
        }
    }

    @Test func rollupsAgreeWithARecountAfterEveryKindOfChange() async throws {
        try await withKefu { app, u in
            let today = LocalDay(app.kefu.clock.now(), in: app.kefu.settings.timeZone).description
            // Orders of several types and channels; one a duplicate of another.
            var ids: [String] = []
            for (type, channel, phone) in [("complaint", "phone", "13800138001"), ("complaint", "phone", "13800138001"), ("query", "chat", "13800138002"),
                                           ("consultation", "email", "13800138003"), ("business", "phone", "13800138004")] {
                let created = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: type, channel: channel, phone: phone))
                #expect(created.status == .created)
                ids.append(try #require(created.string("id")))
            }
            try await Self.expectAgree(app, u.shiftLead, day: today)
            // Closed at first contact (resolved, callback, closed).
            _ = try await api(app, .PATCH, "/work-orders/\(ids[2])", token: u.agent, body: ["status": "resolved"])
            _ = try await api(app, .POST, "/work-orders/\(ids[2])/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 5])
            #expect(try await api(app, .POST, "/work-orders/\(ids[2])/close", token: u.agent, body: [:]).status == .ok)
            // Handed to a department, answered, called back, closed: closed but not at first contact.
            let deadline = iso(app.kefu.clock.now().addingTimeInterval(86_400))
            let so = try await api(app, .POST, "/work-orders/\(ids[4])/transfers", token: u.agent,
                                   body: ["departmentId": u.departmentID.uuidString, "deadline": deadline, "note": "请核查线路"])
            let soID = try #require(so.string("id"))
            _ = try await api(app, .POST, "/supervision-orders/\(soID)/receipt", token: u.liaison, body: ["text": "线路已更换"])
            _ = try await api(app, .PATCH, "/work-orders/\(ids[4])", token: u.agent, body: ["status": "resolved"])
            _ = try await api(app, .POST, "/work-orders/\(ids[4])/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 3])
            #expect(try await api(app, .POST, "/work-orders/\(ids[4])/close", token: u.agent, body: [:]).status == .ok)
            // An unhappy callback reopens.
            _ = try await api(app, .PATCH, "/work-orders/\(ids[3])", token: u.agent, body: ["status": "resolved"])
            _ = try await api(app, .POST, "/work-orders/\(ids[3])/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 1])
            try await Self.expectAgree(app, u.shiftLead, day: today)

            let types = try await Self.reported(app, u.shiftLead, .type, from: today, to: today)
            #expect(types["complaint"]?["count"] as? Int == 2 && types["complaint"]?["duplicates"] as? Int == 1)
            #expect(types["query"]?["firstContactResolved"] as? Int == 1 && types["business"]?["closed"] as? Int == 1)
            #expect(types["business"]?["firstContactResolved"] as? Int == 0 && types["consultation"]?["reopened"] as? Int == 1)
            // Each figure leads to its orders: the list narrowed to the facts behind it.
            for (outcome, expected) in [("fcr", 1), ("duplicate", 1), ("reopened", 1), ("escalated", 0)] {
                let listed = try await api(app, .GET, "/work-orders?from=\(today)&to=\(today)&outcome=\(outcome)", token: u.shiftLead)
                #expect(listed["total"] as? Int == expected, "\(outcome)")
            }
            let handed = try await api(app, .GET, "/work-orders?from=\(today)&to=\(today)&department=\(u.departmentID.uuidString)", token: u.shiftLead)
            #expect(handed["total"] as? Int == 1)
            #expect(try await api(app, .GET, "/work-orders?outcome=nobody", token: u.shiftLead).status == .badRequest)
            #expect(try await api(app, .GET, "/work-orders?outcome=", token: u.shiftLead).status == .badRequest)
            let leadPage = try await PageSession.signIn(app, "3001").get("/reports/orders?period=custom&from=\(today)&to=\(today)")
            #expect(leadPage.1.contains("&amp;outcome=fcr"))
            let departments = try await Self.reported(app, u.shiftLead, .department, from: today, to: today)
            #expect(departments[u.departmentID.uuidString.lowercased()]?["label"] as? String == "技术部")
            let all = try await api(app, .GET, "/reports/orders?from=\(today)&to=\(today)", token: u.admin)
            #expect(all["total"] as? Int == 5 && all.string("groupBy") == "type")
            let satisfaction = try #require(all["satisfaction"] as? [String: Any])
            #expect(satisfaction["sampled"] as? Int == 3 && satisfaction["average"] as? Double == 3)

            // A direct write no service path knows about is still marked by the database.
            try await (try app.db.sql()).update("work_orders").set("channel", to: "counter").where("id", .equal, SQLBind(try #require(UUID(uuidString: ids[0])))).run()
            try await Self.expectAgree(app, u.shiftLead, day: today)
            // Nothing is owed once a report has been read.
            struct N: Decodable { var n: Int }
            #expect(try await (try app.db.sql()).select().column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
                .from("report_dirty_orders").first(decoding: N.self)?.n == 0)
        }
    }

    @Test func whoMayReadAndWhatIsRefused() async throws {
        try await withKefu { app, u in
            let today = LocalDay(app.kefu.clock.now(), in: app.kefu.settings.timeZone)
            _ = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(channel: "chat"))
            let q = "from=\(today)&to=\(today)"
            #expect(try await api(app, .GET, "/reports/orders?\(q)", token: u.agent).status == .forbidden)
            #expect(try await api(app, .GET, "/reports/orders?\(q)", token: u.liaison).status == .forbidden)
            #expect(try await api(app, .GET, "/reports/orders?\(q)", token: nil).status == .unauthorized)
            #expect(try await api(app, .GET, "/reports/orders?\(q)", token: u.qc).status == .ok)
            for bad in ["from=\(today)", "from=2026-13-01&to=2026-12-31", "from=2026-12-31&to=2026-12-01", "from=2020-01-01&to=2026-12-31",
                        "\(q)&groupBy=cause"] {
                let r = try await api(app, .GET, "/reports/orders?\(bad)", token: u.shiftLead)
                #expect(r.status == .unprocessableEntity && r.string("error") != nil, "\(bad)")
            }
            // The page, its drill-down to the list, and CSV.
            let lead = try await PageSession.signIn(app, "3001")
            let page = try await lead.get("/reports/orders?period=month&groupBy=channel")
            #expect(page.0 == .ok && page.1.contains("id=\"report-table\"") && page.1.contains("<svg"))
            let month = ReportPeriod.month.range(containing: today)
            #expect(page.1.contains("/work-orders?from=\(month.lowerBound)&amp;to=\(month.upperBound)&amp;channel=chat"))
            let drilled = try await api(app, .GET, "/work-orders?from=\(month.lowerBound)&to=\(month.upperBound)&channel=chat", token: u.shiftLead)
            #expect(drilled["total"] as? Int == 1)
            #expect(try await api(app, .GET, "/work-orders?channel=phone", token: u.shiftLead)["total"] as? Int == 0)
            #expect(try await api(app, .GET, "/work-orders?from=2026-02-30", token: u.shiftLead).status == .badRequest)
            let csv = try await lead.get("/reports/orders.csv?\(q)&groupBy=channel")
            #expect(csv.0 == .ok && csv.1.contains("在线") && csv.1.contains("合计"))
            #expect(try await PageSession.signIn(app, "1001").get("/reports/orders").0 == .forbidden)
            let bad = try await lead.get("/reports/orders?period=custom&from=2026-12-31&to=2026-12-01")
            #expect(bad.0 == .unprocessableEntity && bad.1.contains("结束日期不能早于开始日期"))
        }
    }
}
