import Vapor
import Fluent
import SQLKit

/// Who has read which reminder. A reminder may be addressed to a role (every shift lead),
/// so "read" belongs to the reader, not to the reminder.
final class NotificationRead: Model, @unchecked Sendable {
    static let schema = "notification_reads"
    @ID(key: .id) var id: UUID?
    @Field(key: "notification_id") var notificationID: UUID
    @Field(key: "work_id") var workId: String
    @Field(key: "read_at") var readAt: Date

    init() {}
}

/// The reminders on the agent's workspace: unread first, each can be marked read, or all
/// at once. Only the reminders addressed to the signed-in person (or their role) are theirs
/// to mark.
struct Reminders {
    struct Row: Encodable { var id: String; var message: String; var at: String; var workOrderId: String?; var read: Bool }

    static let shown = 15

    func register(_ routes: RoutesBuilder) {
        let own = routes.requiring(.workOrderWrite)
        own.post("workspace", "reminders", "read-all", use: markAll)
        own.post("workspace", "reminders", ":id", "read", use: markOne)
    }

    /// The person's reminders, unread first, newest first within each.
    static func rows(_ req: Request, user: User) async throws -> (rows: [Row], unread: Int) {
        let notes = try await newest(100, to: user, on: req)
        let ids = notes.compactMap(\.id)
        let read = ids.isEmpty ? Set<UUID>() : Set(try await NotificationRead.query(on: req.db)
            .filter(\.$workId == user.workId).filter(\.$notificationID ~~ ids).all().map(\.notificationID))
        let tz = req.kefu.settings.timeZone
        let rows = notes.compactMap { n -> Row? in
            guard let id = n.id else { return nil }
            return Row(id: id.uuidString, message: n.message, at: PageFormat.dateTime(n.createdAt, tz),
                       workOrderId: n.workOrderID?.uuidString, read: read.contains(id))
        }
        let unread = rows.filter { !$0.read }
        return (Array((unread + rows.filter(\.read)).prefix(shown)), unread.count)
    }

    /// The newest `limit` notices of `addressed`, read as its two halves (to the person; to
    /// their role in the companies in scope), each newest-first off its own index (M015),
    /// then merged. As one OR query SQLite gathered and sorted every notice the agent ever
    /// had — thousands after a year — on each workspace view.
    static func newest(_ limit: Int, to user: User, on req: Request) async throws -> [KefuNotification] {
        let scope = try await req.tenant().scope
        let own = try await KefuNotification.query(on: req.db).filter(\.$recipientWorkId == user.workId)
            .sort(\.$createdAt, .descending).limit(limit).all()
        let roleQuery = KefuNotification.query(on: req.db).filter(\.$recipientRole == user.role)
        if let ids = scope.companyIDs { roleQuery.filter(\.$companyID ~~ ids.map { Optional($0) }) }
        let role = try await roleQuery.sort(\.$createdAt, .descending).limit(limit).all()
        var seen = Set<UUID>()
        let both = (own + role).filter { n in n.id.map { seen.insert($0).inserted } ?? true }
        return Array(both.sorted { $0.createdAt > $1.createdAt }.prefix(limit))
    }

    /// Role notices only for the companies the person works for now (KefuNotification.addressed).
    static func addressed(to user: User, on req: Request) async throws -> QueryBuilder<KefuNotification> {
        KefuNotification.addressed(to: user, scope: try await req.tenant().scope, on: req.db)
    }

    func markOne(req: Request) async throws -> Response {
        let user = try req.user()
        guard let id = req.parameters.get("id", as: UUID.self),
              try await Self.addressed(to: user, on: req).filter(\.$id == id).first() != nil else {
            throw KefuError.notFound("提醒")
        }
        try await Self.markRead([id], by: user.workId, on: req.db)
        return req.redirect(to: "/workspace")
    }

    func markAll(req: Request) async throws -> Response {
        let user = try req.user()
        let ids = try await Self.addressed(to: user, on: req).sort(\.$createdAt, .descending).limit(1000).all().compactMap(\.id)
        try await Self.markRead(ids, by: user.workId, on: req.db)
        return req.redirect(to: "/workspace", notice: "提醒已全部标为已读")
    }

    static func markRead(_ ids: [UUID], by workId: String, on db: any Database) async throws {
        guard !ids.isEmpty else { return }
        let now = Date()
        try await db.writeTransaction { tx in
            let sql = try tx.sql()
            for id in ids {
                try await sql.raw("""
                    INSERT INTO notification_reads (id, notification_id, work_id, read_at)
                    VALUES (\(bind: UUID()), \(bind: id), \(bind: workId), \(bind: now))
                    ON CONFLICT (notification_id, work_id) DO NOTHING
                    """).run()
            }
        }
    }
}
