import Foundation
import Testing
import VaporTesting
import SQLKit
import Fluent
@testable import KefuServer

/// R5.4: no direct edit of a customer's registered data — a change request with the caller's
/// verification; a wrong value is refused and counted; a special customer's change waits for
/// a team lead; every applied change keeps before and after.
@Suite("Customer change requests (R5.4)")
struct CustomerChangeTests {
    private func customer(_ app: Application, token: String, tier: String = "normal", phone: String = "13800138000") async throws -> String {
        let res = try await api(app, .POST, "/customers", token: token, body: [
            "name": "王建国", "phone": phone, "tier": tier, "idNumber": "11010519491231002X",
            "address": ["city": "北京市", "district": "朝阳区", "street": "建国路 88 号", "building": "3号楼", "door": "502"]])
        #expect(res.status == .created)
        return try #require(res.string("id"))
    }

    private func change(_ app: Application, _ id: String, token: String, changes: [String: Any], method: String, value: String) async throws -> JSONResponse {
        try await api(app, .POST, "/customers/\(id)/change-requests", token: token,
                      body: ["changes": changes, "verification": ["method": method, "value": value]])
    }

    @Test func theIDNumberIsSealedAtRestAndInTheChangeLog() async throws {
        try await withKefu { app, users in
            let id = try await customer(app, token: users.agent)
            struct Stored: Decodable { var id_number: String? }
            let sql = try app.db.sql()
            let stored = try await sql.select().column("id_number").from("customers").where("id", .equal, UUID(uuidString: id)).first(decoding: Stored.self)
            #expect(stored?.id_number?.hasPrefix("enc1:") == true)
            #expect(stored?.id_number?.contains("1949") == false)
            // A change of the ID number keeps the old and new values sealed in the request row.
            let res = try await change(app, id, token: users.agent, changes: ["idNumber": "110105200001010011"], method: "phone", value: "13800138000")
            #expect(res.status == .created, "\(res.json)")
            struct Row: Decodable { var changes: String; var before: String? }
            let row = try #require(try await sql.select().columns("changes", "before").from("customer_change_requests").first(decoding: Row.self))
            #expect(!row.changes.contains("2000010100") && !(row.before ?? "").contains("1949"))
            // The old number no longer verifies; the new one does.
            #expect(try await change(app, id, token: users.agent, changes: ["name": "甲"], method: "id_number", value: "11010519491231002X").status == .unprocessableEntity)
            #expect(try await change(app, id, token: users.agent, changes: ["name": "乙"], method: "id_number", value: "110105200001010011").status == .created)
            // The audit trail holds no ID number either.
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "customer.change").all()
            #expect(!audits.isEmpty && audits.allSatisfy { !($0.before ?? "").contains("1949") && !($0.after ?? "").contains("2000010100") })
        }
    }

    @Test func aVerifiedChangeOfAnOrdinaryCustomerAppliesAtOnceWithBeforeAndAfter() async throws {
        try await withKefu { app, users in
            let id = try await customer(app, token: users.agent)
            let res = try await change(app, id, token: users.agent, changes: ["phone": "139 0013 9000", "name": "王建华"],
                                       method: "id_number", value: "110105 19491231 002x")
            #expect(res.status == .created)
            #expect(res.string("status") == "applied")
            #expect(res.string("id") != nil)
            let record = try await api(app, .GET, "/customers/\(id)?reason=check", token: users.agent)
            #expect(record.string("phone") == "13900139000")
            #expect(record.string("name") == "王建华")
            let list = try await api(app, .GET, "/customers/\(id)/change-requests", token: users.agent)
            let item = try #require((list["items"] as? [[String: Any]])?.first)
            #expect((item["before"] as? [String: Any])?["name"] as? String == "王建国")
            #expect((item["changes"] as? [String: Any])?["phone"] as? String == "139****9000")
            // By the registered phone and by the building and door of the address.
            #expect(try await change(app, id, token: users.agent, changes: ["phone2": "010-6512 3456"], method: "phone",
                                     value: "+86 139 0013 9000").string("status") == "applied")
            #expect(try await change(app, id, token: users.agent, changes: ["name": "王建国"], method: "address",
                                     value: "3号楼502室").string("status") == "applied")
        }
    }

    @Test func aWrongVerificationIsRefusedCountedAndChangesNothing() async throws {
        try await withKefu { app, users in
            let id = try await customer(app, token: users.agent)
            for (method, value) in [("id_number", "110105194912310000"), ("phone", "13700000000"), ("address", "5号楼101")] {
                let res = try await change(app, id, token: users.agent, changes: ["name": "冒名"], method: method, value: value)
                #expect(res.status == .unprocessableEntity)
                #expect(res.string("error") == "verification_failed")
            }
            #expect(try await api(app, .GET, "/customers/\(id)", token: users.agent).string("name") == "王建国")
            let list = try await api(app, .GET, "/customers/\(id)/change-requests", token: users.agent)
            #expect(list["failedVerifications"] as? Int == 3)
            #expect((list["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func badRequestsAreRefusedWithTheReason() async throws {
        try await withKefu { app, users in
            let id = try await customer(app, token: users.agent)
            _ = try await customer(app, token: users.agent, phone: "13600136000")
            let ok = ("id_number", "11010519491231002X")
            for (changes, code): ([String: Any], HTTPStatus) in [
                ([:], .unprocessableEntity), (["phone": "12345"], .unprocessableEntity), (["name": ""], .unprocessableEntity),
                (["phone": "13600136000"], .conflict)] {
                let res = try await change(app, id, token: users.agent, changes: changes, method: ok.0, value: ok.1)
                #expect(res.status == code, "\(changes) → \(res.status)")
            }
            #expect(try await change(app, id, token: users.agent, changes: ["name": "x"], method: "fingerprint", value: "1").status
                    == .unprocessableEntity)
            // A liaison may read an order's customer but not change one; nobody changes another company's.
            #expect(try await change(app, id, token: users.liaison, changes: ["name": "x"], method: ok.0, value: ok.1).status == .forbidden)
            let other = try await TenantFixture.addCompany(app, code: "ACME", name: "阿克米", branches: [("A1", "一部", "4001230000")],
                                                           users: [("7101", "agent", nil)])
            #expect(try await change(app, id, token: try other.token("7101"), changes: ["name": "x"], method: ok.0, value: ok.1).status
                    == .notFound)
        }
    }

    @Test func aSpecialCustomersChangeWaitsForATeamLead() async throws {
        try await withKefu { app, users in
            let id = try await customer(app, token: users.agent, tier: "vip")
            let res = try await change(app, id, token: users.agent, changes: ["phone": "13900139000"], method: "id_number",
                                       value: "11010519491231002X")
            #expect(res.status == .created)
            #expect(res.string("status") == "pending")
            let rid = try #require(res.string("id"))
            #expect(try await api(app, .GET, "/customers/\(id)", token: users.agent).string("phone") == "13800138000")
            #expect(try await api(app, .POST, "/customers/\(id)/change-requests/\(rid)/approve", token: users.agent).status == .forbidden)
            #expect(try await api(app, .POST, "/customers/\(id)/change-requests/\(rid)/reject", token: users.shiftLead).status
                    == .unprocessableEntity)  // a rejection needs its reason
            let approved = try await api(app, .POST, "/customers/\(id)/change-requests/\(rid)/approve", token: users.shiftLead,
                                         body: ["note": "已电话回访核实"])
            #expect(approved.status == .ok)
            #expect(approved.string("status") == "applied")
            #expect(approved.string("decidedBy") == "3001")
            #expect(try await api(app, .GET, "/customers/\(id)", token: users.agent).string("phone") == "13900139000")
            #expect(try await api(app, .POST, "/customers/\(id)/change-requests/\(rid)/approve", token: users.shiftLead).status == .conflict)

            let second = try await change(app, id, token: users.agent, changes: ["name": "王某"], method: "phone", value: "13900139000")
            let rid2 = try #require(second.string("id"))
            let rejected = try await api(app, .POST, "/customers/\(id)/change-requests/\(rid2)/reject", token: users.admin,
                                         body: ["note": "客户本人未确认"])
            #expect(rejected.string("status") == "rejected")
            #expect(try await api(app, .GET, "/customers/\(id)", token: users.agent).string("name") == "王建国")
        }
    }

    @Test func theSameRequestSentTwiceIsStoredOnce() async throws {
        try await withKefu { app, users in
            let id = try await customer(app, token: users.agent)
            var statuses: [HTTPStatus] = []
            for _ in 0..<2 {
                try await app.testing().test(.POST, "/api/v1/customers/\(id)/change-requests", beforeRequest: { req in
                    req.headers.bearerAuthorization = .init(token: users.agent)
                    req.headers.replaceOrAdd(name: "Idempotency-Key", value: "chg-1")
                    try req.content.encode(CustomerChangeService.Input(
                        changes: CustomerChanges(name: "王建华"),
                        verification: .init(method: "phone", value: "13800138000")))
                }, afterResponse: { res in statuses.append(res.status) })
            }
            #expect(statuses == [.created, .created])
            let list = try await api(app, .GET, "/customers/\(id)/change-requests", token: users.agent)
            #expect((list["items"] as? [Any])?.count == 1)
        }
    }

    @Test func thePageAsksWithVerificationAndALeadDecidesOnIt() async throws {
        try await withKefu { app, users in
            let id = try await customer(app, token: users.agent, tier: "vip")
            let agent = try await PageSession.signIn(app, "1001")
            let (asked, _) = try await agent.post("/customers/\(id)/change-requests",
                                                  ["method": "phone", "value": "138 0013 8000", "name": "王建华", "door": ""])
            #expect(asked == .seeOther)
            let (_, mine) = try await agent.get("/customers/\(id)")
            #expect(mine.contains("待班长审批"))
            #expect(mine.contains("姓名→王建华"))
            #expect(!mine.contains("name=\"decision\""))
            let (wrong, _) = try await agent.post("/customers/\(id)/change-requests", ["method": "id_number", "value": "123", "name": "x"])
            #expect(wrong == .seeOther)
            #expect(try await agent.get("/customers/\(id)").1.contains("身份核实失败 1 次"))

            let list = try await api(app, .GET, "/customers/\(id)/change-requests", token: users.agent)
            let rid = try #require((list["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await agent.post("/customers/\(id)/change-requests/\(rid)/decision", ["decision": "approve"]).0 == .forbidden)
            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.get("/customers/\(id)").1.contains("name=\"decision\""))
            #expect(try await lead.post("/customers/\(id)/change-requests/\(rid)/decision", ["decision": "approve"]).0 == .seeOther)
            #expect(try await api(app, .GET, "/customers/\(id)", token: users.agent).string("name") == "王建华")
        }
    }

    /// Typed domain: a stored tier no tier has fails the read, never passes for "normal"
    /// (which would skip a VIP's approval or priority).
    @Test func aStoredTierNoTierHasIsAnErrorNotANormalCustomer() async throws {
        try await withKefu { app, users in
            let id = try await customer(app, token: users.agent)
            try await (try app.db.sql()).raw("UPDATE customers SET tier = 'gold'").run()
            let res = try await api(app, .GET, "/customers/\(id)", token: users.agent)
            #expect(res.status == .internalServerError)
            #expect(res.string("error") != nil)
        }
    }
}

