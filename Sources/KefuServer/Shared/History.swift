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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(changes), as: UTF8.self)
        try await (try db.sql()).insert(into: TimelineEvent.schema)
            .columns("id", "work_order_id", "at", "actor_work_id", "kind", "summary", "changes")
            .values(SQLBind(UUID()), SQLBind(id), SQLBind(now), SQLBind(actorWorkId), SQLBind(kind), SQLBind(summary), SQLBind(json))
            .run()
        let before = changes.isEmpty ? nil : String(decoding: try encoder.encode(changes.mapValues(\.from)), as: UTF8.self)
        let after = changes.isEmpty ? nil : String(decoding: try encoder.encode(changes.mapValues(\.to)), as: UTF8.self)
        try await audit(action: "work_order.\(kind)", objectType: "work_order", objectId: id.uuidString, before: before, after: after)
    }

    func audit(action: String, objectType: String, objectId: String?, before: String? = nil, after: String? = nil) async throws {
        try await (try db.sql()).insert(into: AuditEvent.schema)
            .columns("id", "at", "actor_work_id", "action", "object_type", "object_id", "before", "after", "ip")
            .values(SQLBind(UUID()), SQLBind(now), SQLBind(actorWorkId), SQLBind(action), SQLBind(objectType),
                    SQLBind(objectId), SQLBind(before), SQLBind(after), SQLBind(ip))
            .run()
    }
}

extension Request {
    func history(on db: Database? = nil) -> History {
        History(db: db ?? self.db, actorWorkId: auth.get(User.self)?.workId,
                ip: clientAddress, now: now)
    }
}
