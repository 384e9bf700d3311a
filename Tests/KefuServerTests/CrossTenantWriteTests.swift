import Foundation
import Testing
import VaporTesting
import Fluent
import SQLKit
import KefuCore
@testable import KefuServer

/// The write side of issue 11's check: every route that changes an object named in its path
/// (API and pages), called by company B's people with HQ's ids, work IDs and codes and a
/// body that would pass validation; every other write route with a body naming HQ's company,
/// branch, customer and department. Nothing of HQ changes (its rows, their children, its
/// settings and the center-wide ones), nothing of HQ is shown, no 5xx.
@Suite("Cross-tenant writes (R11.2)")
struct CrossTenantWriteTests {
    /// Routes whose effect would end the caller's own sign-in.
    static let skipped: Set<String> = ["DELETE /api/v1/session", "POST /logout"]
    /// Not aimed at HQ with a body: signing in (a wrong password counts against the person),
    /// the customer's public chat (it may rightly start a chat with any branch), moving the
    /// test's clock.
    static let notAimed: Set<String> = ["/login", "/api/v1/session", "/chat/start", "/chat/send", "/api/v1/clock/advance"]

    /// One body with the fields of every write form, each plausible, so a refusal comes from
    /// the scope rather than from validation.
    static func body(department: UUID) -> [String: String] {
        ["subject": "乙方篡改", "description": "乙方篡改", "text": "乙方篡改", "note": "乙方篡改", "reason": "乙方篡改",
         "reached": "true", "satisfaction": "5", "departmentId": department.uuidString, "department": "乙工程组",
         "deadline": iso(testStart.addingTimeInterval(86400)), "status": "resolved", "ownerWorkId": "b-agent", "to": "b-agent",
         "name": "乙方篡改", "hotline": "4000000000", "welcome": "乙方篡改{hotline}", "role": "agent", "active": "false",
         "day": "2026-12-01", "shift": "A", "workId": "b-agent", "decision": "accept", "state": "accepted", "score": "0",
         "rule": "乙方篡改", "points": "-50", "segment": "0", "confirm": "true"]
    }

    @Test func writesWithAnotherCompanysIdsChangeNothing() async throws {
        try await withKefu { app, u in
            let world = try await CrossTenantWorld.build(app, u)
            let hq = try await TenantFixture.defaultCompanyID(app)
            let department = try #require(try await Department.query(on: app.db).filter(\.$name == "乙工程组").first()?.id)
            let before = try await Self.fingerprint(app, company: hq)
            var failures: [String] = []
            var requests = 0
            let form = Self.body(department: department)
            let json: [String: Any] = form.mapValues { v -> Any in
                if v == "true" { return true }
                if v == "false" { return false }
                return Int(v) ?? v
            }
            // Routes without an id in the path: the body names HQ's company, branch, customer
            // and department (a new order in HQ's branch, a transfer to HQ's department, a user
            // or department added to HQ, HQ's IVR or SLA saved …).
            var aimed = form
            aimed["company"] = "HQ"; aimed["branch"] = "MAIN"; aimed["branchCode"] = "MAIN"; aimed["companyCode"] = "HQ"
            aimed["departmentId"] = u.departmentID.uuidString; aimed["department"] = "技术部"
            aimed["customerId"] = world.hq.customerID ?? ""
            aimed["workId"] = "b-intruder"; aimed["password"] = "secret123"; aimed["slaCompany"] = "HQ"
            aimed["phrase"] = "乙方篡改"; aimed["target"] = "c-" + hq.uuidString   // a lexicon addition for HQ
            aimed["key"] = "complaint.urgent"; aimed["firstMinutes"] = "5"; aimed["resolutionHours"] = "1"; aimed["calendar"] = "24h"
            var aimedJSON = json
            for (k, v) in aimed { aimedJSON[k] = json[k] == nil || ["workId", "department", "departmentId"].contains(k) ? v : json[k] }
            aimedJSON["customer"] = ["name": "乙方篡改", "phone": "13900000077"]
            // Each person's sweep is independent (own token, own session): side by side, so the
            // sweep uses every core instead of one request at a time.
            let bodies = SweepBodies(form: form, json: json, aimed: aimed, aimedJSON: aimedJSON)
            try await withThrowingTaskGroup(of: (failures: [String], requests: Int).self) { group in
                for person in world.bPeople {
                    group.addTask { try await Self.writeSweep(app, person, world: world, bodies: bodies) }
                }
                for try await r in group {
                    failures += r.failures
                    requests += r.requests
                }
            }
            #expect(requests > 100, "the write sweep made \(requests) requests")
            #expect(failures.isEmpty, "\(failures.count) problems:\n\(failures.prefix(60).joined(separator: "\n"))")
            let after = try await Self.fingerprint(app, company: hq)
            for table in Set(before.keys).union(after.keys).sorted() where after[table] != before[table] {
                Issue.record("HQ's \(table) changed by company B's requests")
            }
        }
    }

