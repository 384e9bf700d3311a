import Foundation
import Testing
import VaporTesting
@testable import KefuServer

/// The OpenAPI document says what the server enforces (issue 10): every API route is
/// documented with its method and the reverse, a method a path does not take answers 405
/// with `Allow`, paging and filters are bounded and refused the way the document says, and
/// times outside 1970–2099 are refused where they are decoded.
@Suite struct OpenAPIContractTests {
    /// (METHOD, "/path/{param}") of every operation in the served document.
    func documentedOperations(_ app: Application) async throws -> Set<String> {
        var ops = Set<String>()
        try await app.testing().test(.GET, "/api/v1/openapi.json", afterResponse: { res in
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as? [String: Any])
            let paths = try #require(doc["paths"] as? [String: [String: Any]])
            for (path, item) in paths {
                for method in item.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    ops.insert(method.uppercased() + " " + path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "{}", options: .regularExpression))
                }
            }
        })
        return ops
    }

    @Test func everyAPIRouteIsDocumentedAndEveryDocumentedOperationExists() async throws {
        try await withKefu(simulated: true) { app, _ in
            let documented = try await documentedOperations(app)
            var routed = Set<String>()
            for route in app.routes.all {
                let parts = route.path.map { component -> String in
                    if case .constant(let s) = component { return s }
                    return "{}"
                }
                guard parts.starts(with: ["api", "v1"]), parts.count > 2 else { continue }
                let path = "/" + parts.dropFirst(2).joined(separator: "/")
                if path == "/openapi.json" && route.method == .GET { routed.insert("GET /openapi.json"); continue }
                routed.insert(route.method.rawValue + " " + path)
            }
            #expect(routed.subtracting(documented).sorted() == [], "routes missing from Resources/openapi.json")
            #expect(documented.subtracting(routed).sorted() == [], "documented operations without a route")
        }
    }

    @Test func aMethodThePathDoesNotTakeAnswers405WithAllow() async throws {
        try await withKefu { app, u in
            for method in [HTTPMethod.TRACE, .PUT, .DELETE, .RAW(value: "BREW")] {
                try await app.testing().test(method, "/api/v1/work-orders", beforeRequest: { req in
                    req.headers.bearerAuthorization = .init(token: u.admin)
                }, afterResponse: { res in
                    #expect(res.status == .methodNotAllowed, "\(method)")
                    let allow = res.headers.first(name: .allow) ?? ""
                    #expect(allow.contains("GET") && allow.contains("POST") && !allow.contains("PUT"), "\(allow)")
                    #expect(res.body.string.contains("method_not_allowed"))
                })
            }
            // unauthenticated, with a path parameter
            try await app.testing().test(.TRACE, "/api/v1/work-orders/\(UUID())/timeline", afterResponse: { res in
                #expect(res.status == .methodNotAllowed)
                #expect(res.headers.first(name: .allow) == "GET, HEAD, OPTIONS")
            })
            try await app.testing().test(.OPTIONS, "/api/v1/session", afterResponse: { res in
                #expect(res.status == .noContent)
                #expect(res.headers.first(name: .allow)?.contains("POST") == true)
            })
            // a page: 405 too (a Chinese error page), and a path nobody serves stays 404
            try await app.testing().test(.PUT, "/login", afterResponse: { res in
                #expect(res.status == .methodNotAllowed)
            })
            try await app.testing().test(.TRACE, "/api/v1/no-such-thing", afterResponse: { res in
                #expect(res.status == .notFound)
            })
        }
    }

    @Test func pagingIsBoundedWhereItIsDecoded() async throws {
        try await withKefu { app, u in
            for path in ["/work-orders", "/customers", "/qa/contacts"] {
                for query in ["offset=9223372036854775807", "offset=1000001", "offset=-1", "limit=0", "limit=201",
                              "limit=-1", "offset=9223372036854775808", "offset=1e3"] {
                    let r = try await api(app, .GET, "\(path)?\(query)", token: u.admin)
                    #expect(r.status == .badRequest, "\(path)?\(query) → \(r.status)")
                }
                let ok = try await api(app, .GET, "\(path)?offset=1000000&limit=200", token: u.admin)
                #expect(ok.status == .ok, "\(path) at the bounds → \(ok.status)")
                #expect(ok["offset"] as? Int == 1_000_000)
            }
        }
    }

    @Test func emptyAndMalformedFiltersAreRefused() async throws {
        try await withKefu { app, u in
            for path in ["/work-orders?customerId=", "/work-orders?status=", "/work-orders?type=",
                         "/supervision-orders?departmentId=", "/supervision-orders?status=",
                         "/qa/contacts?to=", "/qa/contacts?from=2026-13-01", "/qa/contacts?status=done", "/qa/contacts?agentId="] {
                let r = try await api(app, .GET, path, token: u.admin)
                #expect(r.status == .badRequest, "\(path) → \(r.status)")
            }
            #expect(try await api(app, .GET, "/qa/contacts?from=2026-11-01&to=2026-11-30&status=scored", token: u.admin).status == .ok)
        }
    }

    @Test func timesOutsideTheAcceptedYearsAreRefused() async throws {
        try await withKefu { app, u in
            var body = newOrderBody()
            body["promisedReplyAt"] = "0567-11-24T09:00:00+08:00"
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: body).status == .badRequest)
            body["promisedReplyAt"] = "2100-01-01T09:00:00+08:00"
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: body).status == .badRequest)
            body["promisedReplyAt"] = "2026-11-24T09:00:00+08:00"
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: body).status == .created)

            let contact: [String: Any] = ["id": "c-0567", "startedAt": "0567-10-01T09:00:05+08:00", "channel": "phone", "agentId": "1001",
                                          "segments": [["speaker": "agent", "start": 0, "end": 2, "text": "您好"]]]
            let r = try await api(app, .POST, "/qa/contacts", token: u.admin, body: contact)
            #expect(r.status == .unprocessableEntity)
            #expect(r.string("reason")?.contains("1970–2099") == true)
            #expect(JSONCoding.parseISO("1970-01-01T00:00:00Z") != nil)
            #expect(JSONCoding.parseISO("2099-12-31T23:59:59+08:00") != nil)
            #expect(JSONCoding.parseISO("1969-12-31T23:59:59Z") == nil)
            #expect(JSONCoding.parseISO("+2026-01-01T00:00:00Z") == nil)
            // Schema-valid, and once refused (schemathesis): an offset past Foundation's ±18 h.
            let order = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            let id = try #require(order.string("id"))
            let so = try await api(app, .POST, "/work-orders/\(id)/transfers", token: u.agent,
                                   body: ["departmentId": u.departmentID.uuidString, "note": "请核查",
                                          "deadline": "2026-11-25T00:00:58.18353-23:07"])
            #expect(so.status == .created)
            #expect(so.string("deadline") == "2026-11-26T07:07:58+08:00")
        }
    }

    @Test func bodiesTheServerUsedToIgnoreOrStretch() async throws {
        try await withKefu { app, u in
            // reopen: a body that is sent must be the documented object
            let created = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody())
            let id = try #require(created.string("id"))
            try await app.testing().test(.POST, "/api/v1/work-orders/\(id)/reopen", beforeRequest: { req in
                req.headers.bearerAuthorization = .init(token: u.agent)
                req.headers.contentType = .json
                req.body = ByteBuffer(string: ".\n-garbage")
            }, afterResponse: { res in #expect(res.status == .badRequest) })

            // a phone number in Arabic-Indic digits is not a number a switch can dial
            let arabic = try await api(app, .POST, "/customers", token: u.agent, body: ["name": "测试", "phone": "٣٣٣٣٣٣٣"])
            #expect(arabic.status == .unprocessableEntity)
            let fullWidth = try await api(app, .POST, "/customers", token: u.agent, body: ["name": "测试", "phone": "１３９１２３４５６７８"])
            #expect(fullWidth.status == .created)
            // address parts at most 100 scalars, for customers as for orders
            let long = String(repeating: "路", count: 101)
            let r = try await api(app, .POST, "/customers", token: u.agent,
                                  body: ["name": "测试", "phone": "13900139000", "address": ["street": long]])
            #expect(r.status == .unprocessableEntity)

            // lengths count Unicode scalars, as maxLength does: 101 é written as e + ◌́ are 202
            var combining = newOrderBody(phone: "13700137000")
            combining["subject"] = String(repeating: "e\u{0301}", count: 101)
            #expect(try await api(app, .POST, "/work-orders", token: u.agent, body: combining).status == .unprocessableEntity)

            // the training clock: 401 without a token even when training mode is off, then 404
            #expect(try await api(app, .POST, "/clock/advance", token: nil, body: ["seconds": 60]).status == .unauthorized)
            #expect(try await api(app, .POST, "/clock/advance", token: u.admin, body: ["seconds": 60]).status == .notFound)
        }
    }

    @Test func aTrafficUploadWithoutTheHeaderIsRefused() async throws {
        try await withKefu { app, u in
            for (body, status) in [("{}", HTTPStatus.unprocessableEntity), ("offered,answered\n1,1", .unprocessableEntity),
                                   ("\u{FEFF}interval_start, offered,answered,abandoned,aht_seconds\r\n", .ok)] {
                try await app.testing().test(.POST, "/api/v1/workforce/traffic?interval=30", beforeRequest: { req in
                    req.headers.bearerAuthorization = .init(token: u.admin)
                    req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                    req.body = ByteBuffer(string: body)
                }, afterResponse: { res in #expect(res.status == status, "\(body.debugDescription) → \(res.status)") })
            }
        }
    }
}
