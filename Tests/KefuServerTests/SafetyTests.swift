import Foundation
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Issue 10: requests that once ended the process, sign-in hardening, sessions, headers.
@Suite("Safety")
struct SafetyTests {
    /// Paths the file middleware refuses before any session exists used to trap in the error
    /// page ("No SessionsMiddleware detected"). Each must answer, and the app keep serving.
    @Test func refusedStaticPathsAnswerInsteadOfCrashing() async throws {
        try await withKefu { app, u in
            for path in ["/css/../../Package.swift", "/%FF", "/css/%c0%ae%c0%ae/%c0%ae%c0%ae/Package.swift",
                         "/js/..%2f..%2fPackage.swift", "/%2e%2e/%2e%2e/etc/passwd", "/css/%00"] {
                try await app.testing().test(.GET, path, afterResponse: { res in
                    #expect(res.status.code < 500, "\(path) → \(res.status)")
                })
            }
            try await app.testing().test(.GET, "/health", afterResponse: { res in #expect(res.status == .ok) })
            _ = u
        }
    }

    @Test func offsetsBeyondTheWindowAreRefusedNotOverflowed() async throws {
        try await withKefu { app, u in
            for path in ["/customers?offset=9223372036854775807", "/customers?offset=-1", "/customers?limit=0",
                         "/work-orders?offset=9223372036854775807", "/work-orders?limit=9223372036854775807"] {
                let r = try await api(app, .GET, path, token: u.agent)
                #expect(r.status == .badRequest, "\(path) → \(r.status)")
            }
            let page = try await PageSession.signIn(app, "1001")
            let (status, html) = try await page.get("/work-orders?offset=9223372036854775807")
            #expect(status == .badRequest)
            #expect(html.contains("offset"))
        }
    }

    @Test func erlangInputsOutOfRangeAnswer422Quickly() async throws {
        try await withKefu { app, u in
            let started = Date()
            for body: [String: Any] in [["calls": 1e308, "aht": 180], ["calls": 100, "aht": 1e308], ["calls": 1e-300, "aht": 1e-300],
                                        ["calls": 100, "aht": 180, "intervalSeconds": 1e-300], ["calls": 100, "aht": 180, "intervalSeconds": 1e308],
                                        ["calls": 100, "aht": 180, "maxCallsPerAgentHour": 1e-300],
                                        ["calls": 100, "aht": 180, "maxCallsPerAgentHour": 1e308], ["calls": 1e15, "aht": 1e6],
                                        ["calls": 1e15, "aht": 1e6, "patience": 60]] {
                let r = try await api(app, .POST, "/workforce/erlang", token: u.admin, body: body)
                #expect(r.status == .unprocessableEntity, "\(body) → \(r.status)")
                #expect(r.string("error") == "validation_failed")
            }
            let largest = try await api(app, .POST, "/workforce/erlang", token: u.admin,
                                        body: ["calls": 20_000, "aht": 900, "intervalSeconds": 1800, "patience": 120])
            #expect(largest.status == .ok)
            // Only a guard against a runaway computation (the whole suite shares two cores, so
            // these ten requests took 31 s once in CI); their speed is measured from outside.
            #expect(Date().timeIntervalSince(started) < 120)
        }
    }

    /// 系统管理 → 时限策略 → 保存 on a row never saved before read an unset field and trapped.
    @Test func savingADefaultSLARowWorks() async throws {
        try await withKefu { app, _ in
            let admin = try await PageSession.signIn(app, "9001")
            let (status, _) = try await admin.post("/admin/sla", ["key": "consultation.low", "firstMinutes": "30",
                                                                  "resolutionHours": "24", "calendar": "24h"])
            #expect(status == .seeOther)
            let (_, html) = try await admin.get("/admin")
            #expect(html.contains("时限策略已保存"))
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "sla.update").count()
            #expect(audit == 1)
        }
    }

    @Test func wrongPasswordsAreThrottledThenTheAccountLocks() async throws {
        try await withKefu { app, _ in
            func attempt(_ password: String) async throws -> (HTTPStatus, String?, String?) {
                var out: (HTTPStatus, String?, String?) = (.internalServerError, nil, nil)
                try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { req in
                    try req.content.encode(["workId": "1001", "password": password])
                }, afterResponse: { res in
                    let body = try? res.content.decode([String: String].self)
                    out = (res.status, body?["error"], res.headers.first(name: .retryAfter))
                })
                return out
            }
            let throttle = app.kefu.settings.loginThrottle
            for _ in 0..<throttle.freeFailures { #expect(try await attempt("wrong").0 == .unauthorized) }
            #expect(try await attempt("wrong").0 == .unauthorized)   // the first failure that owes a wait
            // The wait runs on the injected clock, held still here: however slow the machine,
            // the next attempt comes within it.
            let streak = try #require(try await LoginFailure.query(on: app.db).filter(\.$key == "account:1001").first())
            #expect(streak.failures == throttle.freeFailures + 1)
            let (status, code, retry) = try await attempt("secret123")
            #expect(status == .tooManyRequests)
            #expect(code == "too_many_attempts")
            #expect(Int(retry ?? "") ?? 0 >= 1)
            // Past the lock count, even the right password is refused until the lock ends.
            let stored = try #require(try await LoginFailure.query(on: app.db).filter(\.$key == "account:1001").first())
            stored.failures = throttle.lockAfter
            try await stored.save(on: app.db)
            let locked = try await attempt("secret123")
            #expect(locked.0 == .tooManyRequests)
            #expect(locked.1 == "account_locked")
            let failures = try await AuditEvent.query(on: app.db).filter(\.$action == "user.login_failed").count()
            #expect(failures == throttle.freeFailures + 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "user.login_refused_locked").count() == 1)
        }
    }

    @Test func anAdminPasswordResetLiftsTheLockAndEndsOldTokens() async throws {
        try await withKefu { app, u in
            try await LoginFailure(key: "account:1001", failures: app.kefu.settings.loginThrottle.lockAfter, lastFailureAt: Date()).create(on: app.db)
            let admin = try await PageSession.signIn(app, "9001")
            let (status, _) = try await admin.post("/admin/users/1001", ["password": "new-secret-456"])
            #expect(status == .seeOther)
            let old = try await api(app, .GET, "/work-orders", token: u.agent).status
            #expect(old == .unauthorized)
            var signedIn = HTTPStatus.internalServerError
            try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { req in
                try req.content.encode(["workId": "1001", "password": "new-secret-456"])
            }, afterResponse: { res in signedIn = res.status })
            #expect(signedIn == .ok)
        }
    }

