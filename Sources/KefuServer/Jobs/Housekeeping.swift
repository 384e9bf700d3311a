import Vapor
import Fluent

/// Removes what nobody can use any more: expired API tokens, idle sessions (anonymous ones
/// sooner), web chats a visitor opened and left before any agent took them, stale sign-in
/// and rate counters, and used form tokens and idempotency keys past their lifetime. Run by the sweeper; safe on several processes at once (each
/// step is a plain DELETE of rows that are already dead).
struct Housekeeping {
    let db: Database
    /// Wall-clock time: security lifetimes do not follow a training center's simulated clock.
    let now: Date

    /// An anonymous session (login page, chat visitor) lives this long after its last request.
    static let anonymousSessionSeconds: Double = 2 * 3600
    /// A signed-in session lives as long as its cookie.
    static let signedInSessionSeconds: Double = 12 * 3600
    /// A chat still waiting for an agent after this long was abandoned by the visitor.
    static let abandonedChatSeconds: Double = 2 * 3600

    struct Outcome: Equatable { var tokens = 0; var sessions = 0; var chats = 0 }

    @discardableResult
    func purge() async throws -> Outcome {
        var outcome = Outcome()
        outcome.tokens = try await UserToken.query(on: db).filter(\.$expiresAt < now).count()
        try await UserToken.query(on: db).filter(\.$expiresAt < now).delete()
        outcome.sessions = try await purgeSessions()
        // A job: every company's abandoned chats (system scope).
        let abandoned = try await TenantData.system(db).query(Chat.self).filter(\.$status == "waiting")
            .filter(\.$startedAt < now.addingTimeInterval(-Self.abandonedChatSeconds)).limit(500).all()
        let chatIDs = abandoned.compactMap(\.id)
        if !chatIDs.isEmpty {
            try await ChatMessage.query(on: db).filter(\.$chat.$id ~~ chatIDs).delete()
            try await TenantData.system(db).query(Chat.self).filter(\.$id ~~ chatIDs).delete()
            outcome.chats = chatIDs.count
        }
        let dayAgo = now.addingTimeInterval(-86_400)
        try await LoginFailure.query(on: db).filter(\.$lastFailureAt < dayAgo).delete()
        try await RateCounter.query(on: db).filter(\.$windowStart < dayAgo).delete()
        try await SubmissionRecords.purge(on: db, now: now)
        return outcome
    }

    /// Sessions carry the time of their last request (SessionActivity); the table has no
    /// column for it, so the rows are read in pages and judged here.
    private func purgeSessions() async throws -> Int {
        var dead: [UUID] = []
        let rows = try await SessionRecord.query(on: db).limit(5_000).all()
        for row in rows {
            guard let id = row.id else { continue }
            let data = row.data
            let signedIn = data[UserAuthenticator.sessionKey] != nil
            let seen = data[SessionActivity.key].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
            let lifetime = signedIn ? Self.signedInSessionSeconds : Self.anonymousSessionSeconds
            if let seen, now.timeIntervalSince(seen) < lifetime { continue }
            // A row without a time predates this job: keep signed-in ones until they show a
            // time (their next request adds it), drop anonymous ones.
            if seen == nil && signedIn { continue }
            dead.append(id)
        }
        for chunk in stride(from: 0, to: dead.count, by: 500) {
            try await SessionRecord.query(on: db).filter(\.$id ~~ Array(dead[chunk..<min(chunk + 500, dead.count)])).delete()
        }
        return dead.count
    }
}

/// Stamps each existing session with the time of its last request, so idle ones can be purged.
enum SessionActivity {
    static let key = "seen"
    static let resolutionSeconds = 60
}
