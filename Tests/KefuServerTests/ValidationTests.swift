import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer

@Suite("Bad input gets a clear 4xx and loses nothing")
struct ValidationTests {
    @Test func badCreates() async throws {
        try await withKefu { app, u in
            var body = newOrderBody(); body["type"] = "bogus"
            let unknown = try await api(app, .POST, "/work-orders", token: u.agent, body: body)
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.string("error") == "validation_failed")
            #expect(unknown.string("reason")?.contains("bogus") == true)

            body = newOrderBody(); body.removeValue(forKey: "subject")
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: body).status == .unprocessableEntity)

            body = newOrderBody(); body["description"] = String(repeating: "长", count: 20_001)
            let long = try await api(app, .POST, "/work-orders", token: u.agent, body: body)
            #expect(long.status == .unprocessableEntity)
            #expect(long.string("reason")?.contains("20000") == true)

            let badPhone = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(phone: "12345"))
            #expect(badPhone.status == .unprocessableEntity)
            #expect(badPhone.string("reason")?.contains("电话") == true)

            // A fault repair sends someone out: the address must be complete (R1.7).
            let fault = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "fault"))
            #expect(fault.status == .unprocessableEntity)
            #expect(fault.string("reason")?.contains("门号") == true)
            var withAddress = newOrderBody(type: "fault")
            withAddress["address"] = ["city": "杭州市", "district": "西湖区", "street": "文三路", "building": "3", "door": "502"]
            let visit = try await api(app, .POST, "/work-orders", token: u.agent, body: withAddress)
            #expect(visit.status == .created)
            // The address survives both read paths: the single order and the list.
            let one = try await api(app, .GET, "/work-orders/\(visit.string("id")!)", token: u.agent)
            #expect((one["address"] as? [String: Any])?["door"] as? String == "502")
            let listed = try await api(app, .GET, "/work-orders?type=fault", token: u.agent)
            #expect(((listed["items"] as? [[String: Any]])?.first?["address"] as? [String: Any])?["city"] as? String == "杭州市")

            body = newOrderBody(); body["customerId"] = UUID().uuidString; body.removeValue(forKey: "customer")
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: body).status == .unprocessableEntity)

            // Nothing of the refused orders was stored.
            #expect(try await WorkOrder.query(on: app.db).count() == 1)
        }
    }

    @Test func malformedJSONIs400() async throws {
        try await withKefu { app, u in
            try await app.testing().test(.POST, "/api/v1/work-orders", beforeRequest: { req in
                req.headers.bearerAuthorization = .init(token: u.agent)
                req.headers.contentType = .json
                req.body = ByteBuffer(string: "{not json")
            }, afterResponse: { res in
                #expect(res.status == .badRequest)
                let body = try res.content.decode([String: String].self)
                #expect(body["error"] == "bad_request")
                #expect(body["reason"]?.isEmpty == false)
            })
        }
    }

    @Test func badTransfers() async throws {
        try await withKefu { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody()).string("id"))
            let past = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent,
                                     body: ["departmentId": u.departmentID.uuidString, "deadline": iso(testStart.addingTimeInterval(-60)), "note": "x"])
            #expect(past.status == .unprocessableEntity)
            #expect(past.string("reason")?.contains("时限") == true)
            let missing = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent,
                                        body: ["departmentId": UUID().uuidString, "deadline": iso(testStart.addingTimeInterval(3600)), "note": "x"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.string("reason")?.contains("部门不存在") == true)
            #expect(try await SupervisionOrder.query(on: app.db).count() == 0)
            #expect(try await api(app, .POST, "/work-orders/\(UUID().uuidString)/close", token: u.agent, body: [:]).status == .notFound)
            #expect(try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 9]).status == .unprocessableEntity)
        }
    }

    @Test func authAndRoles() async throws {
        try await withKefu { app, u in
            #expect(try await api(app, .GET, "/work-orders", token: nil).status == .unauthorized)
            #expect(try await api(app, .GET, "/work-orders", token: "forged").status == .unauthorized)
            let wrong = try await api(app, .POST, "/session", token: nil, body: ["workId": "1001", "password": "nope"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.string("error") == "invalid_credentials")
            // A liaison answers supervision orders but does not open work orders; QC reads only.
            #expect(try await api(app, .POST, "/work-orders", token: u.liaison, body: newOrderBody()).status == .forbidden)
            #expect(try await api(app, .POST, "/work-orders", token: u.qc, body: newOrderBody()).status == .forbidden)
            #expect(try await api(app, .GET, "/work-orders", token: u.qc).status == .forbidden)   // QC reads contacts, not orders (README "Who sees what")
            #expect(try await api(app, .GET, "/departments", token: u.liaison).status == .ok)
        }
    }

    @Test func listFiltersAndPaging() async throws {
        try await withKefu { app, u in
            for t in ["complaint", "query", "fault"] where t != "fault" {
                _ = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: t))
            }
            let all = try await api(app, .GET, "/work-orders?limit=1", token: u.agent)
            #expect(all["total"] as? Int == 2)
            #expect((all["items"] as? [Any])?.count == 1)
            #expect(try await api(app, .GET, "/work-orders?type=query", token: u.agent)["total"] as? Int == 1)
            #expect(try await api(app, .GET, "/work-orders?limit=0", token: u.agent).status == .badRequest)
            #expect(try await api(app, .GET, "/work-orders?status=nope", token: u.agent).status == .badRequest)
        }
    }
}