    /// Counts the password verifications (bcrypt underneath), so the test asks what is done
    /// instead of timing it: how long it takes is measured from outside (Tests/Outside/test_login_timing.py).
    struct CountingHasher: PasswordHasher {
        let verified: NIOLockedValueBox<Int>

        func hash<Password: DataProtocol>(_ password: Password) throws -> [UInt8] {
            Array(try Bcrypt.hash(String(decoding: Array(password), as: UTF8.self), cost: 4).utf8)
        }

        func verify<Password: DataProtocol, Digest: DataProtocol>(_ password: Password, created digest: Digest) throws -> Bool {
            verified.withLockedValue { $0 += 1 }
            return try Bcrypt.verify(String(decoding: Array(password), as: UTF8.self), created: String(decoding: Array(digest), as: UTF8.self))
        }
    }

    @Test func unknownAndKnownAccountsCostTheSameBcryptWork() async throws {
        try await withKefu { app, _ in
            let verified = NIOLockedValueBox(0)
            app.passwords.use { _ in CountingHasher(verified: verified) }
            _ = try await UserAdmin(db: app.db, now: app.kefu.clock.now()).add(
                .init(workId: "1999", name: "计时", role: "agent", password: "secret123", department: nil),
                hasher: app.password.sync, history: nil)
            func attempts(_ workId: String) async throws -> Int {
                let before = verified.withLockedValue { $0 }
                try await app.testing().test(.POST, "/api/v1/session", beforeRequest: { req in
                    try req.content.encode(["workId": workId, "password": "wrong-password"])
                }, afterResponse: { res in #expect(res.status == .unauthorized) })
                try await LoginFailure.query(on: app.db).delete()
                return verified.withLockedValue { $0 } - before
            }
            // Both answers run exactly one bcrypt verification: an unknown ID is not answered sooner.
            #expect(try await attempts("1999") == 1)
            #expect(try await attempts("no-such-user") == 1)
        }
    }

    @Test func signingInIssuesANewSessionAndLogoutEndsIt() async throws {
        try await withKefu { app, _ in
            var planted = ""
            var csrf = ""
            try await app.testing().test(.GET, "/login", afterResponse: { res in
                planted = res.headers.setCookie?["kefu_session"]?.string ?? ""
                csrf = PageSession.csrf(in: res.body.string)
            })
            #expect(!planted.isEmpty)
            var signedIn = ""
            try await app.testing().test(.POST, "/login", beforeRequest: { req in
                req.headers.cookie = ["kefu_session": .init(string: planted)]
                try req.content.encode(["workId": "1001", "password": "secret123", "_csrf": csrf], as: .urlEncodedForm)
            }, afterResponse: { res in
                #expect(res.status == .seeOther)
                signedIn = res.headers.setCookie?["kefu_session"]?.string ?? ""
            })
            #expect(!signedIn.isEmpty && signedIn != planted)
            // The planted id is not signed in.
            try await app.testing().test(.GET, "/workspace", beforeRequest: { req in
                req.headers.cookie = ["kefu_session": .init(string: planted)]
            }, afterResponse: { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location)?.hasPrefix("/login") == true)
            })
            let session = PageSession(app: app, cookie: signedIn, csrf: csrf)
            #expect(try await session.get("/workspace").0 == .ok)
            #expect(try await session.post("/logout", [:]).0 == .seeOther)
            #expect(try await session.get("/workspace").0 == .seeOther)
        }
    }

