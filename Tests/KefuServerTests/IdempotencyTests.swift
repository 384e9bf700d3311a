import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer

/// Nothing entered twice: one-time tokens on the forms that create, `Idempotency-Key` on
/// the API's creates, one customer per phone number.
@Suite("Idempotency")
struct IdempotencyTests {
    struct Answer { var status: HTTPStatus; var location: String?; var body: String }

    /// A form post that keeps the redirect target (PageSession.post drops headers).
    static func submit(_ s: PageSession, _ path: String, _ form: [String: String]) async throws -> Answer {
        var out = Answer(status: .internalServerError, location: nil, body: "")
        var body = form
        body["_csrf"] = s.csrf
        try await s.app.testing().test(.POST, path, beforeRequest: { req in
            req.headers.cookie = ["kefu_session": .init(string: s.cookie)]
            try req.content.encode(body, as: .urlEncodedForm)
        }, afterResponse: { res in
            out = Answer(status: res.status, location: res.headers.first(name: .location), body: res.body.string)
        })
        return out
    }

    static func onceToken(in html: String) -> String? {
        guard let r = html.range(of: #"name="_once" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return String(html[r].split(separator: "\"")[3])
    }

    /// An API call with extra headers, answering status, raw body and headers.
    static func call(_ app: Application, _ method: HTTPMethod, _ path: String, token: String, key: String?,
                     body: [String: Any]) async throws -> (HTTPStatus, String, HTTPHeaders) {
        try await call(app, method, path, token: token, key: key, data: try JSONSerialization.data(withJSONObject: body))
    }

    static func call(_ app: Application, _ method: HTTPMethod, _ path: String, token: String, key: String?,
                     data: Data) async throws -> (HTTPStatus, String, HTTPHeaders) {
        var out: (HTTPStatus, String, HTTPHeaders) = (.internalServerError, "", [:])
        try await app.testing().test(method, "/api/v1" + path, beforeRequest: { req in
            req.headers.bearerAuthorization = .init(token: token)
            if let key { req.headers.replaceOrAdd(name: "Idempotency-Key", value: key) }
            req.headers.contentType = .json
            req.body = ByteBuffer(data: data)
        }, afterResponse: { res in out = (res.status, res.body.string, res.headers) })
        return out
    }

    static let orderForm = ["type": "consultation", "channel": "phone", "subject": "查询话费", "description": "本月话费偏高",
                            "customerName": "李四", "customerPhone": "13900139000"]

    @Test func doubleSubmitOfTheNewOrderFormSavesOneOrder() async throws {
        try await withKefu { app, _ in
            let s = try await PageSession.signIn(app, "1001")
            let page = try await s.get("/work-orders/new").1
            let token = try #require(Self.onceToken(in: page))
            var form = Self.orderForm
            form["_once"] = token
            let first = try await Self.submit(s, "/work-orders/new", form)
            #expect(first.status == .seeOther)
            let location = try #require(first.location)
            #expect(location.hasPrefix("/work-orders/"))
            // Double click, or Back and submit again: the same token goes where the first went.
            let second = try await Self.submit(s, "/work-orders/new", form)
            #expect(second.status == .seeOther)
            #expect(second.location == location)
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
            #expect(try await Customer.query(on: app.db).count() == 1)
            // The order page tells the agent nothing was saved twice.
            #expect(try await s.get(location).1.contains("没有重复保存"))
            // A fresh form (new token) for the same customer is warned as a duplicate (R1.6),
            // although it was typed as a "new" customer with the same number.
            let again = try #require(Self.onceToken(in: try await s.get("/work-orders/new").1))
            form["_once"] = again
            let dup = try await Self.submit(s, "/work-orders/new", form)
            #expect(dup.status == .conflict)
            #expect(dup.body.contains("duplicate-warning"))
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
        }
    }

    @Test func refusedFormKeepsItsTokenForTheCorrectedSubmit() async throws {
        try await withKefu { app, _ in
            let s = try await PageSession.signIn(app, "1001")
            let token = try #require(Self.onceToken(in: try await s.get("/work-orders/new").1))
            var form = Self.orderForm
            form["_once"] = token
            form["subject"] = ""
            #expect(try await Self.submit(s, "/work-orders/new", form).status == .unprocessableEntity)
            form["subject"] = "查询话费"
            #expect(try await Self.submit(s, "/work-orders/new", form).status == .seeOther)
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
        }
    }

    @Test func parallelSubmitsOfOneFormSaveOneOrder() async throws {
        try await withKefu { app, _ in
            let s = try await PageSession.signIn(app, "1001")
            let token = try #require(Self.onceToken(in: try await s.get("/work-orders/new").1))
            var form = Self.orderForm
            form["_once"] = token
            let sent = form
            let answers = try await withThrowingTaskGroup(of: Answer.self) { group in
                for _ in 0..<4 { group.addTask { try await Self.submit(s, "/work-orders/new", sent) } }
                return try await group.reduce(into: [Answer]()) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == .seeOther })
            #expect(Set(answers.compactMap(\.location)).count == 1)
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
            #expect(try await Customer.query(on: app.db).count() == 1)
        }
    }

