import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Companies, branches, grants and the company switcher (R11.1, R11.2): each person sees the
/// companies they may work for, a client company's admin only their own, and only the
/// operating company's staff may be granted other companies.
@Suite("Company administration (R11)")
struct CompanyAdminTests {
    /// HQ (the test users) plus client company XH with one branch and three people.
    static func twoCompanies(_ app: Application) async throws -> TenantFixture.Placed {
        try await TenantFixture.addCompany(app, code: "XH", name: "星河物业", hotline: "400-820-5566",
                                           branches: [(code: "HZ", name: "杭州分公司", hotline: "0571-85205566")],
                                           users: [(workId: "7001", role: "agent", department: nil),
                                                   (workId: "7002", role: "admin", department: nil),
                                                   (workId: "7003", role: "shift_lead", department: nil)])
    }

    static func codes(_ r: JSONResponse, _ key: String = "code") -> [String] {
        ((r["items"] as? [[String: Any]]) ?? []).compactMap { $0[key] as? String }
    }

    static func apiWithCompany(_ app: Application, _ path: String, token: String, company: String) async throws -> (HTTPStatus, [String]) {
        var out: (HTTPStatus, [String]) = (.internalServerError, [])
        try await app.testing().test(.GET, "/api/v1" + path, beforeRequest: { req in
            req.headers.bearerAuthorization = .init(token: token)
            req.headers.replaceOrAdd(name: Request.companyHeader, value: company)
        }, afterResponse: { res in
            let obj = (try? JSONSerialization.jsonObject(with: Data(buffer: res.body))) as? [String: Any] ?? [:]
            out = (res.status, ((obj["items"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String })
        })
        return out
    }

    @Test func companiesAndBranchesAPIShowWhatTheCallerMaySee() async throws {
        try await withKefu { app, u in
            let xh = try await Self.twoCompanies(app)
            // An HQ agent: HQ and its branch only.
            #expect(Self.codes(try await api(app, .GET, "/companies", token: u.agent)) == ["HQ"])
            #expect(Self.codes(try await api(app, .GET, "/branches", token: u.agent)) == ["MAIN"])
            // A client company's agent: their own company, with the welcome filled in.
            let agentB = try xh.token("7001")
            #expect(Self.codes(try await api(app, .GET, "/companies", token: agentB)) == ["XH"])
            let branches = try await api(app, .GET, "/branches", token: agentB)
            let items = try #require(branches["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["companyCode"] as? String == "XH")
            #expect(items.first?["hotline"] as? String == "0571-85205566")
            #expect(items.first?["welcome"] as? String == WelcomeText.standard)
            #expect(items.first?["welcomeText"] as? String == "欢迎致电星河物业杭州分公司客服热线0571-85205566")
            // Another company's branches by code: not found, never an empty list.
            #expect(try await api(app, .GET, "/branches?company=HQ", token: agentB).status == .notFound)
            #expect(try await api(app, .GET, "/companies", token: nil).status == .unauthorized)

            // The HQ admin granted XH sees both; X-Kefu-Company narrows to one.
            try await TenantFixture.grant(app, workId: "9001", companyCode: "XH")
            #expect(Self.codes(try await api(app, .GET, "/companies", token: u.admin)) == ["HQ", "XH"])
            #expect(Self.codes(try await api(app, .GET, "/branches", token: u.admin)).sorted() == ["HZ", "MAIN"])
            let narrowed = try await Self.apiWithCompany(app, "/branches", token: u.admin, company: "XH")
            #expect(narrowed.0 == .ok && narrowed.1 == ["HZ"])
            // The header cannot name a company the caller was not granted.
            let foreign = try await Self.apiWithCompany(app, "/companies", token: agentB, company: "HQ")
            #expect(foreign.0 == .notFound)
        }
    }

    @Test func switcherNarrowsTheScopeToGrantedCompaniesOnly() async throws {
        try await withKefu { app, _ in
            _ = try await Self.twoCompanies(app)
            // No grants: no switcher, and switching is refused as if the company did not exist.
            let agent = try await PageSession.signIn(app, "1001")
            #expect(!(try await agent.get("/workspace")).1.contains("company-switch"))
            #expect(try await agent.post("/company-switch", ["company": "XH", "back": "/workspace"]).0 == .notFound)

            try await TenantFixture.grant(app, workId: "9001", companyCode: "XH")
            let admin = try await PageSession.signIn(app, "9001")
            let (status, all) = try await admin.get("/admin")
            #expect(status == .ok)
            #expect(all.contains("company-switch") && all.contains("全部公司"))
            #expect(all.contains("7001") && all.contains("1001"), "both companies' people while all are shown")

            #expect(try await admin.post("/company-switch", ["company": "XH", "back": "/admin"]).0 == .seeOther)
            let (_, onlyXH) = try await admin.get("/admin")
            #expect(onlyXH.contains("7001") && !onlyXH.contains(">1001<"))
            // Grants concern HQ's people, out of view while XH is chosen: still grantable.
            #expect(try await admin.post("/admin/grants", ["workId": "1002", "company": "XH"]).0 == .seeOther)
            #expect(try await admin.get("/admin/companies").1.contains("撤销 1002 对 XH 的授权"))
            #expect(try await api(app, .GET, "/companies", token: try await TestUsers.login(app, "9001")).status == .ok)

            #expect(try await admin.post("/company-switch", ["company": "NOPE", "back": "/admin"]).0 == .notFound)
            #expect(try await admin.post("/company-switch", ["company": "all", "back": "//evil.example/"]).0 == .seeOther)
            let (_, again) = try await admin.get("/admin")
            #expect(again.contains(">1001<") && again.contains("7001"))
            // The users list filters by company; a company out of reach is not found.
            let (_, filtered) = try await admin.get("/admin?company=XH")
            #expect(filtered.contains(">7001<") && !filtered.contains(">1001<"))
            #expect(try await agent.get("/workspace?company=XH").0 != .internalServerError)
        }
    }

    @Test func grantsOnlyForTheOperatingCompanysPeople() async throws {
        try await withKefu { app, _ in
            _ = try await Self.twoCompanies(app)
            // The admin of HQ is granted XH (as `kefu user grant` does), so XH's people are visible to them.
            let system = CompanyAdmin(tenant: .system(app.db), history: nil, now: app.kefu.clock.now())
            let xhCompany = try await system.tenant.company(code: "XH")
            _ = try await system.grant(workId: "9001", company: xhCompany)
            let admin2 = try await PageSession.signIn(app, "9001")
            // A client company's agent cannot be granted, not even by the center's admin.
            let (refused, html) = try await admin2.post("/admin/grants", ["workId": "7001", "company": "HQ"])
            #expect(refused == .unprocessableEntity && html.contains("客户公司"), "\(refused)")
            #expect(try await CompanyGrant.query(on: app.db).count() == 1)
            #expect(try await admin2.post("/admin/grants", ["workId": "1002", "company": "XH"]).0 == .seeOther)
            #expect(try await CompanyGrant.query(on: app.db).count() == 2)
            let page = try await admin2.get("/admin/companies").1
            #expect(page.contains("撤销 1002 对 XH 的授权"))
            await #expect(throws: KefuError.self) { _ = try await system.grant(workId: "1002", company: xhCompany) }
            await #expect(throws: KefuError.self) { _ = try await system.grant(workId: "7002", company: try await system.tenant.company(code: "HQ")) }
            #expect(try await admin2.post("/admin/grants/revoke", ["workId": "1002", "company": "XH"]).0 == .seeOther)
            #expect(try await CompanyGrant.query(on: app.db).count() == 1)
            // The page's grant and revoke are audited (the service above ran without a history).
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["company.grant", "company.revoke"]).count()
            #expect(audited == 2)
        }
    }

    @Test func aClientCompanysAdminSeesAndEditsOnlyTheirOwnCompany() async throws {
        try await withKefu { app, _ in
            _ = try await Self.twoCompanies(app)
            let b = try await PageSession.signIn(app, "7002")
            let (status, page) = try await b.get("/admin/companies")
            #expect(status == .ok)
            #expect(page.contains("/admin/companies/XH") && !page.contains("/admin/companies/HQ"))
            #expect(!page.contains("添加客户公司") && !page.contains("跨公司授权"))
            // Their own company and branch: editable, with the welcome preview filled in.
            #expect(try await b.post("/admin/branches/XH/HZ", ["name": "杭州分公司", "hotline": "0571-1", "welcome": "{company}{branch}{hotline}"]).0 == .seeOther)
            #expect(try await b.get("/admin/companies").1.contains("星河物业杭州分公司0571-1"))
            #expect(try await b.post("/admin/companies/XH", ["name": "星河物业集团", "hotline": "400-1"]).0 == .seeOther)
            // HQ does not exist for them.
            #expect(try await b.post("/admin/companies/HQ", ["name": "改名", "hotline": ""]).0 == .notFound)
            #expect(try await b.post("/admin/branches/HQ/MAIN", ["name": "x", "hotline": "1", "welcome": "x"]).0 == .notFound)
            #expect(try await b.post("/admin/branches", ["company": "HQ", "code": "X1", "name": "x", "hotline": "1"]).0 == .notFound)
            #expect(try await b.post("/admin/companies", ["code": "ZZ", "name": "新公司"]).0 == .forbidden)
            #expect(try await b.post("/admin/grants", ["workId": "7001", "company": "XH"]).0 == .forbidden)
            // Users: only their own people; HQ's cannot be changed or created.
            let users = try await b.get("/admin").1
            #expect(users.contains("7001") && !users.contains(">1001<"))
            #expect(try await b.post("/admin/users/1001", ["role": "admin"]).0 == .notFound)
            #expect(try await b.post("/admin/users", ["workId": "7100", "name": "越权", "role": "agent", "password": "secret123", "company": "HQ"]).0 == .notFound)
            #expect(try await b.post("/admin/users", ["workId": "7101", "name": "新人", "role": "agent", "password": "secret123"]).0 == .seeOther)
            let created = try #require(try await TenantData.system(app.db).query(User.self).filter(\.$workId == "7101").first())
            #expect(created.companyID == (try await TenantData.system(app.db).company(code: "XH")).id)
            #expect(try await TenantData.system(app.db).query(User.self).filter(\.$workId == "7100").first() == nil)
            // The HQ user 1001 was not touched.
            #expect(try await TenantData.system(app.db).query(User.self).filter(\.$workId == "1001").first()?.role == "agent")
        }
    }

    @Test func theCentersAdminAddsACompanyWithItsFirstBranchAndWorksForIt() async throws {
        try await withKefu { app, u in
            let admin = try await PageSession.signIn(app, "9001")
            let form = ["code": "ZJ", "name": "之江燃气", "hotline": "96777", "branchCode": "HZ", "branchName": "杭州分公司",
                        "branchHotline": "0571-96777", "_once": OnceToken.issue()]
            #expect(try await admin.post("/admin/companies", form).0 == .seeOther)
            // The same form sent twice creates one company (the one-time token).
            #expect(try await admin.post("/admin/companies", form).0 == .seeOther)
            #expect(Self.codes(try await api(app, .GET, "/companies", token: u.admin)) == ["HQ", "ZJ"])
            let branches = try await api(app, .GET, "/branches?company=ZJ", token: u.admin)
            #expect((branches["items"] as? [[String: Any]])?.first?["welcomeText"] as? String == "欢迎致电之江燃气杭州分公司客服热线0571-96777")
            // Bad input keeps the form and names the problem.
            let (status, html) = try await admin.post("/admin/companies", ["code": "之江", "name": "", "_once": OnceToken.issue()])
            #expect(status == .unprocessableEntity && html.contains("代码") && html.contains("名称"))
            let created = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["company.create", "branch.create"]).count()
            #expect(created == 2)
            // Others see nothing of it.
            #expect(Self.codes(try await api(app, .GET, "/companies", token: u.agent)) == ["HQ"])
        }
    }

