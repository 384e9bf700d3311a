import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer

/// A browser-like session: signs in through the login form (cookie + CSRF token).
struct PageSession {
    let app: Application
    var cookie = ""
    var csrf = ""

    static func signIn(_ app: Application, _ workId: String) async throws -> PageSession {
        var s = PageSession(app: app)
        try await app.testing().test(.GET, "/login", afterResponse: { res in
            s.cookie = res.headers.setCookie?["kefu_session"]?.string ?? ""
            s.csrf = Self.csrf(in: res.body.string)
        })
        try await app.testing().test(.POST, "/login", beforeRequest: { req in
            req.headers.cookie = ["kefu_session": .init(string: s.cookie)]
            try req.content.encode(["workId": workId, "password": "secret123", "_csrf": s.csrf], as: .urlEncodedForm)
        }, afterResponse: { res in
            #expect(res.status == .seeOther)
            if let c = res.headers.setCookie?["kefu_session"]?.string { s.cookie = c }
        })
        return s
    }

    static func csrf(in html: String) -> String {
        guard let r = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else { return "" }
        return String(html[r].split(separator: "\"")[3])
    }

    func get(_ path: String) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.internalServerError, "")
        try await app.testing().test(.GET, path, beforeRequest: { req in
            req.headers.cookie = ["kefu_session": .init(string: cookie)]
        }, afterResponse: { res in out = (res.status, res.body.string) })
        return out
    }

    func post(_ path: String, _ form: [String: String]) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.internalServerError, "")
        var body = form
        body["_csrf"] = csrf
        try await app.testing().test(.POST, path, beforeRequest: { req in
            req.headers.cookie = ["kefu_session": .init(string: cookie)]
            try req.content.encode(body, as: .urlEncodedForm)
        }, afterResponse: { res in out = (res.status, res.body.string) })
        return out
    }
}

@Suite("Pages")
struct PageTests {
    /// Vapor's Leaf switches the shared template cache off at every render outside
    /// `--env production`; Kefu's stays on, so a page never re-reads and re-parses its
    /// templates (PinnedLeafCache).
    @Test func templatesStayCachedOutsideProduction() async throws {
        try await withKefu { app, _ in
            app.environment = .development
            for _ in 0..<2 {
                try await app.testing().test(.GET, "/login") { res in #expect(res.status == .ok) }
            }
            #expect(app.leaf.cache.isEnabled)
            #expect(app.leaf.cache.count > 0)
        }
    }

    @Test func everyRolePageRenders() async throws {
        try await withKefu { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            for (workId, paths) in [("1001", ["/workspace", "/work-orders", "/work-orders/new", "/work-orders/\(id)", "/customers"]),
                                    ("5001", ["/supervision"]),   // no supervision order to 技术部: the order is not theirs (WhoSeesWhatTests)
                                    ("3001", ["/shift", "/work-orders/\(id)"]),
                                    ("9001", ["/admin"])] {
                let s = try await PageSession.signIn(app, workId)
                for path in paths {
                    let (status, html) = try await s.get(path)
                    #expect(status == .ok, "\(workId) \(path)")
                    #expect(html.contains("</html>"), "\(workId) \(path)")
                }
            }
            // Pages a role may not open answer 403 with the reason in Chinese.
            let liaison = try await PageSession.signIn(app, "5001")
            let (status, html) = try await liaison.get("/admin")
            #expect(status == .forbidden)
            #expect(html.contains("无权"))
        }
    }

    @Test func callbackFormOnlyForRolesThatMayCallBack() async throws {
        try await withKefu { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            let qc = try await PageSession.signIn(app, "4001")
            #expect(try await qc.get("/work-orders/\(id)").1.contains("callback-form") == false)
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/work-orders/\(id)").1.contains("callback-form"))
        }
    }

    @Test func refusedNewOrderKeepsTheInput() async throws {
        try await withKefu { app, _ in
            let s = try await PageSession.signIn(app, "1001")
            let (status, html) = try await s.post("/work-orders/new", [
                "type": "fault", "channel": "phone", "subject": "保留这个标题", "description": "描述",
                "customerName": "王建国", "customerPhone": "13800138000", "city": "杭州市",
            ])
            #expect(status == .unprocessableEntity)
            #expect(html.contains("保留这个标题"))
            #expect(html.contains("缺少门号"))
            #expect(try await WorkOrder.query(on: app.db).count() == 0)
        }
    }

    @Test func duplicateIsWarnedBeforeSaving() async throws {
        try await withKefu { app, u in
            let first = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            let customerId = try #require(first.string("customerId"))
            let s = try await PageSession.signIn(app, "1001")
            let form = ["type": "complaint", "channel": "phone", "subject": "又来投诉", "description": "同一问题", "customerId": customerId]
            let (status, html) = try await s.post("/work-orders/new", form)
            #expect(status == .conflict)
            #expect(html.contains("duplicate-warning") && html.contains(first.string("number")!))
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
            var confirmed = form
            confirmed["confirmDuplicate"] = "yes"
            #expect(try await s.post("/work-orders/new", confirmed).0 == .seeOther)
            let linked = try await WorkOrder.query(on: app.db).filter(\.$duplicateOf != nil).count()
            #expect(linked == 1)
        }
    }
}
