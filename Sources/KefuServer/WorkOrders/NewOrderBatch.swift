import Foundation
import Fluent
import SQLKit
import KefuCore

/// Many creates in one PostgreSQL transaction, with a handful of statements whatever their
/// number: the duplicate candidates of every customer at once, one counter step for all the
/// numbers, and one multi-row insert per table. With `fsync` on, a commit waits for the disk
/// (about 3 ms here); per order that capped the center at a few hundred creates a second,
/// while a batch pays it once. The rows are `NewOrderWrite.rows` — the same ones a single
/// create writes — and the rule runs in order, so an order sees the ones batched before it
/// exactly as if they had committed first.
extension NewOrderWrite {
    static func runBatch(_ writes: [NewOrderWrite], on db: any Database) async throws -> [MasterRef?] {
        guard let first = writes.first else { return [] }
        let sql = try db.sql()

        // The earliest open order of each customer and type, all in one statement.
        var keys: [String: NewOrderWrite] = [:]
        for w in writes { keys[w.duplicateKey] = keys[w.duplicateKey] ?? w }
        let parts = keys.values.map(\.duplicateCandidate)
        let union = SQLText(sql: parts.map { "(\($0.sql))" }.joined(separator: " UNION ALL "), binds: parts.flatMap(\.binds))
        var candidates: [String: Candidate] = [:]
        for c in try await sql.raw(union).all(decoding: Candidate.self) {
            if let customer = c.customer_id, let type = c.type { candidates["\(customer)|\(type)"] = c }
        }
        // The numbers of those candidates' own masters (a candidate that is itself a duplicate).
        var numbers: [UUID: String] = [:]
        let masterIDs = Array(Set(candidates.values.compactMap(\.duplicate_of)))
        if !masterIDs.isEmpty {
            struct Row: Decodable { var id: UUID; var number: String }
            let marks = Array(repeating: "?", count: masterIDs.count).joined(separator: ", ")
            let q = SQLText(sql: #"SELECT "id", "number" FROM "work_orders" WHERE "company_id" = ? AND "id" IN ("# + marks + ")",
                            binds: [.uuid(first.order.companyID)] + masterIDs.map { .uuid($0) })
            for r in try await sql.raw(q).all(decoding: Row.self) { numbers[r.id] = r.number }
        }

        // One step of each day's counter for all its orders (last, so its row lock is held briefly).
        var sequences: [LocalDay: Int] = [:]
        for (day, count) in Dictionary(grouping: writes, by: \.day).mapValues(\.count) {
            struct Row: Decodable { var value: Int }
            guard let last = try await sql.raw(nextNumbers(day: day, count: count)).first(decoding: Row.self) else {
                throw KefuError(.internalServerError, "number_failed", "无法生成工单编号")
            }
            sequences[day] = last.value - count
        }

        var masters: [MasterRef?] = []
        var rows: [SQLText] = []
        for w in writes {
            guard let next = sequences[w.day].map({ $0 + 1 }) else { throw KefuError(.internalServerError, "number_failed", "无法生成工单编号") }
            sequences[w.day] = next
            let number = OrderNumber.make(day: w.day, sequence: next)
            let candidate = candidates[w.duplicateKey]
            let master = try masterNow(candidate: candidate, rule: w.duplicateRule, now: w.history.now,
                                       otherNumber: candidate?.duplicate_of.flatMap { numbers[$0] })
            rows += try w.rows(number: number, master: master)
            masters.append(master)
            // Orders later in the batch see this one as committed before them.
            if candidate == nil, let id = w.order.id {
                candidates[w.duplicateKey] = Candidate(id: id, number: number, created_at: w.history.now,
                                                       status: w.order.status, duplicate_of: master?.id)
            }
            numbers[try w.order.requireID()] = number
        }
        for statement in SQLText.merged(rows) { try await sql.raw(statement).run() }
        for w in writes { w.order.$id.exists = true }
        return masters
    }

    /// Which orders the duplicate rule compares: one customer (of one company), one type.
    var duplicateKey: String { "\(order.$customer.id)|\(type.rawValue)" }

    static func nextNumbers(day: LocalDay, count: Int) -> SQLText {
        SQLText(sql: """
            INSERT INTO "counters" ("key", "value") VALUES (?, ?)
            ON CONFLICT ("key") DO UPDATE SET "value" = "counters"."value" + ? RETURNING "value"
            """, binds: [.text(OrderNumber.counterKey(day: day)), .int(count), .int(count)])
    }
}

extension SQLText {
    /// Single-row inserts into the same table and columns joined into multi-row inserts, in the
    /// order each kind first appears (orders before the timeline lines that point at them).
    static func merged(_ statements: [SQLText]) -> [SQLText] {
        var order: [String] = []
        var groups: [String: [SQLText]] = [:]
        for s in statements {
            if groups[s.sql] == nil { order.append(s.sql) }
            groups[s.sql, default: []].append(s)
        }
        return order.compactMap { key in
            guard let group = groups[key], let head = group.first else { return nil }
            guard group.count > 1, let values = head.sql.range(of: " VALUES (", options: .backwards) else { return head }
            let tuple = String(head.sql[head.sql.index(before: values.upperBound)...])
            return SQLText(sql: head.sql + String(repeating: ", " + tuple, count: group.count - 1), binds: group.flatMap(\.binds))
        }
    }
}

/// Collects the creates of one `kefu serve` process on PostgreSQL and writes them in batches
/// (`NewOrderWrite.runBatch`): while one batch commits, the next fills. One batch at a time
/// per process: batches would otherwise queue on the day's counter row anyway. A batch that
/// fails is written again one order per transaction, so a bad order fails alone.
actor OrderBatcher {
    private let db: any Database
    private var pending: [(NewOrderWrite, CheckedContinuation<NewOrderWrite.MasterRef?, any Error>)] = []
    private var running = false
    private static let maxBatch = 200

    init(db: any Database) { self.db = db }

    func write(_ w: NewOrderWrite) async throws -> NewOrderWrite.MasterRef? {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((w, continuation))
            startIfIdle()
        }
    }

    private func startIfIdle() {
        guard !running, !pending.isEmpty else { return }
        running = true
        let batch = Array(pending.prefix(Self.maxBatch))
        pending.removeFirst(batch.count)
        Task { await self.run(batch) }
    }

    private func run(_ batch: [(NewOrderWrite, CheckedContinuation<NewOrderWrite.MasterRef?, any Error>)]) async {
        let writes = batch.map(\.0)
        do {
            let masters = try await db.transaction { tx in try await NewOrderWrite.runBatch(writes, on: tx) }
            for (i, (_, continuation)) in batch.enumerated() { continuation.resume(returning: masters[i]) }
        } catch {
            for (w, continuation) in batch {
                do {
                    continuation.resume(returning: try await db.transaction { tx in try await w.run(on: tx) })
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        running = false
        startIfIdle()
    }
}
