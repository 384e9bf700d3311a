import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// The crash class of issue 10, checked over the whole route table: every route, as every
/// role and as nobody, with path parameters and query values that overflow, traverse or are
/// not UTF-8, and bodies with numbers at the ends of Double. A trap would end this test
/// process; a 5xx fails the test.
@Suite("Every route × every role")
struct RouteFuzzTests {
    static let pathValues = ["9223372036854775807", "..%2F..%2FPackage.swift", "-1"]
    static let query = "offset=9223372036854775807&limit=-1&month=0000-00&date=9999-99-99&customerId=&day=0&interval=0"
    static let bodies: [String] = [
        "{}",
        #"{"calls":1e308,"aht":1e-300,"intervalSeconds":1e308,"maxCallsPerAgentHour":1e-300,"seconds":1e308,"limit":9223372036854775807,"offset":9223372036854775807,"satisfaction":9223372036854775807,"version":0,"score":1e308}"#,
        #"{"workId":"","password":"","type":"complaint","channel":"phone","subject":"","customer":{"name":"","phone":"1"},"segments":[{"speaker":"agent","start":1e308,"end":-1e308,"text":"x"}]}"#,
        "[1e308]",
    ]
    /// Routes whose effect would end this test's own sign-in.
    static let skipped: Set<String> = ["DELETE /api/v1/session", "POST /logout", "GET /wallboard/ws"]

    @Test func noRouteAnswers5xxOrEndsTheProcess() async throws {
        try await withKefu { app, u in
            var tokens: [String: String?] = ["nobody": nil]
            var roles: [String: Role] = [:]
            let admin = UserAdmin(db: app.db, now: app.kefu.clock.now())
            for role in Role.allCases {
                let workId = "7\(Role.allCases.firstIndex(of: role) ?? 0)00"
                _ = try await admin.add(.init(workId: workId, name: "角色\(role.rawValue)", role: role.rawValue, password: "secret123",
                                              department: role == .liaison ? "技术部" : nil), hasher: app.password.sync, history: nil)
                tokens[role.rawValue] = try await TestUsers.login(app, workId)
                roles[role.rawValue] = role
            }
            // Something to act on, so id routes reach their handlers.
            let order = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            let orderID = order.string("id") ?? UUID().uuidString
            var failures: [String] = []
            var count = 0
            for route in app.routes.all {
                let method = route.method
                let template = "/" + route.path.map(\.description).joined(separator: "/")
                if Self.skipped.contains("\(method) \(template)") || route.path.contains(where: { if case .catchall = $0 { return true } else { return false } }) { continue }
                var paths: [String] = []
                if route.path.contains(where: { if case .parameter = $0 { return true } else { return false } }) {
                    for value in Self.pathValues + [orderID] {
                        paths.append("/" + route.path.map { c -> String in
                            if case .parameter = c { return value } else { return c.description }
                        }.joined(separator: "/"))
                    }
                } else {
                    paths.append(template)
                }
                let bodies: [String?] = method == .GET || method == .HEAD || method == .DELETE ? [nil] : Self.bodies.map(Optional.some)
                let combos = paths.flatMap { path in bodies.map { (path, $0) } }
                // The roles the gate lets through share the hostile values: each (path, body) goes
                // to one of them in turn, and each of them gets at least one, so every value
                // reaches the handler and every role passes through it (all with the hostile query).
                let admitted = tokens.keys.sorted().filter { !RouteGate.refuses(route, roles[$0]) }
                for (role, token) in tokens {
                    // Refused at the gate: one request shows it; the values never reach a handler.
                    let refused = RouteGate.refuses(route, roles[role])
                    let mine: [(String, String?)]
                    if refused {
                        mine = Array(combos.prefix(1))
                    } else if let i = admitted.firstIndex(of: role) {
                        let shared = combos.indices.filter { $0 % admitted.count == i }.map { combos[$0] }
                        mine = shared.isEmpty ? [combos[i % combos.count]] : shared
                    } else {
                        mine = combos
                    }
                    for (path, body) in mine {
                        count += 1
                        let target = path + "?" + Self.query
                        try await app.testing().test(method, target, beforeRequest: { req in
                            if let token { req.headers.bearerAuthorization = .init(token: token) }
                            if let body {
                                req.headers.contentType = .json
                                req.body = ByteBuffer(string: body)
                            }
                        }, afterResponse: { res in
                            if res.status.code >= 500 {
                                failures.append("\(role) \(method) \(target) \(body ?? "") → \(res.status.code) \(res.body.string.prefix(200))")
                            }
                            // The gate: 401 (API) or, for a page without a session, 303 to the sign-in page; 403 for a role.
                            let gate = res.status == .unauthorized || res.status == .forbidden
                                || (res.status == .seeOther && res.headers.first(name: .location)?.hasPrefix("/login") == true)
                            if refused && !gate {
                                failures.append("\(role) \(method) \(target) → \(res.status.code), expected the gate's refusal")
                            }
                        })
                    }
                }
            }
            #expect(count > 1_000)
            #expect(failures.isEmpty, "\(failures.count) answers ≥ 500:\n\(failures.prefix(30).joined(separator: "\n"))")
            try await app.testing().test(.GET, "/health", afterResponse: { res in #expect(res.status == .ok) })
        }
    }
}
