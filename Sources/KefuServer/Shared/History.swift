import Vapor
import Fluent
import SQLKit

/// Writes the two records every change leaves: the order's timeline line (what people read)
/// and the audit event (who, when, before/after, from where).
struct History {
    let db: Database
    let actorWorkId: String?
    let ip: String?
    let now: Date
    /// SQLite's writer thread, for an audit line written by itself (not in a transaction):
    /// it joins the writer's next group commit instead of queueing on the write gate for a
    /// statement of its own. Nil on PostgreSQL and inside a transaction.
    var writer: SQLiteWriter? = nil

    /// The same author, time and address, writing through another connection (a transaction's).
    func on(_ other: Database) -> History {
        History(db: other, actorWorkId: actorWorkId, ip: ip, now: now)
    }

    /// A change to one field, for the timeline's `changes` map.
    struct Change: Encodable {
        var from: String?
        var to: String?
    }

    /// Rows are inserted with SQLKit: this runs on every change of every order, and a
    /// Fluent model save costs a reflection pass per row.
    func workOrder(_ id: UUID, kind: String, summary: String, changes: [String: Change] = [:]) async throws {
        let sql = try db.sql()
        for row in try workOrderRows(id, kind: kind, summary: summary, changes: changes) { try await sql.raw(row).run() }
    }

    /// The timeline line and the audit event of one change, as statements: the order writer
    /// thread (`SQLiteWriter`) runs the same two.
    func workOrderRows(_ id: UUID, kind: String, summary: String, changes: [String: Change] = [:]) throws -> [SQLText] {
        let json = Self.json(changes)
        let before = changes.isEmpty ? nil : Self.json(changes.mapValues(\.from))
        let after = changes.isEmpty ? nil : Self.json(changes.mapValues(\.to))
        return [
            .insert(into: TimelineEvent.schema, [
                "id": .uuid(UUID()), "work_order_id": .uuid(id), "at": .date(now), "actor_work_id": .text(actorWorkId),
                "kind": .text(kind), "summary": .text(summary), "changes": .text(json)]),
            auditRow(action: "work_order.\(kind)", objectType: "work_order", objectId: id.uuidString, before: before, after: after),
        ]
    }

    /// `{"field":{"from":…,"to":…}}` with sorted keys, as `JSONEncoder` with `.sortedKeys`
    /// wrote it (nil parts left out); written by hand since every change of every order
    /// writes three of them.
    static func json(_ changes: [String: Change]) -> String {
        var w = JSONWriter(timeZone: .gmt, capacity: 64)
        w.beginObject()
        for key in changes.keys.sorted() {
            guard let change = changes[key] else { continue }
            w.key(dynamic: key)
            w.beginObject()
            if let from = change.from { w.key("from"); w.string(from) }
            if let to = change.to { w.key("to"); w.string(to) }
            w.endObject()
        }
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// `{"field":value}` with sorted keys, nil values as null (what `JSONEncoder` writes for a
    /// dictionary of optionals).
    static func json(_ values: [String: String?]) -> String {
        var w = JSONWriter(timeZone: .gmt, capacity: 64)
        w.beginObject()
        for key in values.keys.sorted() {
            w.key(dynamic: key)
            w.string(values[key] ?? nil)
        }
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    func audit(action: String, objectType: String, objectId: String?, before: String? = nil, after: String? = nil) async throws {
        let row = auditRow(action: action, objectType: objectType, objectId: objectId, before: before, after: after)
        if let writer, !db.inTransaction {
            try await writer.perform { connection in _ = try connection.rows(row) }
        } else {
            try await (try db.sql()).raw(row).run()
        }
    }

    private func auditRow(action: String, objectType: String, objectId: String?, before: String?, after: String?) -> SQLText {
        .insert(into: AuditEvent.schema, [
            "id": .uuid(UUID()), "at": .date(now), "actor_work_id": .text(actorWorkId), "action": .text(action),
            "object_type": .text(objectType), "object_id": .text(objectId), "before": .text(before), "after": .text(after),
            "ip": .text(ip)])
    }
}

extension Request {
    func history(on db: Database? = nil) -> History {
        History(db: db ?? self.db, actorWorkId: auth.get(User.self)?.workId,
                ip: clientAddress, now: now, writer: db == nil ? application.sqliteWriter : nil)
    }
}
