import Foundation
import Testing
import VaporTesting
import Fluent
@testable import KefuServer

@Suite("Routes, pages and the command line")
struct RouteAndPageTests {
    @Test func everyRouteDeclaresItsAccess() async throws {
        try await withKefu(simulated: true) { app, _ in
            let undeclared = app.routes.all.filter { $0.userInfo[RouteAccess.key] == nil }
                .map { "\($0.method) /\($0.path.map(\.description).joined(separator: "/"))" }
            #expect(undeclared.isEmpty, "routes without a declared permission: \(undeclared)")
            let publicRoutes = app.routes.all.filter { ($0.userInfo[RouteAccess.key] as? String) == RouteAccess.publicValue }
                .map { "/" + $0.path.map(\.description).joined(separator: "/") }
            // The customer's side of the web chat is public on purpose: customers have no account.
            #expect(Set(publicRoutes) == ["/health", "/api/v1/openapi.json", "/api/v1/session", "/", "/login",
                                          "/chat", "/chat/start", "/chat/send", "/chat/messages"])
        }
    }

    @Test func loginPageAndCSRF() async throws {
        try await withKefu { app, _ in
            try await app.testing().test(.GET, "/login", afterResponse: { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("login-form"))
            })
            try await app.testing().test(.POST, "/login", beforeRequest: { req in
                try req.content.encode(["workId": "1001", "password": "secret123"], as: .urlEncodedForm)
            }, afterResponse: { res in
                #expect(res.status == .forbidden)
                #expect(res.body.string.contains("页面已过期"))
            })
            try await app.testing().test(.GET, "/workspace", afterResponse: { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location)?.hasPrefix("/login") == true)
            })
            try await app.testing().test(.GET, "/api/v1/openapi.json", afterResponse: { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("\"openapi\""))
            })
        }
    }

    @Test func launchArguments() {
        let a = LaunchArguments(["kefu", "serve", "--host", "0.0.0.0", "--port", "9000", "--simulated-clock"])
        #expect(a.vaporArguments == ["kefu", "serve", "--hostname", "0.0.0.0", "--port", "9000"])
        #expect(a.simulatedClock)
        #expect(a.isServing)
        #expect(LaunchArguments(["kefu", "serve", "--host=::1", "--port=9001"]).vaporArguments
                == ["kefu", "serve", "--hostname", "::1", "--port", "9001"])
        #expect(!LaunchArguments(["kefu", "migrate"]).isServing)
        #expect(LaunchArguments(["kefu", "demo", "--port", "8081"]).isServing)
        // Only serve and demo take Vapor's --hostname; `cti connect` has a --host of its own.
        #expect(LaunchArguments(["kefu", "cti", "connect", "ami", "--host", "pbx"]).vaporArguments.contains("--host"))
    }

    @Test func databaseURLs() throws {
        #expect(try Settings.parseDatabaseURL("sqlite:///abs/x.sqlite") == .sqlite(path: "/abs/x.sqlite"))
        #expect(try Settings.parseDatabaseURL("sqlite://rel/x.sqlite") == .sqlite(path: "rel/x.sqlite"))
        #expect(try Settings.parseDatabaseURL("postgres://u:p@h:5432/db") == .postgres(url: "postgres://u:p@h:5432/db"))
        #expect(throws: Settings.Invalid.self) { try Settings.parseDatabaseURL("mysql://x") }
    }
}
