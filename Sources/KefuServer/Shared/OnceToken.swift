import Vapor
import Fluent
import SQLKit
import NIOConcurrencyHelpers

/// A web form's one-time token (`_once`). Every page carries a fresh one (`page.once`) and
/// every form that creates something sends it back. The token is used up by a row in
/// `once_tokens`, written in the same transaction as the thing the form creates, so a
/// double click, Back-and-submit-again or two parallel posts create one thing, on any
/// number of server processes and across restarts; the repeat is sent where the first
/// submit went. Tokens are random and cost nothing until used (no write per page view);
/// a form that is refused does not use its token, so the corrected form can be sent again.
enum OnceToken {
    static let field = "_once"
    /// A used token is remembered this long; the sweeper forgets older ones.
    static let lifetime: TimeInterval = 7 * 24 * 3600
    static let repeatNotice = "该表单已经提交过，没有重复保存；这是第一次提交的结果。"

    static func issue() -> String {
        [UInt8].random(count: 18).base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    /// What a handler returns from a once-only create: where its result can be seen (what a
    /// repeat is sent to; nil when the form was refused and nothing was created) and the
    /// response for this submit.
    struct Outcome {
        var location: String?
        var response: Response

        static func created(_ location: String, _ response: Response) -> Outcome { Outcome(location: location, response: response) }
        static func refused(_ response: Response) -> Outcome { Outcome(location: nil, response: response) }
    }

    struct Row: Decodable { var result: String; var created_at: Date }

    static func earlier(form: String, token: String, on db: any Database) async throws -> Row? {
        try await db.sql().select().columns("result", "created_at").from("once_tokens")
            .where("form", .equal, form).where("token", .equal, token).first(decoding: Row.self)
    }

    static func purge(on db: any Database, now: Date) async throws {
        try await db.sql().delete(from: "once_tokens").where("created_at", .lessThan, now.addingTimeInterval(-lifetime)).run()
    }
}

/// The token of the create running in this task. `writeTransaction` claims it at the start
/// of the first write transaction, so it is used up exactly when that transaction commits.
final class OnceClaim: Sendable {
    @TaskLocal static var current: OnceClaim?

    let form: String
    let token: String
    let workId: String?
    let now: Date
    private let claimed = NIOLockedValueBox(false)

    init(form: String, token: String, workId: String?, now: Date) {
        self.form = form; self.token = token; self.workId = workId; self.now = now
    }

    var isClaimed: Bool { claimed.withLockedValue { $0 } }
    func markClaimed() { claimed.withLockedValue { $0 = true } }

    /// Inserts the token's row; when another submit holds it already (on PostgreSQL this
    /// waits for that submit's transaction to end), the create is abandoned.
    func claim(on db: any Database) async throws {
        struct Inserted: Decodable { var token: String }
        let row = try await db.sql().raw("""
            INSERT INTO once_tokens (id, form, token, work_id, result, created_at)
            VALUES (\(bind: UUID()), \(bind: form), \(bind: token), \(bind: workId), '', \(bind: now))
            ON CONFLICT (form, token) DO NOTHING RETURNING token
            """).first(decoding: Inserted.self)
        guard row != nil else { throw OnceTokenUsed() }
    }
}

/// Forgets used form tokens and expired idempotency keys (run by the sweeper's housekeeping).
/// Both live by the wall clock, not a training center's simulated one.
enum SubmissionRecords {
    static func purge(on db: any Database, now: Date) async throws {
        try await OnceToken.purge(on: db, now: now)
        try await IdempotencyMiddleware.purge(on: db, now: now)
    }
}

/// Another submit of the same form already used the token.
struct OnceTokenUsed: Error {}

extension Request {
    /// Runs a form's create at most once per one-time token: a repeat creates nothing and is
    /// redirected to where the first submit led, with a notice saying so. `fallback` is shown
    /// for a repeat whose first submit is still being saved. A form posted without a token
    /// (a script, an old page) is simply run.
    func once(form: String, fallback: String, _ create: () async throws -> OnceToken.Outcome) async throws -> Response {
        let sent = (try? content.get(String.self, at: OnceToken.field))?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !sent.isEmpty else { return try await create().response }
        guard sent.count <= 64 else { throw KefuError.badRequest("表单标识无效，请刷新页面后重试。") }
        if let location = try await earlierResult(form: form, token: sent, fallback: fallback) {
            return redirect(to: location, notice: OnceToken.repeatNotice)
        }
        let claim = OnceClaim(form: form, token: sent, workId: auth.get(User.self)?.workId, now: Date())
        let outcome: OnceToken.Outcome
        do {
            outcome = try await OnceClaim.$current.withValue(claim) { try await create() }
        } catch is OnceTokenUsed {
            let location = try await earlierResult(form: form, token: sent, fallback: fallback) ?? fallback
            return redirect(to: location, notice: OnceToken.repeatNotice)
        }
        guard let location = outcome.location else { return outcome.response }
        // The create has committed: failing to note where it led must not turn it into an
        // error page (a repeat then lands on `fallback`).
        let claimed = claim.isClaimed
        do {
            try await db.writeTransaction { tx in
                // A create that wrote outside a write transaction uses the token up right after.
                if !claimed { _ = try? await claim.claim(on: tx) }
                try await tx.sql().update("once_tokens").set("result", to: location)
                    .where("form", .equal, claim.form).where("token", .equal, claim.token).where("result", .equal, "").run()
            }
        } catch {
            logger.warning("could not record the result of form \(form): \(String(describing: error))")
        }
        return outcome.response
    }

    /// Where the first submit of this token led; waits while that submit is between its
    /// commit and recording its result — up to 10 s, so a busy server still sends the repeat
    /// to the same place (2 s was not always enough under load).
    private func earlierResult(form: String, token: String, fallback: String) async throws -> String? {
        for _ in 0..<100 {
            guard let row = try await OnceToken.earlier(form: form, token: token, on: db) else { return nil }
            if !row.result.isEmpty { return row.result }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return fallback
    }
}
