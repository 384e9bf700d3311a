import Vapor
import Fluent
import SQLKit
import KefuCore

/// The stored CTI events, the source of truth live state is rebuilt from. Each row belongs
/// to one company (the switch token's) and, for calls, one branch (the dialled hotline's);
/// inserts are idempotent by (company, event id), so a switch that retries does no harm and
/// two companies' switches may use the same ids; `seq` records arrival order.
struct CTIEventStore {
    let db: Database

    struct Row: Decodable {
        var seq: Int64; var event_id: String; var type: String; var at: Date; var call_id: String?; var queue: String?
        var caller: String?; var agent_work_id: String?; var reason: String?
        var company_id: UUID?; var branch_id: UUID?
    }

    /// Stores events that owe no follow-ups of their own (the built-in ACD's offers, demo
    /// history, the simulator) into `company`; what a switch or an agent reports goes through
    /// `CTIOutbox.ingest`, which stores it with its outbox row. Returns the ids that were new.
    func insert(_ events: [CTIEvent], company: UUID, source: String, receivedAt: Date) async throws -> Set<String> {
        guard !events.isEmpty else { return [] }
        return try await db.writeTransaction { tx in
            try await CTIEventStore(db: tx).insertRows(events, company: company, source: source, receivedAt: receivedAt)
        }
    }

    /// The rows, in the caller's transaction; returns the ids that were new (the others were
    /// already stored). Each call event gets its branch (`branches(for:company:)`). Rows go
    /// in 500 to a statement: one round trip per chunk instead of one per event.
    func insertRows(_ events: [CTIEvent], company: UUID, source: String, receivedAt: Date) async throws -> Set<String> {
        let sql = try db.sql()
        let branchOf = try await branches(for: events, company: company)
        var inserted: Set<String> = []
        for start in stride(from: 0, to: events.count, by: 500) {
            let chunk = events[start..<min(start + 500, events.count)]
            struct Out: Decodable { var event_id: String }
            let builder = sql.insert(into: "cti_events")
                .columns("company_id", "branch_id", "event_id", "type", "at", "call_id", "queue", "caller", "agent_work_id", "reason",
                         "source", "received_at")
            for e in chunk {
                builder.values(SQLBind(company), SQLBind(branchOf[e.id]), SQLBind(e.id), SQLBind(e.type.rawValue), SQLBind(e.at),
                               SQLBind(e.callId), SQLBind(e.queue), SQLBind(e.caller), SQLBind(e.agentWorkId), SQLBind(e.reason),
                               SQLBind(source), SQLBind(receivedAt))
            }
            let rows = try await builder.ignoringConflicts(with: ["company_id", "event_id"]).returning("event_id").all(decoding: Out.self)
            for r in rows { inserted.insert(r.event_id) }
        }
        return inserted
    }

    /// The branch of each call event (`CTIBranchChoice`), reading the company's branches
    /// and the stored calls' branches through this store's connection.
    func branches(for events: [CTIEvent], company: UUID) async throws -> [String: UUID] {
        let calls = Set(events.compactMap(\.callId))
        guard !calls.isEmpty else { return [:] }
        let choice = try await Self.branchChoice(company: company, on: db)
        struct Known: Decodable { var call_id: String; var branch_id: UUID? }
        var byCall: [String: UUID] = [:]
        for start in stride(from: 0, to: calls.count, by: 500) {
            let part = Array(calls)[start..<min(start + 500, calls.count)]
            let known = try await db.sql().select().column("call_id").column("branch_id").from("cti_events")
                .where("company_id", .equal, SQLBind(company)).where("call_id", .in, SQLBind.group(Array(part)))
                .where("branch_id", .isNot, SQLLiteral.null).orderBy("seq").all(decoding: Known.self)
            for k in known where byCall[k.call_id] == nil { byCall[k.call_id] = k.branch_id }
        }
        return choice.assign(events, known: byCall)
    }

    /// The company's branches as the branch rule reads them.
    static func branchChoice(company: UUID, on db: Database) async throws -> CTIBranchChoice {
        guard let choice = CTIBranchChoice(branches: try await TenantData(scope: .companies([company]), db: db).branches(of: company)) else {
            throw KefuError.notFound("公司的分公司")
        }
        return choice
    }

    /// The stored events of `company` with these ids, in arrival order.
    func events(ids: [String], company: UUID) async throws -> [CTIEvent] {
        guard !ids.isEmpty else { return [] }
        return try await (try db.sql()).select().column("*").from("cti_events").where("company_id", .equal, SQLBind(company))
            .where("event_id", .in, SQLBind.group(ids)).orderBy("seq").all(decoding: Row.self).compactMap(Self.event)
    }

    /// The branch a call of `company` was routed to (its first event with one), if stored.
    func branch(ofCall callId: String, company: UUID) async throws -> UUID? {
        struct Out: Decodable { var branch_id: UUID? }
        return try await (try db.sql()).select().column("branch_id").from("cti_events").where("company_id", .equal, SQLBind(company))
            .where("call_id", .equal, SQLBind(callId)).where("branch_id", .isNot, SQLLiteral.null).orderBy("seq").limit(1)
            .first(decoding: Out.self)?.branch_id
    }

    /// Every company's rows received after `seq` (exclusive), with their sequence numbers
    /// (to spot numbers not yet visible): the live cache folds them into each company's state.
    func rows(afterSeq seq: Int64, limit: Int = 100_000) async throws -> [Row] {
        try await (try db.sql()).select().column("*").from("cti_events")
            .where("seq", .greaterThan, SQLBind(seq)).orderBy("seq").limit(limit).all(decoding: Row.self)
    }

    /// Every company's rows timed at or after `since`, in arrival order, and the highest
    /// sequence number stored: what a restarted process replays.
    func rows(since: Date) async throws -> ([Row], Int64) {
        let sql = try db.sql()
        let rows = try await sql.select().column("*").from("cti_events")
            .where("at", .greaterThanOrEqual, SQLBind(since)).orderBy("seq").all(decoding: Row.self)
        struct MaxRow: Decodable { var m: Int64? }
        let maxSeq = try await sql.raw("SELECT MAX(seq) AS m FROM cti_events").first(decoding: MaxRow.self)?.m ?? 0
        return (rows, maxSeq)
    }

    /// `company`'s rows of one branch view — the branch's calls and the agents' events (no
    /// branch) — timed at or after `since`, up to sequence `upTo`, in arrival order.
    func rows(since: Date, company: UUID, branch: UUID, upTo seq: Int64) async throws -> [Row] {
        try await (try db.sql()).select().column("*").from("cti_events")
            .where("company_id", .equal, SQLBind(company)).where("at", .greaterThanOrEqual, SQLBind(since))
            .where("seq", .lessThanOrEqual, SQLBind(seq))
            .where { $0.where("branch_id", .equal, SQLBind(branch)).orWhere("branch_id", .is, SQLLiteral.null) }
            .orderBy("seq").all(decoding: Row.self)
    }

    /// Events of `company` timed in [from, to), in time order.
    func events(from: Date, to: Date, company: UUID) async throws -> [CTIEvent] {
        let rows = try await (try db.sql()).select().column("*").from("cti_events").where("company_id", .equal, SQLBind(company))
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
