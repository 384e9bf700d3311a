import Foundation
import Testing
import VaporTesting
@testable import KefuServer

/// 查阅登记 (R5.5): every read of an archive is registered with its reason, and QC
/// inspectors and admins — no one else — read the register, each within their companies.
@Suite("Archive read register (R5.5)")
struct ArchiveReadRegisterTests {
    private func customer(_ app: Application, token: String, phone: String = "13800138000") async throws -> String {
        let res = try await api(app, .POST, "/customers", token: token, body: ["name": "王建国", "phone": phone])
        #expect(res.status == .created)
        return try #require(res.string("id"))
    }

    private func items(_ res: JSONResponse) -> [[String: Any]] { res["items"] as? [[String: Any]] ?? [] }

    @Test func aReadIsRegisteredWithWhyAndTheRegisterAnswersWhoReadWhat() async throws {
        try await withKefu { app, users in
            let id = try await customer(app, token: users.agent)
            // The full number on the record; the list masks it.
            let one = try await api(app, .GET, "/customers/\(id)?orderNumber=20261206-0001", token: users.agent)
            #expect(one.status == .ok)
            #expect(one.string("phone") == "13800138000")
            let list = try await api(app, .GET, "/customers", token: users.agent)
            #expect((items(list).first?["phone"] as? String) == "138****8000")
            _ = try await api(app, .GET, "/customers/\(id)?reason=%E5%AE%A2%E6%88%B7%E6%9D%A5%E4%BF%A1", token: users.agent2)
            _ = try await api(app, .GET, "/customers/\(id)", token: users.agent2)

            let all = try await api(app, .GET, "/audit/archive-reads?customerId=\(id)", token: users.qc)
            #expect(all.status == .ok)
            #expect(all["total"] as? Int == 3)
            let rows = items(all)
            #expect(rows.allSatisfy { $0["customerId"] as? String == id.lowercased() || $0["customerId"] as? String == id })
            #expect(Set(rows.compactMap { $0["reason"] as? String }) == ["工单 20261206-0001", "客户来信", "接口查阅"])
            #expect(rows.allSatisfy { $0["at"] is String && $0["workId"] is String })

            let byOne = try await api(app, .GET, "/audit/archive-reads?workId=1001", token: users.admin)
            #expect(byOne.status == .ok)
            #expect(items(byOne).map { $0["reason"] as? String } == ["工单 20261206-0001"])
            let nextDay = try await api(app, .GET, "/audit/archive-reads?from=2099-01-01", token: users.admin)
            #expect(nextDay["total"] as? Int == 0)
        }
    }

    @Test func onlyInspectorsAndAdminsReadTheRegisterAndBadFiltersAreRefused() async throws {
        try await withKefu { app, users in
            for token in [users.agent, users.shiftLead, users.liaison] {
                #expect(try await api(app, .GET, "/audit/archive-reads", token: token).status == .forbidden)
            }
            #expect(try await api(app, .GET, "/audit/archive-reads", token: nil).status == .unauthorized)
            for bad in ["from=yesterday", "to=2026-13-40", "customerId=nope", "from=2026-12-06&to=2026-12-01", "limit=0"] {
                let res = try await api(app, .GET, "/audit/archive-reads?\(bad)", token: users.qc)
                #expect(res.status == .unprocessableEntity || res.status == .badRequest, "\(bad) → \(res.status)")
            }
            let long = String(repeating: "查", count: 201)
            let id = try await customer(app, token: users.agent)
            let refused = try await api(app, .GET, "/customers/\(id)?reason=\(long.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")",
                                        token: users.agent)
            #expect(refused.status == .unprocessableEntity)
            #expect(try await api(app, .GET, "/audit/archive-reads", token: users.qc)["total"] as? Int == 0)
        }
    }

    @Test func anotherCompanysReadsStayWithIt() async throws {
        try await withKefu { app, users in
            let other = try await TenantFixture.addCompany(app, code: "ACME", name: "阿克米", branches: [("A1", "一部", "4001230000")],
                                                           users: [("7101", "agent", nil), ("7401", "qc_inspector", nil)])
            let theirs = try await customer(app, token: try other.token("7101"), phone: "13900139000")
            _ = try await api(app, .GET, "/customers/\(theirs)", token: try other.token("7101"))
            let ours = try await customer(app, token: users.agent)
            _ = try await api(app, .GET, "/customers/\(ours)", token: users.agent)
            let hq = try await api(app, .GET, "/audit/archive-reads", token: users.qc)
            #expect(items(hq).map { $0["workId"] as? String } == ["1001"])
            let acme = try await api(app, .GET, "/audit/archive-reads", token: try other.token("7401"))
            #expect(items(acme).map { $0["workId"] as? String } == ["7101"])
            #expect(items(acme).first?["companyCode"] as? String == "ACME")
        }
    }

    @Test func thePageFlagsReadingOutOfProportionToWork() async throws {
        try await withKefu { app, users in
            let id = try await customer(app, token: users.agent)
            for _ in 0..<21 { _ = try await api(app, .GET, "/customers/\(id)", token: users.agent2) }
            _ = try await api(app, .GET, "/customers/\(id)", token: users.agent)
            let qc = try await PageSession.signIn(app, "4001")
            let (status, html) = try await qc.get("/audit/archive-reads")
            #expect(status == .ok)
            #expect(html.contains("档案查阅登记"))
            #expect(html.contains("异常查阅"))
            #expect(html.components(separatedBy: "<strong class=\"warn\">异常查阅</strong>").count == 2) // 1002 only
            let agent = try await PageSession.signIn(app, "1001")
            #expect(try await agent.get("/audit/archive-reads").0 == .forbidden)
        }
    }
}
