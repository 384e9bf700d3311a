import Fluent
import Vapor

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
            // A window that starts in the future means the clock went back: start again. A stored
            // time may come back rounded up by a fraction of a millisecond, which is not that.
            if now.timeIntervalSince(row.windowStart) >= Double(windowSeconds) || row.windowStart.timeIntervalSince(now) > 1 {
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