    @Test func onlySameOriginPathsAfterLogin() async throws {
        try await withKefu { app, _ in
            for (next, expected) in [("/%5Cevil.example", "/workspace"), ("//evil.example", "/workspace"),
                                     ("https://evil.example/", "/workspace"), ("/work-orders", "/work-orders")] {
                var cookie = "", csrf = ""
                try await app.testing().test(.GET, "/login", afterResponse: { res in
                    cookie = res.headers.setCookie?["kefu_session"]?.string ?? ""
                    csrf = PageSession.csrf(in: res.body.string)
                })
                try await app.testing().test(.POST, "/login", beforeRequest: { req in
                    req.headers.cookie = ["kefu_session": .init(string: cookie)]
                    let decoded = next.removingPercentEncoding ?? next
                    try req.content.encode(["workId": "1001", "password": "secret123", "_csrf": csrf, "next": decoded], as: .urlEncodedForm)
                }, afterResponse: { res in
                    #expect(res.headers.first(name: .location) == expected, "next=\(next)")
                })
            }
        }
    }

    @Test func securityHeadersOnPagesAPIAndErrors() async throws {
        try await withKefu { app, u in
            for path in ["/login", "/api/v1/work-orders", "/no-such-page", "/css/kefu.css", "/%FF"] {
                try await app.testing().test(.GET, path, afterResponse: { res in
                    let csp = res.headers.first(name: "Content-Security-Policy") ?? ""
                    #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "\(path)")
                    #expect(!(csp.components(separatedBy: "script-src")[1].components(separatedBy: ";")[0].contains("unsafe-inline")))
                    #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                    #expect(res.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
                    #expect(res.headers.first(name: "Referrer-Policy") != nil, "\(path)")
                })
            }
            _ = u
        }
    }

    @Test func revokedTokensStopWorking() async throws {
        try await withKefu { app, u in
            let before = try await api(app, .GET, "/work-orders", token: u.agent).status
            let revoked = try await api(app, .DELETE, "/session", token: u.agent).status
            let after = try await api(app, .GET, "/work-orders", token: u.agent).status
            let anonymous = try await api(app, .DELETE, "/session", token: nil).status
            #expect(before == .ok)
            #expect(revoked == .noContent)
            #expect(after == .unauthorized)
            #expect(anonymous == .unauthorized)
        }
    }

    @Test func noticesComeFromTheSessionNotTheQueryString() async throws {
        try await withKefu { app, _ in
            let admin = try await PageSession.signIn(app, "9001")
            let (_, forged) = try await admin.get("/admin?notice=%E8%AF%B7%E8%BD%AC%E8%B4%A6")
            #expect(!forged.contains("请转账"))
            _ = try await admin.post("/admin/sla", ["key": "query.low", "firstMinutes": "30", "resolutionHours": "24", "calendar": "24h"])
            #expect(try await admin.get("/admin").1.contains("时限策略已保存"))
            // Shown once.
            #expect(!(try await admin.get("/admin").1.contains("时限策略已保存")))
        }
    }

