import Fluent
import SQLKit
import Vapor
import KefuCore

/// The stored interval history: imports from CSV, folds from Kefu's own CTI events, and
/// reads for the forecast and the five tables. A re-imported interval replaces the old row,
/// so correcting a file and importing it again is safe. All of it per company (R11.2): one
/// company's calls never shape another's forecast.
struct TrafficHistory {
    let company: WorkforceCompany
    var db: Database { company.db }

    struct ImportResult: Content { var companyCode: String; var imported: Int; var errors: [LineError] }
    struct LineError: Content { var line: Int; var reason: String }

    /// Imports every good row; bad rows come back with their line numbers and are not stored.
    func importCSV(_ text: String, clock: WorkforceClock, now: Date) async throws -> ImportResult {
        let parsed = TrafficCSV.parse(text, clock: clock)
        let errors = parsed.errors.map { e -> LineError in
            if case let .badLine(line, reason) = e { return LineError(line: line, reason: reason) }
            return LineError(line: 0, reason: e.description)
        }
        try await store(parsed.volumes, intervalMinutes: clock.intervalMinutes, source: "csv", now: now)
        return ImportResult(companyCode: company.code, imported: parsed.volumes.count, errors: errors)
    }

    /// Folds the CTI events of [from, to) into intervals and stores them (source `cti`).
    func aggregateCTI(from: Date, to: Date, clock: WorkforceClock, now: Date) async throws -> Int {
        let events = try await ctiEvents(from: from, to: to)
        let volumes = TrafficAggregator.intervals(of: Self.calls(events), clock: clock, from: from, to: to)
        try await store(volumes, intervalMinutes: clock.intervalMinutes, source: "cti", now: now)
        return volumes.count
    }

    /// This company's CTI events timed in [from, to), in time order. Raw SQL on a scoped
    /// table, so the company condition is added here.
    func ctiEvents(from: Date, to: Date) async throws -> [CTIEvent] {
        let rows = try await (try db.sql()).select().column("*").from("cti_events")
            .where("company_id", .equal, SQLBind(company.id))
            .where("at", .greaterThanOrEqual, SQLBind(from)).where("at", .lessThan, SQLBind(to))
            .orderBy("at").orderBy("seq").all(decoding: CTIEventStore.Row.self)
        return rows.compactMap(CTIEventStore.event)
    }

    /// One record per call id: when it joined the queue, was answered and ended.
    static func calls(_ events: [CTIEvent]) -> [TrafficAggregator.Call] {
        var byCall: [String: (arrived: Date?, answered: Date?, ended: Date?, abandoned: Bool)] = [:]
        for e in events {
            guard let id = e.callId else { continue }
            var c = byCall[id] ?? (nil, nil, nil, false)
            switch e.type {
            case .contact(.enqueued): c.arrived = min(c.arrived ?? e.at, e.at)
            case .contact(.answered): if c.answered == nil { c.answered = e.at }
            case .contact(.completed): c.ended = e.at
            case .contact(.abandoned): c.abandoned = true; c.ended = e.at
            default: break
            }
            byCall[id] = c
        }
        return byCall.values.compactMap { c in
            guard let arrived = c.arrived else { return nil }
            return TrafficAggregator.Call(arrivedAt: arrived, answeredAt: c.answered, endedAt: c.ended, abandoned: c.abandoned && c.answered == nil)
        }
    }

    func store(_ volumes: [IntervalVolume], intervalMinutes: Int, source: String, now: Date) async throws {
        guard !volumes.isEmpty else { return }
        try await db.writeTransaction { tx in
            let sql = try tx.sql()
            for chunk in stride(from: 0, to: volumes.count, by: 400) {
                let part = volumes[chunk..<min(chunk + 400, volumes.count)]
                try await sql.delete(from: TrafficIntervalRecord.schema)
                    .where("company_id", .equal, SQLBind(company.id))
                    .where("interval_minutes", .equal, SQLBind(intervalMinutes))
                    .where("start", .in, SQLBind.group(part.map(\.start)))
                    .run()
                var insert = sql.insert(into: TrafficIntervalRecord.schema)
                    .columns("id", "company_id", "start", "interval_minutes", "offered", "answered", "abandoned", "aht_seconds", "source", "updated_at")
                for v in part {
                    insert = insert.values(SQLBind(UUID()), SQLBind(company.id), SQLBind(v.start), SQLBind(intervalMinutes), SQLBind(v.offered), SQLBind(v.answered),
                                           SQLBind(v.abandoned), SQLBind(v.ahtSeconds), SQLBind(source), SQLBind(now))
                }
                try await insert.run()
            }
        }
    }

    /// History of one interval length in [from, to) (all of it when nil), in time order.
    /// Read with SQLKit straight into `IntervalVolume`: a month is ~1,500 rows, and hydrating
    /// each as a Fluent model (reflection per field) was a fifth of the five tables' time.
    /// Raw SQL on a scoped table, so the company condition is added here (`data` is this
    /// one company).
    func volumes(intervalMinutes: Int, from: Date? = nil, to: Date? = nil) async throws -> [IntervalVolume] {
        var q = (try db.sql()).select()
            .column("start").column("offered").column("answered").column("abandoned")
            .column(SQLAlias(SQLIdentifier("aht_seconds"), as: SQLIdentifier("ahtSeconds")))
            .from(TrafficIntervalRecord.schema)
            .where("company_id", .equal, SQLBind(company.id))
            .where("interval_minutes", .equal, SQLBind(intervalMinutes))
        if let from { q = q.where("start", .greaterThanOrEqual, SQLBind(from)) }
        if let to { q = q.where("start", .lessThan, SQLBind(to)) }
        return try await q.orderBy("start").all(decoding: IntervalVolume.self)
    }

    struct Summary: Encodable { var intervalMinutes: Int; var count: Int; var first: String; var last: String; var offered: Int }

    /// What the hub shows: per interval length, how much history is stored.
    func summaries(timeZone: TimeZone) async throws -> [Summary] {
        struct Row: Decodable { var interval_minutes: Int; var n: Int; var first: Date; var last: Date; var offered: Int? }
        let rows = try await (try db.sql()).raw("""
            SELECT interval_minutes, COUNT(*) AS n, MIN(start) AS first, MAX(start) AS last, CAST(SUM(offered) AS BIGINT) AS offered
            FROM traffic_intervals WHERE company_id = \(bind: company.id) GROUP BY interval_minutes ORDER BY interval_minutes
            """).all(decoding: Row.self)
        return rows.map { Summary(intervalMinutes: $0.interval_minutes, count: $0.n, first: PageFormat.dateTime($0.first, timeZone),
                                  last: PageFormat.dateTime($0.last, timeZone), offered: $0.offered ?? 0) }
    }
}
