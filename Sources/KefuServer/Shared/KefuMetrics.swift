import Fluent
import Prometheus
import SQLKit
import Vapor
import KefuCore

/// What operations scrape from each `kefu serve` (swift-prometheus, the text format):
/// requests and their latencies by route, the background jobs' runs and failures, kept in
/// this process's registry; and, read from the database at scrape time, the queues'
/// waiting calls, agents by state, open orders past their deadline and the reports'
/// backlog. One registry per application (no process-wide bootstrap), so tests and several
/// apps in one process each count their own.
final class KefuMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Request latency buckets, seconds: a page is expected well under 100 ms.
    static let buckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                      .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)]

    /// `kefu_<subsystem>_<name>[_<unit>]`, with its help line.
    static func named(_ subsystem: String, _ name: String, unit: String = "", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "kefu", subsystem: subsystem, metricName: name, unitName: unit, helpText: help)
    }
    static var requests: MetricNameDescriptor { named("http", "requests", unit: "total", help: "HTTP requests by route pattern, method and status.") }
    static var latency: MetricNameDescriptor { named("http", "request_duration", unit: "seconds", help: "HTTP request latency by route pattern and method.") }
    static var jobRuns: MetricNameDescriptor { named("job", "runs", unit: "total", help: "Background job runs.") }
    static var jobFailures: MetricNameDescriptor { named("job", "failures", unit: "total", help: "Background job runs that failed.") }
    static var waiting: MetricNameDescriptor { named("queue", "waiting", unit: "calls", help: "Calls waiting in each queue now.") }
    static var agents: MetricNameDescriptor { named("floor", "agents", help: "Agents by state now.") }
    static var breached: MetricNameDescriptor { named("orders", "sla_breached_open", help: "Open work orders escalated for lateness.") }
    static var backlog: MetricNameDescriptor { named("report", "rollup_backlog", unit: "orders", help: "Orders whose report facts are still to be brought up to date.") }

    func request(method: String, route: String, status: UInt, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.latency, labels: [("method", method), ("route", route)], buckets: Self.buckets).record(duration)
    }

    /// A background job's run (`deadline_sweep`, `report_rollups` …), failed or not.
    func job(_ name: String, failed: Bool) {
        registry.makeCounter(descriptor: Self.jobRuns, labels: [("job", name)]).increment()
        if failed { registry.makeCounter(descriptor: Self.jobFailures, labels: [("job", name)]).increment() }
    }

    /// The figures read at scrape time, then everything as Prometheus text.
    func scrape(_ app: Application, now: Date) async throws -> String {
        let db = app.db
        let companies = try await TenantData.system(db).companies()
        for company in companies {
            guard let id = company.id else { continue }
            let state = try await app.live.state(company: id, on: db, now: now)
            for (queue, waiting) in state.waitingCountByQueue {
                registry.makeGauge(descriptor: Self.waiting, labels: [("company", company.code), ("queue", queue)]).set(Double(waiting))
            }
            for agentState in AgentState.allCodes {
                registry.makeGauge(descriptor: Self.agents, labels: [("company", company.code), ("state", agentState)])
                    .set(Double(state.agentCountsByState[agentState] ?? 0))
            }
        }
        struct Row: Decodable { var company_id: UUID; var n: Int }
        let sql = try db.sql()
        let overdue = try await sql.select().column("company_id").column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
            .from("work_orders").where("status", .notEqual, SQLBind(WorkOrderStatus.closed.rawValue))
            .where("escalation_level", .greaterThan, SQLBind(0)).groupBy("company_id").all(decoding: Row.self)
        let byCompany = Dictionary(overdue.map { ($0.company_id, $0.n) }, uniquingKeysWith: +)
        for company in companies {
            guard let id = company.id else { continue }
            registry.makeGauge(descriptor: Self.breached, labels: [("company", company.code)]).set(Double(byCompany[id] ?? 0))
        }
        struct Count: Decodable { var n: Int }
        let backlog = try await sql.select().column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
            .from("report_dirty_orders").first(decoding: Count.self)?.n ?? 0
        registry.makeGauge(descriptor: Self.backlog).set(Double(backlog))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

extension Application {
    private struct KefuMetricsKey: StorageKey { typealias Value = KefuMetrics }

    /// This application's metrics registry, made on first use.
    var metrics: KefuMetrics {
        if let m = storage[KefuMetricsKey.self] { return m }
        let m = KefuMetrics()
        storage[KefuMetricsKey.self] = m
        return m
    }
}

/// Counts every request by its route pattern (`/work-orders/:id`, never the id itself, so the
/// label set stays small) and method and status, with its latency.
struct MetricsMiddleware: AsyncMiddleware {
    let metrics: KefuMetrics

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next.respond(to: request)
            record(request, status: response.status.code, since: start)
            return response
        } catch {
            record(request, status: (error as? any AbortError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    func record(_ request: Request, status: UInt, since start: ContinuousClock.Instant) {
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        metrics.request(method: request.method.rawValue, route: route, status: status, duration: ContinuousClock.now - start)
    }
}

/// `GET /metrics` for Prometheus, behind the bearer token in `KEFU_METRICS_TOKEN` (the
/// scrape config's `authorization`); without a token configured the endpoint does not exist.
struct MetricsRoute {
    let token: String?

    func register(_ app: Application) {
        PermissionRoutes(base: app.routes, value: RouteAccess.metricsValue).get("metrics", use: scrape)
    }

    func scrape(req: Request) async throws -> Response {
        // Plain answers, not the pages' sign-in redirect: the client is a scraper.
        guard let token, !token.isEmpty else { return Response(status: .notFound) }
        // Compared as digests, so the time taken says nothing about how much of a guess was right.
        guard let given = req.headers.bearerAuthorization?.token, SHA256.hash(data: Data(given.utf8)) == SHA256.hash(data: Data(token.utf8)) else {
            return Response(status: .unauthorized, headers: ["WWW-Authenticate": "Bearer"])
        }
        let text = try await req.application.metrics.scrape(req.application, now: req.now)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