/// R5.1: the rest of the record — more phones and e-mail addresses (through a verified
/// change), person or organisation, account manager, tags and notes.
@Suite("Customer record: contacts and profile (R5.1)")
struct CustomerProfileTests {
    @Test func morePhonesAndEmailsGoThroughAVerifiedChangeAndFindTheCustomer() async throws {
        try await withKefu { app, u in
            let id = try #require(try await api(app, .POST, "/customers", token: u.agent, body: ["name": "赵六", "phone": "13800000011"]).string("id"))
            _ = try await api(app, .POST, "/customers", token: u.agent, body: ["name": "别人", "phone": "13800000099"])
            func change(_ c: [String: Any]) async throws -> JSONResponse {
                try await api(app, .POST, "/customers/\(id)/change-requests", token: u.agent,
                              body: ["changes": c, "verification": ["method": "phone", "value": "13800000011"]])
            }
            #expect(try await change(["emails": ["not-an-email"]]).status == .unprocessableEntity)
            #expect(try await change(["phones": ["13800000099"]]).status == .conflict)   // another customer's number
            let ok = try await change(["phones": ["0571-8888 1234", "13900000022"], "emails": ["Zhao@Example.com"]])
            #expect(ok.string("status") == "applied", "\(ok.json)")
            let record = try await api(app, .GET, "/customers/\(id)?reason=t", token: u.agent)
            #expect(record["phones"] as? [String] == ["057188881234", "13900000022"])
            #expect(record["emails"] as? [String] == ["zhao@example.com"])
            // Any number on file finds the customer; the list never shows the extra numbers.
            let found = try await api(app, .GET, "/customers?phone=13900000022", token: u.agent)
            #expect(((found["items"] as? [[String: Any]])?.first?["id"] as? String)?.uppercased() == id.uppercased())
            #expect((found["items"] as? [[String: Any]])?.first?["phones"] == nil)
            // The verification accepts the new number; the change log keeps it masked.
            let again = try await api(app, .POST, "/customers/\(id)/change-requests", token: u.agent,
                                      body: ["changes": ["emails": []], "verification": ["method": "phone", "value": "13900000022"]])
            #expect(again.string("status") == "applied")
            #expect(try await api(app, .GET, "/customers/\(id)?reason=t", token: u.agent)["emails"] as? [String] == [])
        }
    }

