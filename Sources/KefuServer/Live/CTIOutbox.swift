import Vapor
import Fluent
import SQLKit
import NIOConcurrencyHelpers
import KefuCore

/// The one owner of what follows a stored CTI event: the wallboards (this process's and,
/// through NOTIFY, every other's) told, each voicemail turned into an order, the built-in
/// ACD asked to offer waiting calls. Every intake — the JSON batch, Zammad's push, the
/// AMI/ESL connectors, an agent's buttons — stores through `ingest`, which writes the
/// events and one outbox row in the same transaction: once events exist, their follow-ups
/// are owed. The intake runs them right after the commit (the wallboards must not wait for
/// a sweep); whatever fails there, or is cut off by a crash, stays due and is taken up again
/// by `sweep`. So follow-ups run at least once, and each is idempotent: telling and offering
/// by nature, voicemail orders by a key on the event id (`VoicemailOrders`).
struct CTIOutbox {
    let app: Application
    var policy = CTIFollowUpPolicy()

    var db: Database { app.db }

    /// A batch of stored events whose follow-ups a process has taken on (the row's lease).
    struct Job: Sendable {
        var id: Int64
        var voicemailEventIDs: [String]
        var attempts: Int
    }

    struct Outcome: Equatable, Sendable { var done = 0; var failed = 0 }

    /// Stores the events as `company`'s (the switch token's, or the agent's) with their
    /// outbox row, then runs the follow-ups. Returns the ids that were new. A follow-up that
    /// fails does not fail the intake: the events are stored (a retry by the switch would
    /// only be told "duplicate"), and the row stays due.
    func ingest(_ events: [CTIEvent], company: UUID, source: String, receivedAt: Date) async throws -> Set<String> {
        let (fresh, job) = try await store(events, company: company, source: source, receivedAt: receivedAt)
        if let job { await process([job]) }
        return fresh
    }

    /// Stores the events and, when any were new, an outbox row already leased to this
    /// process, so the intake needs no second round trip to take it. One transaction.
    /// The voicemail ids in the row are keys with the company in front
    /// (`VoicemailOrders.key`), so the sweep knows whose they are.
    func store(_ events: [CTIEvent], company: UUID, source: String, receivedAt: Date) async throws -> (Set<String>, Job?) {
        guard !events.isEmpty else { return ([], nil) }
        let lease = policy.leaseEnd(from: receivedAt)
        if let writer = app.sqliteWriter, !db.inTransaction {
            // The company's branches are read before: they are settings, not what concurrent
            // intakes write. The stored calls' branches are read inside the transaction.
            let branches = events.contains { $0.callId != nil } ? try await CTIEventStore.branchChoice(company: company, on: db) : nil
            let write = CTIEventWrite(events: events, company: company, source: source, receivedAt: receivedAt,
                                      branches: branches, lease: lease)
            return try await writer.perform { connection in try write.run(on: connection) }
        }
        return try await db.writeTransaction { tx in
            let fresh = try await CTIEventStore(db: tx).insertRows(events, company: company, source: source, receivedAt: receivedAt)
            guard !fresh.isEmpty else { return (fresh, nil) }
            let voicemails = CTIFollowUpPolicy.voicemailEventIDs(in: events.filter { fresh.contains($0.id) })
                .map { VoicemailOrders.key(company: company, eventID: $0) }
            struct Out: Decodable { var id: Int64 }
            let row = try await tx.sql().insert(into: "cti_outbox")
                .columns("created_at", "source", "event_count", "voicemail_event_ids", "attempts", "next_attempt_at")
                .values(SQLBind(receivedAt), SQLBind(source), SQLBind(fresh.count), SQLBind(try Self.encode(voicemails)),
                        SQLBind(1), SQLBind(lease))
                .returning("id").first(decoding: Out.self)
            guard let row else { throw CTIOutboxError.rowNotReturned }
            return (fresh, Job(id: row.id, voicemailEventIDs: voicemails, attempts: 1))
        }
    }

    /// Takes due rows (new ones whose intake never finished, failed ones whose wait is
    /// over) and runs their follow-ups; what the background job calls every few seconds.
    @discardableResult
    func sweep(batch: Int = 200) async throws -> Outcome {
        let now = app.kefu.clock.now()
        let jobs = try await claimDue(now: now, limit: max(1, min(batch, 1_000)))
        let outcome = await process(jobs)
        try await write { db in
            try await db.sql().delete(from: "cti_outbox")
                .where("done_at", .lessThan, SQLBind(now.addingTimeInterval(-Self.keepDoneSeconds))).run()
        }
        return outcome
    }

    /// How long finished rows are kept to look at before the sweep deletes them.
    static let keepDoneSeconds: TimeInterval = 3600

