import Foundation
import Testing
import VaporTesting
import Fluent
import FluentPostgresDriver
import SQLKit
import KefuCore
@testable import KefuServer

/// A fresh application on a fresh database for one test: a temporary SQLite file, or —
/// when KEFU_TEST_POSTGRES_URL is set — a new PostgreSQL database created for this test
/// and dropped afterwards. Parallel tests never share a database.
func withKefu(clock: ManualClock? = nil, simulated: Bool = false, settings change: (inout Settings) -> Void = { _ in },
              _ body: (Application, TestUsers) async throws -> Void) async throws {
    let env = ProcessInfo.processInfo.environment
    var settings = Settings()
    settings.simulatedClock = simulated
    change(&settings)
    // One key per test app (and its siblings, which share the settings).
    settings.dataKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
    var cleanup: (() async throws -> Void)?
    if let adminURL = env["KEFU_TEST_POSTGRES_URL"], !adminURL.isEmpty {
        let name = "kefu_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await postgresAdmin(adminURL, "CREATE DATABASE \(name)")
        settings.database = .postgres(url: replacingDatabase(in: adminURL, with: String(name)))
        cleanup = { try await postgresAdmin(adminURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    } else {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-test-\(UUID().uuidString)")
        settings.database = .sqlite(path: dir.appendingPathComponent("t.sqlite").path)
        cleanup = { try? FileManager.default.removeItem(at: dir) }
    }
    let app = try await Application.make(.testing)
    do {
        try await configure(app, settings: settings, clock: simulated ? nil : (clock ?? ManualClock(testStart)))
        app.passwords.use(.bcrypt(cost: 4))
        try await app.autoMigrate()
        try await DatabaseSetup.prepare(app)
        let users = try await TestUsers.create(on: app)
        try await body(app, users)
    } catch {
        // A test that started the HTTP server and then failed must not leave it running:
        // Vapor's HTTPServer asserts in deinit, which would end the whole test process.
        await app.server.shutdown()
        try? await app.asyncShutdown()
        try? await cleanup?()
        throw error
    }
    try await app.asyncShutdown()
    try await cleanup?()
}

/// Settings for a fresh, empty database (nothing migrated), chosen like `withKefu`'s:
/// SQLite in a temporary file, or a new PostgreSQL database when KEFU_TEST_POSTGRES_URL is
/// set. For tests that build the database themselves (an upgrade from a previous release).
func withEmptyDatabase(_ body: (Settings) async throws -> Void) async throws {
    let env = ProcessInfo.processInfo.environment
    var settings = Settings()
    settings.dataKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
    let cleanup: () async throws -> Void
    if let adminURL = env["KEFU_TEST_POSTGRES_URL"], !adminURL.isEmpty {
        let name = "kefu_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await postgresAdmin(adminURL, "CREATE DATABASE \(name)")
        settings.database = .postgres(url: replacingDatabase(in: adminURL, with: String(name)))
        cleanup = { try await postgresAdmin(adminURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    } else {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-test-\(UUID().uuidString)")
        settings.database = .sqlite(path: dir.appendingPathComponent("t.sqlite").path)
        cleanup = { try? FileManager.default.removeItem(at: dir) }
    }
    do { try await body(settings) } catch {
        try? await cleanup()
        throw error
    }
    try await cleanup()
}

/// Monday 2026-11-23 09:00 in Shanghai.
let testStart: Date = {
    var c = DateComponents(); c.year = 2026; c.month = 11; c.day = 23; c.hour = 9
    c.timeZone = TimeZone(identifier: "Asia/Shanghai")
    return Calendar(identifier: .gregorian).date(from: c)!
}()

private func replacingDatabase(in url: String, with name: String) -> String {
    var comps = URLComponents(string: url)!
    comps.path = "/" + name
    return comps.string!
}

private func postgresAdmin(_ url: String, _ statement: String) async throws {
    let app = try await Application.make(.testing)
    do {
        app.databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url)), as: .psql)
        try await (app.db as! any SQLDatabase).raw(SQLQueryString(statement)).run()
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

/// People every test can act as, with their API tokens.
struct TestUsers {
    var agent: String, agent2: String, liaison: String, otherLiaison: String, shiftLead: String, admin: String, qc: String
    var departmentID: UUID, otherDepartmentID: UUID

    static func create(on app: Application) async throws -> TestUsers {
        let admin = UserAdmin(db: app.db, now: app.kefu.clock.now())
        let specs: [(String, String, String?)] = [("1001", "agent", nil), ("1002", "agent", nil), ("5001", "liaison", "技术部"),
                                                  ("5002", "liaison", "财务部"), ("3001", "shift_lead", nil), ("9001", "admin", nil),
                                                  ("4001", "qc_inspector", nil)]
        for (id, role, dep) in specs {
            _ = try await admin.add(.init(workId: id, name: "测试\(id)", role: role, password: "secret123", department: dep),
                                    createDepartment: true, hasher: app.password.sync, history: nil)
        }
        var tokens: [String: String] = [:]
        for (id, _, _) in specs { tokens[id] = try await login(app, id) }
        return TestUsers(agent: tokens["1001"]!, agent2: tokens["1002"]!, liaison: tokens["5001"]!, otherLiaison: tokens["5002"]!,
                         shiftLead: tokens["3001"]!, admin: tokens["9001"]!, qc: tokens["4001"]!,
                         departmentID: try await admin.department(named: "技术部").id!,
                         otherDepartmentID: try await admin.department(named: "财务部").id!)
    }

    static func login(_ app: Application, _ workId: String) async throws -> String {
        var token = ""
        try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { req in
            try req.content.encode(["workId": workId, "password": "secret123"])
        }, afterResponse: { res in
            #expect(res.status == .ok)
            token = try res.content.decode([String: String].self)["token"] ?? ""
        })
        return token
    }
}

/// A JSON response, decoded loosely so tests read fields the way an API client would.
struct JSONResponse {
    let status: HTTPStatus
    let json: [String: Any]
    subscript(key: String) -> Any? { json[key] }
    func string(_ key: String) -> String? { json[key] as? String }
}

/// Sends one API request with a bearer token and a JSON body.
func api(_ app: Application, _ method: HTTPMethod, _ path: String, token: String?, body: [String: Any]? = nil) async throws -> JSONResponse {
    var result = JSONResponse(status: .internalServerError, json: [:])
    try await app.testing().test(method, "/api/v1" + path, beforeRequest: { req in
        if let token { req.headers.bearerAuthorization = .init(token: token) }
        if let body {
            req.headers.contentType = .json
            req.body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
        }
    }, afterResponse: { res in
        let obj = (try? JSONSerialization.jsonObject(with: Data(buffer: res.body))) as? [String: Any] ?? [:]
        result = JSONResponse(status: res.status, json: obj)
    })
    return result
}

/// Sends a CSV document (`text/csv`) as the body of an API request.
func postCSV(_ app: Application, _ path: String, token: String, _ text: String) async throws -> JSONResponse {
    var result = JSONResponse(status: .internalServerError, json: [:])
    try await app.testing().test(.POST, "/api/v1" + path, beforeRequest: { req in
        req.headers.bearerAuthorization = .init(token: token)
        req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
        req.body = ByteBuffer(string: text)
    }, afterResponse: { res in
        result = JSONResponse(status: res.status, json: (try? JSONSerialization.jsonObject(with: Data(buffer: res.body))) as? [String: Any] ?? [:])
    })
    return result
}

func newOrderBody(type: String = "complaint", channel: String = "phone", phone: String = "13800138000") -> [String: Any] {
    ["type": type, "channel": channel, "subject": "宽带断线", "description": "每天晚上八点断线",
     "customer": ["name": "王建国", "phone": phone]]
}

func iso(_ d: Date) -> String { JSONCoding.formatISO(d, timeZone: TimeZone(identifier: "Asia/Shanghai")!) }

/// Another application on the same database as `app` — what a second `kefu serve` process
/// (or the same one after a restart) is to the first. The caller shuts it down.
func sibling(of app: Application, clock: any KefuClock) async throws -> Application {
    let other = try await Application.make(.testing)
    try await configure(other, settings: app.kefu.settings, clock: clock)
    try await other.asyncBoot()
    return other
}

/// A visitor starts a web chat under `name`, as /chat's form posts it.
func startWebChat(_ app: Application, name: String) async throws {
    var cookie = "", csrf = "", once = ""
    try await app.testing().test(.GET, "/chat", afterResponse: { res in
        cookie = res.headers.setCookie?["kefu_session"]?.string ?? ""
        csrf = PageSession.csrf(in: res.body.string)
        once = IdempotencyTests.onceToken(in: res.body.string) ?? ""
    })
    try await app.testing().test(.POST, "/chat/start", beforeRequest: { req in
        req.headers.cookie = ["kefu_session": .init(string: cookie)]
        try req.content.encode(["name": name, "_csrf": csrf, "_once": once], as: .urlEncodedForm)
    }, afterResponse: { res in #expect(res.status == .seeOther, "chat start as \(name)") })
}

/// The permission gate every route declares (`RequirePermission`, stamped in the route's
/// `userInfo`): it refuses a role before any parameter, query or body is read, so a sweep
/// learns all it can about a refused role from one request per route and spends the rest
/// on the roles that reach the handler.
enum RouteGate {
    static func refuses(_ route: Route, _ role: Role?) -> Bool {
        guard let value = route.userInfo[RouteAccess.key] as? String, let permission = Permission(rawValue: value) else { return false }
        guard let role else { return true }
        return !permission.roles.contains(role)
    }

    /// The GET route an OpenAPI path (`/work-orders/{id}`, relative to /api/v1) is served by.
    static func apiRoute(_ app: Application, _ template: String, method: HTTPMethod = .GET) -> Route? {
        let wanted = ("/api/v1" + template).split(separator: "/").map { $0.hasPrefix("{") ? "*" : String($0) }
        return app.routes.all.first { route in
            route.method == method && route.path.map { c -> String in if case .parameter = c { return "*" } else { return c.description } } == wanted
        }
    }
}
