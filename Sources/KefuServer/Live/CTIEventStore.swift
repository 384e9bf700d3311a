import Vapor
import Fluent
import SQLKit
import KefuCore

/// The stored CTI events, the source of truth live state is rebuilt from. Inserts are
/// idempotent by event id (a switch that retries does no harm); `seq` records arrival order.
struct CTIEventStore {
    let db: Database

    struct Row: Decodable {
        var seq: Int64; var event_id: String; var type: String; var at: Date; var call_id: String?; var queue: String?
        var caller: String?; var agent_work_id: String?; var reason: String?
    }

    /// Stores events that owe no follow-ups of their own (the built-in ACD's offers, demo
    /// history, the simulator); what a switch or an agent reports goes through
    /// `CTIOutbox.ingest`, which stores it with its outbox row. Returns the ids that were new.
    func insert(_ events: [CTIEvent], source: String, receivedAt: Date) async throws -> Set<String> {
        guard !events.isEmpty else { return [] }
        return try await db.writeTransaction { tx in
            try await CTIEventStore(db: tx).insertRows(events, source: source, receivedAt: receivedAt)
        }
    }

    /// The rows, in the caller's transaction; returns the ids that were new (the others were
    /// already stored). Rows go in 500 to a statement: one round trip per chunk instead of
    /// one per event.
    func insertRows(_ events: [CTIEvent], source: String, receivedAt: Date) async throws -> Set<String> {
        let sql = try db.sql()
        var inserted: Set<String> = []
        for start in stride(from: 0, to: events.count, by: 500) {
            let chunk = events[start..<min(start + 500, events.count)]
            struct Out: Decodable { var event_id: String }
            let builder = sql.insert(into: "cti_events")
                .columns("event_id", "type", "at", "call_id", "queue", "caller", "agent_work_id", "reason", "source", "received_at")
            for e in chunk {
                builder.values(SQLBind(e.id), SQLBind(e.type.rawValue), SQLBind(e.at), SQLBind(e.callId), SQLBind(e.queue),
                               SQLBind(e.caller), SQLBind(e.agentWorkId), SQLBind(e.reason), SQLBind(source), SQLBind(receivedAt))
            }
            let rows = try await builder.ignoringConflicts(with: ["event_id"]).returning("event_id").all(decoding: Out.self)
            for r in rows { inserted.insert(r.event_id) }
        }
        return inserted
    }

    /// The stored events with these ids, in arrival order.
    func events(ids: [String]) async throws -> [CTIEvent] {
        guard !ids.isEmpty else { return [] }
        return try await (try db.sql()).select().column("*").from("cti_events")
            .where("event_id", .in, SQLBind.group(ids)).orderBy("seq").all(decoding: Row.self).compactMap(Self.event)
    }

    /// Events received after `seq` (exclusive), in arrival order.
    func events(afterSeq seq: Int64, limit: Int = 100_000) async throws -> ([CTIEvent], Int64) {
        let rows = try await rows(afterSeq: seq, limit: limit)
        return (rows.compactMap(Self.event), rows.last?.seq ?? seq)
    }

    /// The stored rows after `seq`, with their sequence numbers (to spot numbers not yet visible).
    func rows(afterSeq seq: Int64, limit: Int = 100_000) async throws -> [Row] {
        try await (try db.sql()).select().column("*").from("cti_events")
            .where("seq", .greaterThan, SQLBind(seq)).orderBy("seq").limit(limit).all(decoding: Row.self)
    }

    /// Events whose time is at or after `since`, in arrival order: what a restarted process replays.
    func events(since: Date) async throws -> ([CTIEvent], Int64) {
        let sql = try db.sql()
        let rows = try await sql.select().column("*").from("cti_events")
            .where("at", .greaterThanOrEqual, SQLBind(since)).orderBy("seq").all(decoding: Row.self)
        struct MaxRow: Decodable { var m: Int64? }
        let maxSeq = try await sql.raw("SELECT MAX(seq) AS m FROM cti_events").first(decoding: MaxRow.self)?.m ?? 0
        return (rows.compactMap(Self.event), maxSeq)
    }

    /// Events timed in [from, to), in time order: the traffic history and the five tables read them.
    func events(from: Date, to: Date) async throws -> [CTIEvent] {
        let rows = try await (try db.sql()).select().column("*").from("cti_events")
            .where("at", .greaterThanOrEqual, SQLBind(from)).where("at", .lessThan, SQLBind(to))
            .orderBy("at").orderBy("seq").all(decoding: Row.self)
        return rows.compactMap(Self.event)
    }

    static func event(_ r: Row) -> CTIEvent? {
        guard let type = CTIEventType(rawValue: r.type) else { return nil }
        return CTIEvent(id: r.event_id, type: type, at: r.at, callId: r.call_id, queue: r.queue, caller: r.caller,
                        agentWorkId: r.agent_work_id, reason: r.reason)
    }
}