    @Test func theFrontLineKeepsTheProfileAndBadValuesAreRefused() async throws {
        try await withKefu { app, u in
            let id = try #require(try await api(app, .POST, "/customers", token: u.agent, body: ["name": "星河小学", "phone": "057188880001"]).string("id"))
            #expect(try await api(app, .PUT, "/customers/\(id)/profile", token: u.liaison, body: ["notes": "x"]).status == .forbidden)
            #expect(try await api(app, .PUT, "/customers/\(id)/profile", token: u.agent, body: ["kind": "robot"]).status == .unprocessableEntity)
            #expect(try await api(app, .PUT, "/customers/\(id)/profile", token: u.agent, body: ["accountManagerWorkId": "8888"]).status == .unprocessableEntity)
            let saved = try await api(app, .PUT, "/customers/\(id)/profile", token: u.agent,
                                      body: ["kind": "organisation", "accountManagerWorkId": "1002", "tags": ["学校", "宽带", "学校"], "notes": "门卫室转接"])
            #expect(saved.status == .ok, "\(saved.json)")
            #expect(saved.string("kind") == "organisation" && saved["tags"] as? [String] == ["学校", "宽带"] && saved.string("accountManager") == "1002")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "customer.profile").count() == 1)
            let page = try await PageSession.signIn(app, "1001").get("/customers/\(id)")
            #expect(page.1.contains("单位") && page.1.contains("门卫室转接") && page.1.contains("学校、宽带"))
        }
    }
}