    @Test func apiRepeatWithTheSameKeyAnswersTheFirstResult() async throws {
        try await withKefu { app, u in
            let body = newOrderBody()
            let (s1, b1, _) = try await Self.call(app, .POST, "/work-orders", token: u.agent, key: "order-7f3a", body: body)
            #expect(s1 == .created)
            let (s2, b2, h2) = try await Self.call(app, .POST, "/work-orders", token: u.agent, key: "order-7f3a", body: body)
            #expect(s2 == .created)
            #expect(b2 == b1)
            #expect(h2.first(name: "Idempotent-Replayed") == "true")
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
            // Another user's identical key is theirs alone.
            let (s3, b3, _) = try await Self.call(app, .POST, "/work-orders", token: u.agent2, key: "order-7f3a", body: newOrderBody(type: "fault", phone: "13700137000").merging(["address": ["city": "杭州市", "district": "西湖区", "street": "文三路", "building": "1", "door": "101"]]) { $1 })
            #expect(s3 == .created)
            #expect(b3 != b1)
            #expect(try await WorkOrder.query(on: app.db).count() == 2)
            // Without a key, every post creates.
            _ = try await Self.call(app, .POST, "/work-orders", token: u.agent, key: nil, body: newOrderBody(type: "suggestion"))
            #expect(try await WorkOrder.query(on: app.db).count() == 3)
        }
    }

    @Test func keyReusedWithAnotherBodyIsRefused() async throws {
        try await withKefu { app, u in
            let (s1, _, _) = try await Self.call(app, .POST, "/work-orders", token: u.agent, key: "k-1", body: newOrderBody())
            #expect(s1 == .created)
            let (s2, b2, _) = try await Self.call(app, .POST, "/work-orders", token: u.agent, key: "k-1", body: newOrderBody(type: "suggestion"))
            #expect(s2 == .unprocessableEntity)
            #expect(b2.contains("idempotency_key_reused"))
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
            // A key that is too long or not plain ASCII is refused outright.
            let (s3, b3, _) = try await Self.call(app, .POST, "/work-orders", token: u.agent, key: String(repeating: "x", count: 300), body: newOrderBody())
            #expect(s3 == .badRequest)
            #expect(b3.contains("idempotency_key_invalid"))
        }
    }

    @Test func failedRequestLeavesTheKeyFree() async throws {
        try await withKefu { app, u in
            var bad = newOrderBody()
            bad["subject"] = ""
            let (s1, _, _) = try await Self.call(app, .POST, "/work-orders", token: u.agent, key: "retry-me", body: bad)
            #expect(s1 == .unprocessableEntity)
            let (s2, _, _) = try await Self.call(app, .POST, "/work-orders", token: u.agent, key: "retry-me", body: newOrderBody())
            #expect(s2 == .created)
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
        }
    }