    /// Leases due rows in one statement: on PostgreSQL `FOR UPDATE SKIP LOCKED`, so
    /// processes sweeping at the same moment take different rows; on SQLite the write gate
    /// and the single writer do the same. The lease keeps the row from others while this
    /// process works on it; if the process dies, the row is due again when the lease ends.
    func claimDue(now: Date, limit: Int) async throws -> [Job] {
        let lease = policy.leaseEnd(from: now)
        struct Row: Decodable { var id: Int64; var voicemail_event_ids: String; var attempts: Int }
        let rows = try await write { db in
            let sql = try db.sql()
            let skipLocked = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
            return try await sql.raw("""
                UPDATE cti_outbox SET attempts = attempts + 1, next_attempt_at = \(bind: lease)
                WHERE id IN (SELECT id FROM cti_outbox WHERE done_at IS NULL AND next_attempt_at <= \(bind: now)
                             ORDER BY id LIMIT \(bind: limit)\(unsafeRaw: skipLocked))
                RETURNING id, voicemail_event_ids, attempts
                """).all(decoding: Row.self)
        }
        return try rows.sorted { $0.id < $1.id }.map {
            Job(id: $0.id, voicemailEventIDs: try Self.decode($0.voicemail_event_ids), attempts: $0.attempts)
        }
    }

    /// Runs the follow-ups of leased jobs and records each job's result. Telling and
    /// offering are done once for the whole set (they look at the floor, not at events).
    @discardableResult
    func process(_ jobs: [Job]) async -> Outcome {
        guard !jobs.isEmpty else { return Outcome() }
        var errors: [Int64: String] = [:]
        func failAll(_ step: String, _ error: any Error) {
            for job in jobs where errors[job.id] == nil { errors[job.id] = "\(step): \(String(describing: error))" }
        }
        // Wallboards first: they are what waits; the events are committed already.
        do { try await LiveNotifier.changed(app, db: db) } catch { failAll("notify", error) }
        for job in jobs where !job.voicemailEventIDs.isEmpty {
            do { try await VoicemailOrders(app: app).make(keys: job.voicemailEventIDs) } catch {
                if errors[job.id] == nil { errors[job.id] = "voicemail: \(String(describing: error))" }
            }
        }
        do { try await BuiltInACD.dispatch(app, db: db, now: app.kefu.clock.now()) } catch { failAll("acd", error) }

        let now = app.kefu.clock.now()
        let done = jobs.filter { errors[$0.id] == nil }.map(\.id)
        let failed = jobs.compactMap { job in errors[job.id].map { (job, $0) } }
        do {
            let rows = resultRows(done: done, failed: failed, now: now)
            if let writer = app.sqliteWriter {
                try await writer.perform { c in for row in rows { try c.rows(row) } }
            } else {
                try await write { db in
                    let sql = try db.sql()
                    for row in rows { try await sql.raw(row).run() }
                }
            }
        } catch {
            // The rows stay leased and come due again when the lease ends.
            app.logger.warning("CTI outbox: could not record results: \(String(describing: error))")
        }
        for (job, message) in failed {
            app.logger.warning("CTI follow-ups of outbox row \(job.id) failed (attempt \(job.attempts)), will retry: \(message)")
        }
        return Outcome(done: done.count, failed: failed.count)
    }

    /// Each job's result as a statement, spelled once for SQLite's writer thread and SQLKit.
    private func resultRows(done: [Int64], failed: [(Job, String)], now: Date) -> [SQLText] {
        done.map { id in
            SQLText(sql: #"UPDATE "cti_outbox" SET "done_at" = ?, "last_error" = NULL WHERE "id" = ?"#, binds: [.date(now), .int(Int(id))])
        } + failed.map { job, message in
            SQLText(sql: #"UPDATE "cti_outbox" SET "last_error" = ?, "next_attempt_at" = ? WHERE "id" = ?"#,
                    binds: [.text(String(message.prefix(2_000))), .date(policy.nextAttempt(after: job.attempts, failedAt: now)),
                            .int(Int(job.id))])
        }
    }

    /// Bookkeeping writes, each one statement that commits by itself (no BEGIN/COMMIT round
    /// trips on the intake's path); on SQLite queued on the write gate like every writer.
    private func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let db = self.db
        if try db.sql().dialect.name == "sqlite" { return try await WriteGate.sqlite.run { try await body(db) } }
        return try await body(db)
    }

    static func encode(_ ids: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
    }

    private static func decode(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}

enum CTIOutboxError: Error, CustomStringConvertible {
    case rowNotReturned
    var description: String { "the CTI outbox row was stored but its id was not returned" }
}

/// Makes the next `count` voicemail follow-ups fail inside their transaction, after the
/// order is written and before it commits: how tests prove a failed follow-up is rolled
/// back, stays owed, and is made exactly once later. Absent in a running server.
final class CTIFollowUpFault: Sendable {
    private let remaining: NIOLockedValueBox<Int>

    init(failing count: Int) { remaining = NIOLockedValueBox(count) }

    struct Injected: Error, CustomStringConvertible { var description: String { "injected CTI follow-up failure" } }

    func hit() throws {
        let fail = remaining.withLockedValue { n -> Bool in
            guard n > 0 else { return false }
            n -= 1
            return true
        }
        if fail { throw Injected() }
    }
}

struct CTIFollowUpFaultKey: StorageKey { typealias Value = CTIFollowUpFault }
