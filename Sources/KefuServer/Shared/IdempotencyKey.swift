import Vapor
import Fluent
import SQLKit
import Crypto

/// `Idempotency-Key` on the API's creates: a client that retries after a timeout or a lost
/// answer gets the first answer again instead of a second order. The key belongs to the
/// signed-in user, the method and the path; the first successful answer (status and body)
/// is kept 24 hours in `idempotency_keys`, shared by every server process. A repeat with a
/// different body is refused with 422 `idempotency_key_reused`. A request that fails keeps
/// nothing, so the client may correct it and send it again with the same key.
///
/// The key is claimed before the handler runs and the answer stored after it: a process
/// that dies in between leaves the key claimed without an answer, and repeats are told to
/// wait (409) until it expires, which never creates twice.
struct IdempotencyMiddleware: AsyncMiddleware {
    static let header = "Idempotency-Key"
    static let lifetime: TimeInterval = 24 * 3600
    /// How long a repeat waits for a first request still running before answering 409.
    static let waitForFirst: Duration = .seconds(10)

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard let key = request.headers.first(name: Self.header) else { return try await next.respond(to: request) }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw KefuError(.badRequest, "idempotency_key_invalid", "Idempotency-Key 须为 1–255 个可见 ASCII 字符。")
        }
        guard let user = request.auth.get(User.self) else { return try await next.respond(to: request) }
        if request.body.data == nil {
            _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
        }
        let hash = Self.fingerprint(request.body.data.map { Data($0.readableBytesView) } ?? Data())
        let slot = Slot(workId: user.workId, method: request.method.rawValue, path: request.url.path, key: key)
        let db = request.db
        let started = ContinuousClock.now
        // Bounded: a repeat waits for a first request still running at most `waitForFirst`.
        while ContinuousClock.now - started < Self.waitForFirst {
            if try await slot.claim(hash: hash, now: Date(), on: db) {
                return try await runFirst(request, next: next, slot: slot)
            }
            switch try await slot.stored(on: db) {
            case nil:
                continue // the first request failed and let the key go: this one is the first now
            case let row? where row.request_hash != hash:
                throw KefuError(.unprocessableEntity, "idempotency_key_reused",
                                "该 Idempotency-Key 已用于内容不同的另一个请求，请为新请求换一个新的键。")
            case let row?:
                if let status = row.status {
                    let res = Response(status: HTTPResponseStatus(statusCode: status))
                    if let type = row.content_type { res.headers.replaceOrAdd(name: .contentType, value: type) }
                    res.headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
                    res.body = .init(string: row.body ?? "")
                    return res
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        var busy = KefuError(.conflict, "idempotency_key_in_progress", "使用该 Idempotency-Key 的第一个请求仍在处理中，请稍后重试。")
        busy.headers.replaceOrAdd(name: .retryAfter, value: "1")
        throw busy
    }

    /// Runs the request that claimed the key and keeps its answer if it succeeded.
    private func runFirst(_ request: Request, next: AsyncResponder, slot: Slot) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            try? await slot.release(on: request.db)
            throw error
        }
        guard (200..<300).contains(response.status.code), let buffer = response.body.buffer else {
            try? await slot.release(on: request.db)
            return response
        }
        try await slot.complete(status: Int(response.status.code), contentType: response.headers.first(name: .contentType),
                                body: String(buffer: buffer), on: request.db)
        return response
    }

    /// What "the same request" means: the same JSON (key order and spacing aside), or the
    /// same bytes for anything else.
    static func fingerprint(_ body: Data) -> String {
        var bytes = body
        if let json = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]),
           let canonical = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .fragmentsAllowed]) {
            bytes = canonical
        }
        return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    static func purge(on db: any Database, now: Date) async throws {
        try await db.sql().delete(from: "idempotency_keys").where("created_at", .lessThan, now.addingTimeInterval(-lifetime)).run()
    }

    /// Forgets the keys whose kept answer created `id` on `path`: once that thing is deleted,
    /// a repeat of its create makes it anew instead of answering with something that is gone.
    static func forget(created id: UUID, path: String, on db: any Database) async throws {
        try await db.sql().delete(from: "idempotency_keys").where("method", .equal, "POST").where("path", .equal, path)
            .where("body", .like, "%\(id.uuidString)%").run()
    }

    struct Stored: Decodable {
        var request_hash: String
        var status: Int?
        var content_type: String?
        var body: String?
    }

    /// One key of one user on one route.
    struct Slot: Sendable {
        var workId: String, method: String, path: String, key: String

        func matching(_ q: SQLDeleteBuilder) -> SQLDeleteBuilder {
            q.where("work_id", .equal, workId).where("method", .equal, method).where("path", .equal, path).where("key", .equal, key)
        }

        /// Takes the key for this request; an expired earlier use is forgotten first.
        func claim(hash: String, now: Date, on db: any Database) async throws -> Bool {
            let (workId, method, path, key) = (self.workId, self.method, self.path, self.key)
            return try await db.writeTransaction { tx in
                let sql = try tx.sql()
                try await matching(sql.delete(from: "idempotency_keys"))
                    .where("created_at", .lessThan, now.addingTimeInterval(-IdempotencyMiddleware.lifetime)).run()
                struct Inserted: Decodable { var key: String }
                let row = try await sql.raw("""
                    INSERT INTO idempotency_keys (id, work_id, method, path, key, request_hash, created_at)
                    VALUES (\(bind: UUID()), \(bind: workId), \(bind: method), \(bind: path), \(bind: key), \(bind: hash), \(bind: now))
                    ON CONFLICT (work_id, method, path, key) DO NOTHING RETURNING key
                    """).first(decoding: Inserted.self)
                return row != nil
            }
        }

        func stored(on db: any Database) async throws -> Stored? {
            try await db.sql().select().columns("request_hash", "status", "content_type", "body").from("idempotency_keys")
                .where("work_id", .equal, workId).where("method", .equal, method).where("path", .equal, path).where("key", .equal, key)
                .first(decoding: Stored.self)
        }

        func complete(status: Int, contentType: String?, body: String, on db: any Database) async throws {
            let slot = self
            try await db.writeTransaction { tx in
                try await tx.sql().update("idempotency_keys").set("status", to: status).set("content_type", to: contentType).set("body", to: body)
                    .where("work_id", .equal, slot.workId).where("method", .equal, slot.method)
                    .where("path", .equal, slot.path).where("key", .equal, slot.key).run()
            }
        }

        func release(on db: any Database) async throws {
            let slot = self
            try await db.writeTransaction { tx in try await slot.matching(tx.sql().delete(from: "idempotency_keys")).run() }
        }
    }
}

extension RoutesBuilder {
    /// Routes that create something: they honour `Idempotency-Key` (IdempotencyMiddleware).
    func idempotent() -> RoutesBuilder {
        grouped(IdempotencyMiddleware())
    }
}
