import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Issue 11's check: for every route in the OpenAPI document and every page, a user of one
/// company asks for the other company's objects by id and by list, and nothing of the other
/// company comes back (a 404 or an empty list; never a 5xx). Both directions: company B's
/// agent, admin, shift lead, QC inspector, planner and liaison, and HQ's front line, staff
/// and admin. Path parameters take the other company's ids, numbers, work IDs, codes and
/// roster month; lists are asked with its company and branch codes, order number, customer
/// and people. On PostgreSQL too when KEFU_TEST_POSTGRES_URL is set (`withKefu`).
@Suite("Cross-tenant isolation (R11.2)")
struct CrossTenantTests {
    @Test("the fixture makes a second company whose people can sign in")
    func fixture() async throws {
        try await withKefu { app, _ in
            let b = try await TenantFixture.addCompany(app, code: "BCO", name: "乙公司",
                                                      branches: [("B1", "乙一部", "4008000001"), ("B2", "乙二部", "4008000002")],
                                                      users: [("b-agent", "agent", nil), ("b-liaison", "liaison", "乙技术部")])
            #expect(b.branches.count == 2)
            #expect(try !b.token("b-agent").isEmpty)
            #expect(b.users["b-liaison"]?.departmentID != nil)
            #expect(b.users["b-agent"]?.branchID == b.branches["B1"])
            try await TenantFixture.grant(app, workId: "9001", companyCode: "BCO")
            #expect(try await CompanyGrant.query(on: app.db).count() == 1)
        }
    }

