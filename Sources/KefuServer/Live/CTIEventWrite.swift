import Foundation
import KefuCore

/// Which branch each call event of a batch belongs to (R11.1): the branch whose hotline was
/// dialled; else the branch an earlier event of the same call (in this batch or stored) got;
/// else the company's first branch. Agent events belong to no branch: an agent serves the
/// company. Both ways of storing events (`CTIEventStore.insertRows` through SQLKit, and
/// `CTIEventWrite` on SQLite's writer thread) ask this one rule.
struct CTIBranchChoice: Sendable {
    /// The company's oldest branch, where a call with nothing else to go by lands.
    let first: UUID
    /// Branch by hotline digits; of two branches sharing a hotline, the older one.
    let byHotline: [String: UUID]

    init(first: UUID, byHotline: [String: UUID]) {
        self.first = first
        self.byHotline = byHotline
    }

    /// From the company's branches; nil when it has none.
    init?(branches: [Branch]) {
        let sorted = branches.sorted { $0.createdAt < $1.createdAt }
        guard let first = sorted.first?.id else { return nil }
        var byHotline: [String: UUID] = [:]
        for b in sorted.reversed() {
            if let id = b.id, !Self.digits(b.hotline).isEmpty { byHotline[Self.digits(b.hotline)] = id }
        }
        self.init(first: first, byHotline: byHotline)
    }

    /// The branch of each call event, by event id; `known` holds the stored calls' branches
    /// (a call's first event with one).
    func assign(_ events: [CTIEvent], known: [String: UUID]) -> [String: UUID] {
        var byCall = known
        var out: [String: UUID] = [:]
        for e in events {
            guard let call = e.callId else { continue }
            if let d = e.dialled.map(Self.digits), let b = byHotline[d] {
                out[e.id] = b
                if byCall[call] == nil { byCall[call] = b }
            } else if let b = byCall[call] {
                out[e.id] = b
            } else {
                out[e.id] = first
                byCall[call] = first
            }
        }
        return out
    }

    /// A hotline as digits only, so "0571-8888 0000" and "057188880000" are the same number.
    static func digits(_ number: String) -> String {
        String(number.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 }.map(Character.init))
    }
}

/// A batch of CTI events and its outbox row, written on SQLite's writer thread
/// (`SQLiteWriter`) in the group commit with whatever else is queued: an agent's seat click,
/// a switch's post. Through Fluent the same transaction was six statements, each a hop to
/// sqlite-nio's thread pool and back while the write gate was held, so on a busy floor every
/// other writer queued behind those hops; here they are C calls on a thread that holds the
/// connection. Each statement is prepared once (one event per INSERT, not one text per batch
/// size). PostgreSQL, and a batch inside another transaction, keep `CTIOutbox.store`'s
/// SQLKit path with the same rule (`CTIBranchChoice`).
struct CTIEventWrite: Sendable {
    let events: [CTIEvent]
    let company: UUID
    let source: String
    let receivedAt: Date
    /// Nil when the batch holds no call event (nothing to place in a branch).
    let branches: CTIBranchChoice?
    let lease: Date

    /// The branch the call's first event with one was stored with.
    private func knownBranch(of call: String) -> SQLText {
        SQLText(sql: """
            SELECT "branch_id" FROM "cti_events" WHERE "company_id" = ? AND "call_id" = ? AND "branch_id" IS NOT NULL
            ORDER BY "seq" LIMIT 1
            """, binds: [.uuid(company), .text(call)])
    }

    private func insert(_ e: CTIEvent, branch: UUID?) -> SQLText {
        SQLText(sql: """
            INSERT INTO "cti_events" ("company_id", "branch_id", "event_id", "type", "at", "call_id", "queue", "caller",
                                      "agent_work_id", "reason", "source", "received_at")
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("company_id", "event_id") DO NOTHING RETURNING "event_id"
            """, binds: [.uuid(company), .uuid(branch), .text(e.id), .text(e.type.rawValue), .date(e.at), .text(e.callId),
                         .text(e.queue), .text(e.caller), .text(e.agentWorkId), .text(e.reason), .text(source), .date(receivedAt)])
    }

    private func outboxRow(eventCount: Int, voicemails: String) -> SQLText {
        SQLText(sql: """
            INSERT INTO "cti_outbox" ("created_at", "source", "event_count", "voicemail_event_ids", "attempts", "next_attempt_at")
            VALUES (?, ?, ?, ?, 1, ?) RETURNING "id"
            """, binds: [.date(receivedAt), .text(source), .int(eventCount), .text(voicemails), .date(lease)])
    }

    /// Stores the events and, when any were new, an outbox row already leased to this
    /// process; returns the new ids and that row. Safe to run again (the writer re-runs the
    /// bodies of a batch one of them failed): a repeat finds its events stored and rolled back alike.
    func run(on c: SQLiteWriteConnection) throws -> (Set<String>, CTIOutbox.Job?) {
        var placed: [String: UUID] = [:]
        if let branches {
            var known: [String: UUID] = [:]
            for call in Set(events.compactMap(\.callId)) {
                if let id = try c.rows(knownBranch(of: call)).first?.first?.uuid { known[call] = id }
            }
            placed = branches.assign(events, known: known)
        }
        var fresh: Set<String> = []
        for e in events {
            if let id = try c.rows(insert(e, branch: placed[e.id])).first?.first?.text { fresh.insert(id) }
        }
        guard !fresh.isEmpty else { return (fresh, nil) }
        let voicemails = CTIFollowUpPolicy.voicemailEventIDs(in: events.filter { fresh.contains($0.id) })
            .map { VoicemailOrders.key(company: company, eventID: $0) }
        guard let id = try c.rows(outboxRow(eventCount: fresh.count, voicemails: try CTIOutbox.encode(voicemails))).first?.first?.int else {
            throw CTIOutboxError.rowNotReturned
        }
        return (fresh, CTIOutbox.Job(id: Int64(id), voicemailEventIDs: voicemails, attempts: 1))
    }
}