    /// The write sweep's bodies: a plain form and its JSON, and the same aimed at HQ.
    struct SweepBodies: @unchecked Sendable {
        var form: [String: String]
        var json: [String: Any]
        var aimed: [String: String]
        var aimedJSON: [String: Any]
    }

    /// One person of company B against every write route: HQ's ids in the path, then HQ named
    /// in the body of the routes without an id.
    static func writeSweep(_ app: Application, _ person: CrossTenantWorld.Person, world: CrossTenantWorld,
                           bodies: SweepBodies) async throws -> (failures: [String], requests: Int) {
        var failures: [String] = []
        var requests = 0
        for route in app.routes.all where ![.GET, .HEAD].contains(route.method) {
            let template = "/" + route.path.map(\.description).joined(separator: "/")
            if Self.skipped.contains("\(route.method) \(template)") { continue }
            guard route.path.contains(where: { if case .parameter = $0 { return true } else { return false } }) else { continue }
            // Refused at the gate whatever the ids: one request shows it.
            let paths = CrossTenantTests.expand(route.path, foreign: world.hq)
            for path in RouteGate.refuses(route, person.role) ? Array(paths.prefix(1)) : paths {
                requests += 1
                let (status, text): (HTTPStatus, String)
                if path.hasPrefix("/api/") {
                    (status, text) = try await Self.send(app, route.method, path, token: person.token, json: bodies.json)
                } else {
                    (status, text) = try await person.page.post(path, bodies.form)
                }
                let label = "\(person.label) \(route.method) \(path) → \(status.code)"
                if status.code >= 500 { failures.append("\(label) \(text.prefix(160))") }
                if (200..<300).contains(status.code) { failures.append("\(label): accepted") }
                for marker in world.hq.texts where text.contains(marker) { failures.append("\(label) shows HQ's「\(marker)」") }
            }
        }
        for route in app.routes.all where ![.GET, .HEAD].contains(route.method) {
            let template = "/" + route.path.map(\.description).joined(separator: "/")
            if Self.skipped.contains("\(route.method) \(template)") || Self.notAimed.contains(template) { continue }
            if route.path.contains(where: { if case .parameter = $0 { return true } else { return false } }) { continue }
            requests += 1
            let (status, text): (HTTPStatus, String)
            if template.hasPrefix("/api/") {
                (status, text) = try await Self.send(app, route.method, template, token: person.token, json: bodies.aimedJSON)
            } else {
                (status, text) = try await person.page.post(template, bodies.aimed)
            }
            let label = "\(person.label) \(route.method) \(template) [HQ named in the body] → \(status.code)"
            if status.code >= 500 { failures.append("\(label) \(text.prefix(160))") }
            for marker in world.hq.texts where text.contains(marker) { failures.append("\(label) shows HQ's「\(marker)」") }
        }
        return (failures, requests)
    }

