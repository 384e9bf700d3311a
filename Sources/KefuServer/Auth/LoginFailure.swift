import Fluent
import Vapor
import KefuCore

/// Failed sign-ins in a row for one key (`account:<work id>` or `address:<ip>`).
final class LoginFailure: Model, @unchecked Sendable {
    static let schema = "login_failures"
    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "failures") var failures: Int
    @Field(key: "last_failure_at") var lastFailureAt: Date

    init() {}
    init(key: String, failures: Int, lastFailureAt: Date) { self.key = key; self.failures = failures; self.lastFailureAt = lastFailureAt }

    var record: LoginThrottle.Record { .init(failures: failures, lastFailure: lastFailureAt) }
}

/// A fixed-window counter for one key (e.g. web chats started from one address).
final class RateCounter: Model, @unchecked Sendable {
    static let schema = "rate_counters"
    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "window_start") var windowStart: Date
    @Field(key: "count") var count: Int

    init() {}
}

/// Counts requests per key in fixed windows, in the database so every process agrees.
struct RateLimiter {
    let db: Database

    /// Counts one request; false when the key already used `limit` in the current window.
    func allow(_ key: String, limit: Int, windowSeconds: Int, now: Date, retried: Bool = false) async throws -> Bool {
        if let row = try await RateCounter.query(on: db).filter(\.$key == key).first() {
            if now.timeIntervalSince(row.windowStart) >= Double(windowSeconds) || row.windowStart > now {
                row.windowStart = now; row.count = 1
                try await row.save(on: db)
                return true
            }
            guard row.count < limit else { return false }
            row.count += 1
            try await row.save(on: db)
            return true
        }
        let row = RateCounter(); row.key = key; row.windowStart = now; row.count = 1
        do { try await row.create(on: db) } catch {
            // Another request created the row first: count against it (once; a second
            // failure is a real database error).
            if retried { throw error }
            return try await allow(key, limit: limit, windowSeconds: windowSeconds, now: now, retried: true)
        }
        return true
    }
}

extension Request {
    /// The client's address: the socket peer, or the proxy's X-Forwarded-For when the
    /// operator said a proxy is in front (KEFU_TRUST_PROXY).
    var clientAddress: String {
        if kefu.settings.trustProxy, let forwarded = headers.first(name: "X-Forwarded-For")?
            .split(separator: ",").first?.trimmingCharacters(in: .whitespaces), !forwarded.isEmpty {
            return String(forwarded.prefix(64))
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }

    /// Whether the client reached us over TLS (directly, or through a trusted proxy).
    var isSecureTransport: Bool {
        if url.scheme == "https" { return true }
        return kefu.settings.trustProxy && headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }
}