    @Test func chatStartsAreRateLimitedPerAddress() async throws {
        // Time stands still (withKefu's clock): on a loaded machine the requests may take
        // longer than the window.
        try await withKefu { app, _ in
            var statuses: [HTTPStatus] = []
            let limit = app.kefu.settings.chatStartsPerMinute
            for i in 0...limit {
                var cookie = "", csrf = ""
                try await app.testing().test(.GET, "/chat", afterResponse: { res in
                    cookie = res.headers.setCookie?["kefu_session"]?.string ?? ""
                    csrf = PageSession.csrf(in: res.body.string)
                })
                try await app.testing().test(.POST, "/chat/start", beforeRequest: { req in
                    req.headers.cookie = ["kefu_session": .init(string: cookie)]
                    try req.content.encode(["name": "访客\(i)", "phone": "1380013800\(i % 10)", "_csrf": csrf], as: .urlEncodedForm)
                }, afterResponse: { res in statuses.append(res.status) })
            }
            #expect(statuses.last == .tooManyRequests)
            #expect(statuses.dropLast().allSatisfy { $0.code < 400 })
        }
    }

    @Test func housekeepingPurgesExpiredTokensIdleSessionsAndAbandonedChats() async throws {
        try await withKefu { app, u in
            let far = Date().addingTimeInterval(86_400 * 2)
            let tokensBefore = try await UserToken.query(on: app.db).count()
            // A session a visitor opened and left.
            try await app.testing().test(.GET, "/login", afterResponse: { _ in })
            let chat = Chat()
            chat.companyID = try await TenantFixture.defaultCompanyID(app)
            chat.tokenHash = "x"; chat.customerName = "访客"; chat.status = "waiting"; chat.startedAt = Date().addingTimeInterval(-3 * 3600)
            try await chat.create(on: app.db)
            let outcome = try await Housekeeping(db: app.db, now: far).purge()
            #expect(outcome.tokens == tokensBefore)
            #expect(outcome.sessions >= 1)
            #expect(outcome.chats == 1)
            #expect(try await UserToken.query(on: app.db).count() == 0)
            _ = u
        }
    }

    @Test func resourcesAreFoundFromTheBinaryNotTheWorkingDirectory() throws {
        let root = try ResourceLocator.locate(environment: [:], executablePath: CommandLine.arguments[0], currentDirectory: "/tmp")
        #expect(FileManager.default.fileExists(atPath: root + "Resources/Views/base.leaf"))
        #expect(throws: ResourceLocator.Missing.self) {
            try ResourceLocator.locate(environment: ["KEFU_RESOURCES": "/nonexistent"], executablePath: "/usr/bin/kefu", currentDirectory: "/tmp")
        }
        #expect(throws: ResourceLocator.Missing.self) {
            try ResourceLocator.locate(environment: [:], executablePath: "/usr/bin/kefu", currentDirectory: "/tmp")
        }
    }
}

@Suite("Wallboard origin")
struct WallboardOriginTests {
    /// A page on another site could open the wallboard socket with the lead's cookies: the
    /// upgrade is refused unless the Origin is our own.
    @Test func aForeignOriginCannotOpenTheWallboardSocket() async throws {
        try await withKefu { app, u in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            /// The upgrade request as a browser sends it, over a plain socket (HTTP clients do
            /// not send upgrades); the status line tells whether the socket was opened.
            func upgradeStatusLine(origin: String?) throws -> String {
                var request = "GET /wallboard/ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer \(u.shiftLead)\r\n"
                if let origin { request += "Origin: \(origin)\r\n" }
                return try RawHTTP.firstLine(port: port, request: request + "\r\n")
            }
            #expect(try upgradeStatusLine(origin: nil).contains("101"))
            #expect(try upgradeStatusLine(origin: "http://127.0.0.1:\(port)").contains("101"))
            #expect(try upgradeStatusLine(origin: "http://evil.example").contains("403"))
            #expect(try upgradeStatusLine(origin: "http://attacker.test:\(port)").contains("403"))
            await app.server.shutdown()
        }
    }
}

/// One request over a blocking loopback socket, for what HTTP clients refuse to send.
enum RawHTTP {
    struct Failed: Error {}

    static func firstLine(port: Int, request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failed() }
        defer { close(fd) }
        // Generous: the PostgreSQL test run keeps both cores busy.
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failed() }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw Failed() }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n > 0 else { throw Failed() }
        return String(decoding: buffer[0..<n], as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
    }
}