    @Test func creatingIntoAnotherCompanyIsRefusedAsMissing() async throws {
        try await withKefu { app, u in
            let world = try await CrossTenantWorld.build(app, u)
            let agent = try #require(world.bPeople.first { $0.label.hasSuffix(" b-agent") })
            let admin = try #require(world.bPeople.first { $0.label.hasSuffix(" b-admin") })
            // A new order in HQ's branch.
            var order = newOrderBody(phone: "13900000055")
            order["branchCode"] = "MAIN"
            let created = try await api(app, .POST, "/work-orders", token: agent.token, body: order)
            #expect(created.status == .notFound, "order into HQ's branch: \(created.status) \(created.json)")
            // B's own order sent to HQ's department.
            let bOrder = try #require(world.b.orderID)
            let transfer = try await api(app, .POST, "/work-orders/\(bOrder)/transfers", token: agent.token,
                                         body: ["departmentId": u.departmentID.uuidString, "deadline": iso(testStart.addingTimeInterval(86400)), "note": "x"])
            // Refused exactly like a department that does not exist at all: the id tells nothing.
            let nowhere = try await api(app, .POST, "/work-orders/\(bOrder)/transfers", token: agent.token,
                                        body: ["departmentId": UUID().uuidString, "deadline": iso(testStart.addingTimeInterval(86400)), "note": "x"])
            #expect(transfer.status == nowhere.status && [.notFound, .unprocessableEntity].contains(transfer.status),
                    "transfer to HQ's department: \(transfer.status) \(transfer.json)")
            // An order for HQ's customer, refused like one for a customer that does not exist.
            var forHQCustomer = newOrderBody(phone: "13900000056")
            forHQCustomer.removeValue(forKey: "customer")
            let hqCustomer: String = try #require(world.hq.customerID)
            forHQCustomer["customerId"] = hqCustomer
            let stolen = try await api(app, .POST, "/work-orders", token: agent.token, body: forHQCustomer)
            forHQCustomer["customerId"] = UUID().uuidString
            let unknown = try await api(app, .POST, "/work-orders", token: agent.token, body: forHQCustomer)
            #expect(stolen.status == unknown.status && [.notFound, .unprocessableEntity].contains(stolen.status),
                    "order for HQ's customer: \(stolen.status) \(stolen.json)")
            // A person and a department added to HQ by B's admin.
            let user = try await admin.page.post("/admin/users", ["workId": "b-intruder", "name": "乙方", "role": "agent",
                                                                  "password": "secret123", "company": "HQ", "branch": "MAIN"])
            #expect(user.0 == .notFound, "user into HQ: \(user.0)")
            let department = try await admin.page.post("/admin/departments", ["name": "乙方渗透部", "company": "HQ"])
            #expect(department.0 == .notFound, "department into HQ: \(department.0)")
            #expect(try await User.query(on: app.db).filter(\.$workId == "b-intruder").count() == 0)
            #expect(try await Department.query(on: app.db).filter(\.$name == "乙方渗透部").count() == 0)
        }
    }

    /// HQ's rows, table by table, as JSON (every field), plus the child tables' row counts.
    static func fingerprint(_ app: Application, company: UUID) async throws -> [String: String] {
        let tenant = TenantData(scope: .companies([company]), db: app.db)
        var out: [String: String] = [:]
        func add<M: CompanyScoped>(_ type: M.Type) async throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let rows = try await tenant.query(M.self).all().map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            out[M.schema] = rows.sorted().joined(separator: "\n")
        }
        try await add(User.self); try await add(Department.self); try await add(Customer.self); try await add(WorkOrder.self)
        try await add(SupervisionOrder.self); try await add(Contact.self); try await add(Chat.self); try await add(CTIToken.self)
        try await add(IVRMenuVersion.self); try await add(RosterRecord.self); try await add(TrafficIntervalRecord.self)
        try await add(ForecastRun.self); try await add(ShiftSwapRecord.self); try await add(WorkforceProfile.self)
        try await add(SLAPolicyRecord.self); try await add(LexiconAddition.self); try await add(Team.self)
        try await add(CounterService.self); try await add(CounterWindow.self); try await add(CounterTicket.self)
        try await add(TechnicianProfile.self); try await add(FieldVisit.self); try await add(FieldVisitSignature.self)
        try await add(OutboundCampaign.self); try await add(OutboundTargetRecord.self); try await add(OutboundAttempt.self); try await add(DoNotCallNumber.self)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        out["companies"] = String(decoding: try encoder.encode(try await Company.find(company, on: app.db)), as: UTF8.self)
        let branches = try await Branch.query(on: app.db).filter(\.$company.$id == company).sort(\.$code).all()
        out["branches"] = String(decoding: try encoder.encode(branches), as: UTF8.self)
        let targets = try await BranchSLATarget.query(on: app.db).filter(\.$branch.$id ~~ branches.compactMap(\.id)).all()
        out["branch_sla_targets"] = targets.map { String(decoding: (try? encoder.encode($0)) ?? Data(), as: UTF8.self) }.sorted().joined(separator: "\n")
        // Child rows of HQ's objects.
        for (table, column, parent) in [("timeline_events", "work_order_id", "work_orders"), ("callbacks", "work_order_id", "work_orders"),
                                         ("qa_findings", "contact_id", "contacts"), ("qa_appeals", "contact_id", "contacts"),
                                         ("chat_messages", "chat_id", "chats"), ("roster_assignments", "roster_id", "rosters")] {
            struct N: Decodable { var n: Int }
            let n = try await (try app.db.sql()).raw("""
                SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(ident: column) IN (SELECT id FROM \(ident: parent) WHERE company_id = \(bind: company))
                """).first(decoding: N.self)?.n
            out[table] = String(n ?? -1)
        }
        // HQ's settings (keys suffixed with its id) and the center-wide ones (no suffix).
        struct Setting: Decodable { var key: String; var value: String }
        let settings = try await (try app.db.sql()).raw("SELECT key, value FROM app_settings").all(decoding: Setting.self)
        for s in settings where !s.key.contains("@") || s.key.hasSuffix("@" + company.uuidString.lowercased()) {
            out["app_settings " + s.key] = s.value
        }
        out["qa_lexicons"] = String(try await MigrationUpgradeTests.count(app.db, "qa_lexicons"))
        let findings = try await QAFindingRecord.query(on: app.db).all().map { "\($0.id?.uuidString ?? "") \($0.state) \($0.points)" }
        out["qa_findings.state"] = findings.sorted().joined(separator: "\n")
        return out
    }

    static func send(_ app: Application, _ method: HTTPMethod, _ path: String, token: String, json: [String: Any]) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.internalServerError, "")
        try await app.testing().test(method, path, beforeRequest: { req in
            req.headers.bearerAuthorization = .init(token: token)
            req.headers.contentType = .json
            req.body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        }, afterResponse: { res in out = (res.status, res.body.string) })
        return out
    }
}
