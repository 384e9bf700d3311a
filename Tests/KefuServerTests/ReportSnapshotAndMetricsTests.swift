import Foundation
import Testing
import VaporTesting
import Fluent
import KefuCore
@testable import KefuServer

/// Scheduled reports (R10.1): Monday's weekly and the 1st's monthly snapshot, made once and
/// never changed by a later edit; and `/metrics` for operations, behind its token.
@Suite("Report snapshots and metrics")
struct ReportSnapshotAndMetricsTests {
    static let tz = TimeZone(identifier: "Asia/Shanghai") ?? .current

    @Test func mondaysWeekAndTheFirstsMonthAreKeptAsPublished() async throws {
        // Orders on Wednesday 2026-12-30; the snapshots run on Monday 2027-01-04 at 07:00.
        let clock = ManualClock(LocalDay(year: 2026, month: 12, day: 30).start(in: Self.tz).addingTimeInterval(10 * 3600))
        try await withKefu(clock: clock) { app, u in
            let id = try #require(try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "query")).string("id"))
            _ = try await api(app, .POST, "/work-orders", token: u.agent, body: newOrderBody(type: "complaint", phone: "13900000001"))
            let monday = LocalDay(year: 2027, month: 1, day: 4).start(in: Self.tz).addingTimeInterval(7 * 3600)
            try await ReportSnapshots.generateIfDue(db: app.db, now: monday, timeZone: Self.tz, logger: app.logger)
            try await ReportSnapshots.generateIfDue(db: app.db, now: monday.addingTimeInterval(600), timeZone: Self.tz, logger: app.logger)
            let kept = try await ReportSnapshot.query(on: app.db).sort(\.$kind).all()
            #expect(kept.map { "\($0.kind.rawValue) \($0.fromDay) \($0.toDay)" } == ["month 2026-12-01 2026-12-31", "week 2026-12-28 2027-01-03"])
            let week = try #require(kept.first { $0.kind == .week })
            #expect(try ReportSnapshots.body(week).groupings["type"]?.total == 2)
            // An edit afterwards changes the live report, not what was published.
            clock.advance(by: 3600)
            _ = try await api(app, .PATCH, "/work-orders/\(id)", token: u.agent, body: ["status": "resolved"])
            _ = try await api(app, .POST, "/work-orders/\(id)/callbacks", token: u.agent, body: ["reached": true, "satisfaction": 5])
            #expect(try await api(app, .POST, "/work-orders/\(id)/close", token: u.agent, body: [:]).status == .ok)
            let live = try await api(app, .GET, "/reports/orders?from=2026-12-28&to=2027-01-03", token: u.shiftLead)
            #expect((live["groups"] as? [[String: Any]])?.first { $0["key"] as? String == "query" }?["closed"] as? Int == 1)
            let again = try #require(try await ReportSnapshot.find(week.id, on: app.db))
            #expect(try ReportSnapshots.body(again).groupings["type"]?.groups.first { $0.key == "query" }?.closed == 0)
            // The page lists it and shows it; an agent may not.
            let lead = try await PageSession.signIn(app, "3001")
            #expect(try await lead.get("/reports/orders").1.contains("/reports/snapshots/\(try week.requireID())"))
            let shown = try await lead.get("/reports/snapshots/\(try week.requireID())?groupBy=channel")
            #expect(shown.0 == .ok && shown.1.contains("周报 2026-12-28 至 2027-01-03") && shown.1.contains("电话"))
            #expect(try await PageSession.signIn(app, "1001").get("/reports/snapshots/\(try week.requireID())").0 == .forbidden)
            #expect(try await lead.get("/reports/snapshots/\(UUID())").0 == .notFound)
        }
    }

    @Test func metricsNeedTheirTokenAndCountRequests() async throws {
        try await withKefu(settings: { $0.metricsToken = "scrape-secret" }) { app, u in
            _ = try await api(app, .GET, "/work-orders", token: u.agent)
            var status = HTTPStatus.ok, body = ""
            try await app.testing().test(.GET, "/metrics", afterResponse: { res in status = res.status })
            #expect(status == .unauthorized)
            try await app.testing().test(.GET, "/metrics", beforeRequest: { req in req.headers.bearerAuthorization = .init(token: "wrong") },
                                         afterResponse: { res in status = res.status })
            #expect(status == .unauthorized)
            try await app.testing().test(.GET, "/metrics", beforeRequest: { req in req.headers.bearerAuthorization = .init(token: "scrape-secret") },
                                         afterResponse: { res in status = res.status; body = res.body.string })
            #expect(status == .ok)
            #expect(body.contains("kefu_http_requests_total{method=\"GET\",route=\"/api/v1/work-orders\",status=\"200\"} 1"))
            #expect(body.contains("kefu_http_request_duration_seconds_bucket") && body.contains("kefu_floor_agents{company=\"HQ\",state=\"Available\"} 0"))
            #expect(body.contains("kefu_orders_sla_breached_open") && body.contains("kefu_report_rollup_backlog_orders"))
        }
        // Without a token configured there is no endpoint.
        try await withKefu { app, _ in
            var status = HTTPStatus.ok
            try await app.testing().test(.GET, "/metrics", beforeRequest: { req in req.headers.bearerAuthorization = .init(token: "") },
                                         afterResponse: { res in status = res.status })
            #expect(status == .notFound)
        }
    }
}