    @Test func userPlacementNamesTheCompanyAndBranchWhenThereAreSeveral() async throws {
        try await withKefu { app, _ in
            let ua = UserAdmin(db: app.db, now: app.kefu.clock.now())
            let one = try await ua.placement(company: nil, branch: nil)
            #expect(one.0 == (try await TenantFixture.defaultCompanyID(app)))
            _ = try await Self.twoCompanies(app)
            func code(_ body: () async throws -> Void) async -> String? {
                do { try await body(); return nil } catch let e as KefuError { return e.code } catch { return "\(error)" }
            }
            #expect(await code { _ = try await ua.placement(company: nil, branch: nil) } == "company_required")
            #expect(await code { _ = try await ua.placement(company: "NOPE", branch: nil) } == "unknown_company")
            #expect(await code { _ = try await ua.placement(company: "XH", branch: "MAIN") } == "unknown_branch")
            let system = CompanyAdmin(tenant: .system(app.db), history: nil, now: app.kefu.clock.now())
            _ = try await system.addBranch(company: try await system.tenant.company(code: "HQ"), code: "NB", name: "宁波分公司", hotline: "0574-1")
            #expect(await code { _ = try await ua.placement(company: "HQ", branch: nil) } == "branch_required")
            #expect(try await ua.placement(company: "HQ", branch: "NB").1 != nil)
            // Duplicates and bad codes are refused with reasons.
            #expect(await code { _ = try await system.addCompany(code: "XH", name: "重复", hotline: "") } == "company_exists")
            #expect(await code { _ = try await system.addCompany(code: "星河", name: "坏代码", hotline: "") } == "validation_failed")
            #expect(await code { _ = try await system.addBranch(company: try await system.tenant.company(code: "HQ"), code: "NB", name: "x", hotline: "1") } == "branch_exists")

            // The center's admin who sees both companies must pick one for a new user.
            try await TenantFixture.grant(app, workId: "9001", companyCode: "XH")
            let admin = try await PageSession.signIn(app, "9001")
            let (status, html) = try await admin.post("/admin/users", ["workId": "1900", "name": "新人", "role": "agent", "password": "secret123"])
            #expect(status == .unprocessableEntity && html.contains("请选择公司"))
            #expect(try await admin.post("/admin/users", ["workId": "1900", "name": "新人", "role": "agent", "password": "secret123",
                                                          "company": "HQ", "branch": "NB"]).0 == .seeOther)
            let placed = try #require(try await TenantData.system(app.db).query(User.self).filter(\.$workId == "1900").first())
            #expect(placed.branchID == (try await system.tenant.branch(code: "NB", company: placed.companyID)).id)
        }
    }

    @Test func roleNoticesReachOnlyTheirCompany() async throws {
        try await withKefu { app, _ in
            let xh = try await Self.twoCompanies(app)
            let hq = try await TenantFixture.defaultCompanyID(app)
            let now = app.kefu.clock.now()
            try await KefuNotification(role: "shift_lead", company: xh.companyID, workOrderID: nil, message: "星河物业停水通知", createdAt: now).create(on: app.db)
            try await KefuNotification(role: "shift_lead", company: hq, workOrderID: nil, message: "本中心系统升级通知", createdAt: now).create(on: app.db)
            let leadB = try #require(try await TenantData.system(app.db).query(User.self).filter(\.$workId == "7003").first())
            let leadA = try #require(try await TenantData.system(app.db).query(User.self).filter(\.$workId == "3001").first())
            let seenByB = try await KefuNotification.addressed(to: leadB, scope: .companies([xh.companyID]), on: app.db).all().map(\.message)
            let seenByA = try await KefuNotification.addressed(to: leadA, scope: .companies([hq]), on: app.db).all().map(\.message)
            #expect(seenByB == ["星河物业停水通知"])
            #expect(seenByA == ["本中心系统升级通知"])
            let page = try await PageSession.signIn(app, "3001").get("/shift")
            #expect(page.0 == .ok && !page.1.contains("星河物业停水通知"))
        }
    }
}