    @Test func parallelApiRepeatsCreateOnce() async throws {
        try await withKefu { app, u in
            let body = try JSONSerialization.data(withJSONObject: newOrderBody())
            let results = try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        // A repeat that outwaits the first request's `waitForFirst` is told 409 and
                        // Retry-After, as a client would be (the whole suite runs at once on two
                        // cores, so the first create can take that long); it then asks again.
                        var answer = try await Self.call(app, .POST, "/work-orders", token: u.agent, key: "same", data: body)
                        for _ in 0..<600 where answer.0 == .conflict {
                            try await Task.sleep(for: .milliseconds(200))
                            answer = try await Self.call(app, .POST, "/work-orders", token: u.agent, key: "same", data: body)
                        }
                        return (answer.0, answer.1)
                    }
                }
                return try await group.reduce(into: [(HTTPStatus, String)]()) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.0 == .created })
            #expect(Set(results.map(\.1)).count == 1)
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
        }
    }

    @Test func otherCreatesHonourTheKey() async throws {
        try await withKefu { app, u in
            let c = ["name": "赵六", "phone": "13600136000"]
            let (s1, b1, _) = try await Self.call(app, .POST, "/customers", token: u.agent, key: "cust-1", body: c)
            #expect(s1 == .created)
            let (s2, b2, _) = try await Self.call(app, .POST, "/customers", token: u.agent, key: "cust-1", body: c)
            #expect(s2 == .created && b2 == b1)
            // Without a key, the same number answers the customer on file instead of a second one.
            let (s3, b3, _) = try await Self.call(app, .POST, "/customers", token: u.agent, key: nil, body: ["name": "赵六六", "phone": "136 0013 6000"])
            #expect(s3 == .ok)
            let first = try JSONSerialization.jsonObject(with: Data(b1.utf8)) as? [String: Any]
            let third = try JSONSerialization.jsonObject(with: Data(b3.utf8)) as? [String: Any]
            #expect(first?["id"] as? String == third?["id"] as? String)
            #expect(try await Customer.query(on: app.db).count() == 1)

            let order = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            let id = try #require(order.string("id"))
            let cb: [String: Any] = ["reached": false, "note": "无人接听"]
            let (c1, cb1, _) = try await Self.call(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, key: "cb-1", body: cb)
            let (c2, cb2, _) = try await Self.call(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, key: "cb-1", body: cb)
            #expect(c1 == .created && c2 == .created && cb1 == cb2)
            #expect(try await CallbackRecord.query(on: app.db).count() == 1)
        }
    }

    @Test func otherCreateFormsSaveOnce() async throws {
        try await withKefu { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            // Transfer to a department, sent twice with one token: one supervision order.
            let agent = try await PageSession.signIn(app, "1001")
            let token = try #require(Self.onceToken(in: try await agent.get("/work-orders/\(id)").1))
            let transfer = ["_once": token, "target": "department", "departmentId": u.departmentID.uuidString,
                            "deadline": "2026-11-25T09:00", "note": "请核查线路"]
            let t1 = try await Self.submit(agent, "/work-orders/\(id)/transfer", transfer)
            let t2 = try await Self.submit(agent, "/work-orders/\(id)/transfer", transfer)
            #expect(t1.status == .seeOther && t2.status == .seeOther && t1.location == t2.location)
            #expect(try await SupervisionOrder.query(on: app.db).count() == 1)
            // The liaison's receipt, twice: the repeat lands on the list, not on an error.
            let liaison = try await PageSession.signIn(app, "5001")
            let page = try await liaison.get("/supervision").1
            let so = try #require(try await SupervisionOrder.query(on: app.db).first()?.id)
            let receipt = ["_once": try #require(Self.onceToken(in: page)), "text": "线路已修复"]
            #expect(try await Self.submit(liaison, "/supervision/\(so)/receipt", receipt).status == .seeOther)
            let again = try await Self.submit(liaison, "/supervision/\(so)/receipt", receipt)
            #expect(again.status == .seeOther && again.location == "/supervision")
            // An admin's department, twice: one department and no "already exists" error.
            let admin = try await PageSession.signIn(app, "9001")
            let dep = ["_once": try #require(Self.onceToken(in: try await admin.get("/admin").1)), "name": "网络部"]
            #expect(try await Self.submit(admin, "/admin/departments", dep).status == .seeOther)
            #expect(try await Self.submit(admin, "/admin/departments", dep).status == .seeOther)
            #expect(try await Department.query(on: app.db).filter(\.$name == "网络部").count() == 1)
            // A customer's chat, started twice with one token: one chat.
            var cookie = "", csrf = "", once = ""
            try await app.testing().test(.GET, "/chat", afterResponse: { res in
                cookie = res.headers.setCookie?["kefu_session"]?.string ?? ""
                csrf = PageSession.csrf(in: res.body.string)
                once = Self.onceToken(in: res.body.string) ?? ""
            })
            for _ in 0..<2 {
                try await app.testing().test(.POST, "/chat/start", beforeRequest: { req in
                    req.headers.cookie = ["kefu_session": .init(string: cookie)]
                    try req.content.encode(["name": "王先生", "_csrf": csrf, "_once": once], as: .urlEncodedForm)
                }, afterResponse: { res in #expect(res.status == .seeOther) })
            }
            #expect(try await Chat.query(on: app.db).count() == 1)
        }
    }

    @Test func parallelCreatesOfOneNumberMakeOneCustomer() async throws {
        try await withKefu { app, u in
            let customer = try JSONSerialization.data(withJSONObject: ["name": "孙八", "phone": "13100131000"])
            let order = try JSONSerialization.data(withJSONObject: newOrderBody(phone: "13100131000"))
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<6 {
                    group.addTask {
                        i % 2 == 0
                            ? try await Self.call(app, .POST, "/customers", token: u.agent, key: nil, data: customer).0
                            : try await Self.call(app, .POST, "/work-orders", token: u.agent, key: nil, data: order).0
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { [.ok, .created].contains($0) })
            #expect(try await Customer.query(on: app.db).count() == 1)
        }
    }

    @Test func orderFormWithAKnownNumberUsesThatCustomer() async throws {
        try await withKefu { app, u in
            let first = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "complaint", phone: "13800138000"))
            let customerId = try #require(first.string("customerId"))
            // Another name with the same number: still the one customer.
            var body = newOrderBody(type: "suggestion", phone: "13800138000")
            body["customer"] = ["name": "王太太", "phone": "138-0013-8000"]
            let second = try await api(app, .POST, "/work-orders", token: u.agent, body: body)
            #expect(second.status == .created)
            #expect(second.string("customerId") == customerId)
            #expect(try await Customer.query(on: app.db).count() == 1)
        }
    }
}