    @Test("nobody of one company gets anything of the other, by id or by list, API or page")
    func everyRouteEveryRole() async throws {
        try await withKefu { app, u in
            let world = try await CrossTenantWorld.build(app, u)
            // Positive controls: each company reads its own order, so a missing marker below
            // means "hidden", not "never made".
            for (own, token) in [(world.hq, u.agent), (world.b, try #require(world.bPeople.first?.token))] {
                let id = try #require(own.orderID, "\(own.code) has an order")
                let mine = try await api(app, .GET, "/work-orders/\(id)", token: token)
                #expect(mine.status == .ok && mine.string("subject")?.hasSuffix("公司机密") == true, "\(own.code) reads its own order")
            }
            var failures: [String] = []
            var requests = 0
            // Each person's sweep is independent (own token, own session): run them side by
            // side, so this longest test uses every core instead of one request at a time.
            let sweeps = [(world.bPeople, world.hq), (world.hqPeople, world.b)].flatMap { people, foreign in people.map { ($0, foreign) } }
            try await withThrowingTaskGroup(of: (failures: [String], requests: Int).self) { group in
                for (person, foreign) in sweeps {
                    group.addTask { try await Self.sweep(app, person, foreign: foreign) }
                }
                for try await r in group {
                    failures += r.failures
                    requests += r.requests
                }
            }
            #expect(requests > 2_000, "the sweep reached \(requests) requests")
            // The sweep can see: run against a company's own holdings, it finds each kind of
            // object somewhere (so "found nothing" above means hidden, not unreachable).
            for (person, own) in [(try #require(world.bPeople.first { $0.label.hasSuffix("b-admin") }), world.b),
                                  (try #require(world.hqPeople.first { $0.label.hasSuffix("9001") }), world.hq)] {
                let seen = try await Self.sweep(app, person, foreign: own).failures.joined(separator: "\n")
                for marker in own.texts.filter({ $0.contains("公司机密") || $0.contains("客户") || $0.contains("欢迎词") }) {
                    #expect(seen.contains("「\(marker)」"), "\(person.label) never sees its own「\(marker)」: the sweep is blind to it")
                }
            }
            #expect(failures.isEmpty, "\(failures.count) leaks or 5xx:\n\(failures.prefix(60).joined(separator: "\n"))")
        }
    }

    @Test("live figures count only the caller's company; a granted admin sees B only when asking for it")
    func liveFiguresAndGrants() async throws {
        try await withKefu { app, u in
            let world = try await CrossTenantWorld.build(app, u)
            let bLead = try #require(world.bPeople.first { $0.label.hasSuffix("b-shift-lead") })
            for (token, who) in [(u.shiftLead, "HQ"), (bLead.token, "BCO")] {
                let live = try await api(app, .GET, "/live", token: token)
                #expect(live.status == .ok, "\(who) /live")
                #expect(live["waiting"] as? Int == 1, "\(who) sees its own one waiting call, not the other company's: \(live["waiting"] ?? "nil")")
            }
            // Granted: the admin of the operating company may ask for BCO by name.
            try await TenantFixture.grant(app, workId: "9001", companyCode: "BCO")
            let token = try await TestUsers.login(app, "9001")
            let bOrder = try #require(world.b.orderID)
            let hqOrder = try #require(world.hq.orderID)
            #expect(try await Self.send(app, "/api/v1/work-orders/\(bOrder)", token: token, company: "BCO").0 == .ok)
            #expect(try await Self.send(app, "/api/v1/work-orders/\(hqOrder)", token: token, company: "BCO").0 == .notFound)
            #expect(try await Self.send(app, "/api/v1/work-orders/\(bOrder)", token: token, company: "HQ").0 == .notFound)
            let onlyB = try await Self.send(app, "/api/v1/work-orders?limit=200", token: token, company: "BCO")
            #expect(onlyB.0 == .ok && onlyB.1.contains("乙公司机密") && !onlyB.1.contains("甲公司机密"))
            // B's people never may: a company they were not granted answers 404.
            let bAgent = try #require(world.bPeople.first?.token)
            #expect(try await Self.send(app, "/api/v1/work-orders", token: bAgent, company: "HQ").0 == .notFound)
        }
    }

    // MARK: the sweep

    static let skipped: Set<String> = ["/wallboard/ws"]

    /// Every GET of the OpenAPI document (bearer) and every GET page (session) as `person`,
    /// with the other company's ids in the path and its codes in `?company=&branch=`.
    static func sweep(_ app: Application, _ person: CrossTenantWorld.Person,
                      foreign: CrossTenantWorld.Holdings) async throws -> (failures: [String], requests: Int) {
        var failures: [String] = []
        var requests = 0
        let filter = "company=\(foreign.code)&branch=\(foreign.branchCode)"
        // Lists asked about the other company's objects by query: its order number, its
        // customer, its people.
        var about = [filter]
        if let number = foreign.orderNumber { about.append("q=\(number)") }
        if let customer = foreign.customerID { about.append("customerId=\(customer)") }
        if let workId = foreign.workIds.first { about.append("ownerWorkId=\(workId)&agentId=\(workId)&workId=\(workId)") }
        /// Whether `path` names one of the other company's objects: by its UUID, or by the
        /// readable ids the order and contact routes also take (a number, an external id).
        /// Elsewhere a malformed id may rightly mean "none chosen" (the chat desk).
        let uuids = foreign.idValues.filter { UUID(uuidString: $0) != nil }
        func namesObject(_ path: String) -> Bool {
            uuids.contains { path.contains($0) }
                || ["/work-orders/", "/api/v1/work-orders/", "/qa/contacts/", "/api/v1/qa/contacts/"].contains { path.hasPrefix($0) }
        }
        /// `byID`: the path names one of the other company's objects, which does not exist
        /// for this person — 404 (403 when the role may not use the route at all), never 200.
        func look(_ target: String, _ status: HTTPStatus, _ body: String, byID: Bool = false) {
            requests += 1
            if status.code >= 500 { failures.append("\(person.label) GET \(target) → \(status.code) \(body.prefix(160))") }
            if byID && status == .ok { failures.append("\(person.label) GET \(target) → 200 for \(foreign.code)'s object (expected 404)") }
            let text = body.lowercased()
            let asked = target.lowercased()
            for marker in foreign.texts where text.contains(marker.lowercased()) && !asked.contains(marker.lowercased()) {
                failures.append("\(person.label) GET \(target) → \(status.code) shows \(foreign.code)'s「\(marker)」")
            }
            for id in foreign.ids where text.contains(id.lowercased()) && !asked.contains(id.lowercased()) {
                failures.append("\(person.label) GET \(target) → \(status.code) shows \(foreign.code)'s id \(id)")
            }
        }

        // API: the OpenAPI document's paths.
        for template in try apiTemplates() {
            // A role the route's gate refuses learns nothing from any value: one request shows it.
            let refused = RouteGate.apiRoute(app, template).map { RouteGate.refuses($0, person.role) } ?? false
            let paths = expand(template, open: "{", close: "}", foreign: foreign)
            for path in refused ? Array(paths.prefix(1)) : paths {
                var targets = [path]
                if !template.contains("{") && !refused { targets += about.map { path + "?" + $0 } }
                for target in targets {
                    let (status, body) = try await send(app, "/api/v1" + target, token: person.token)
                    look("/api/v1" + target, status, body, byID: template.contains("{id}") && namesObject("/api/v1" + target))
                }
                // Naming the other company in the header is refused like a missing row.
                if refused { continue }
                let (status, body) = try await send(app, "/api/v1" + path, token: person.token, company: foreign.code)
                look("/api/v1" + path + " [X-Kefu-Company: \(foreign.code)]", status, body)
            }
        }
        // Pages: every GET route outside the API.
        for route in app.routes.all where route.method == .GET {
            if route.path.first?.description == "api" { continue }
            if route.path.contains(where: { if case .catchall = $0 { return true } else { return false } }) { continue }
            if route.path.contains(where: { if case .anything = $0 { return true } else { return false } }) { continue }
            let template = "/" + route.path.map(\.description).joined(separator: "/")
            if skipped.contains(template) { continue }
            let hasParameters = route.path.contains { if case .parameter = $0 { return true } else { return false } }
            let refused = RouteGate.refuses(route, person.role)
            let paths = expand(route.path, foreign: foreign)
            for path in refused ? Array(paths.prefix(1)) : paths {
                for target in hasParameters || refused ? [path] : [path] + about.map({ path + "?" + $0 }) {
                    let (status, body) = try await person.page.get(target)
                    look(target, status, body, byID: route.path.contains { $0 == .parameter("id") } && namesObject(target))
                }
            }
        }
        return (failures, requests)
    }

    /// GET paths of Resources/openapi.json, relative to /api/v1.
    static func apiTemplates() throws -> [String] {
        let url = TenantIsolationLintTests.packageRoot.appendingPathComponent("Resources/openapi.json")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let paths = try #require(doc["paths"] as? [String: Any])
        return paths.compactMap { path, ops in ((ops as? [String: Any])?["get"] != nil) ? path : nil }.sorted()
    }

    /// Values for a path parameter: the other company's objects by id, people by work ID,
    /// its company and branch codes, its roster month; a plain value for anything else.
    static func values(for name: String, _ foreign: CrossTenantWorld.Holdings) -> [String] {
        switch name {
        case "id": foreign.idValues + foreign.findingIDs
        case "month": [CrossTenantWorld.month]
        case "workId": foreign.workIds
        case "code": [foreign.code, foreign.branchCode]
        case "company": [foreign.code]
        case "action": ["approve", "reject"]
        case "day": ["2026-12-01"]
        default: ["1"]
        }
    }

    static func expand(_ template: String, open: Character, close: Character, foreign: CrossTenantWorld.Holdings) -> [String] {
        let parts = template.split(separator: "/").map(String.init)
        var results = [""]
        for part in parts {
            let options = part.first == open && part.last == close ? values(for: String(part.dropFirst().dropLast()), foreign) : [part]
            results = results.flatMap { prefix in options.map { prefix + "/" + $0 } }
        }
        return results
    }

    static func expand(_ components: [PathComponent], foreign: CrossTenantWorld.Holdings) -> [String] {
        var results = [""]
        for c in components {
            let options: [String]
            if case .parameter(let name) = c { options = values(for: name, foreign) } else { options = [c.description] }
            results = results.flatMap { prefix in options.map { prefix + "/" + $0 } }
        }
        return results.map { $0.isEmpty ? "/" : $0 }
    }

    /// A GET with a bearer token, optionally naming a company in `X-Kefu-Company`.
    static func send(_ app: Application, _ target: String, token: String, company: String? = nil) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.internalServerError, "")
        try await app.testing().test(.GET, target, beforeRequest: { req in
            req.headers.bearerAuthorization = .init(token: token)
            if let company { req.headers.replaceOrAdd(name: "X-Kefu-Company", value: company) }
        }, afterResponse: { res in out = (res.status, res.body.string) })
        return out
    }
}
