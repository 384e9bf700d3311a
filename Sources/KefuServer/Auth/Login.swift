import Vapor
import Fluent
import KefuCore

/// Password check shared by the API and the login page.
///
/// Guessing is throttled per account and per address (LoginThrottle), counted in the
/// database. An unknown work ID costs the same bcrypt work as a known one, so the answer's
/// timing does not tell which work IDs exist.
enum Login {
    static func verify(workId rawWorkId: String, password: String, on req: Request) async throws -> User {
        let workId = String(rawWorkId.trimmingCharacters(in: .whitespaces).prefix(64))
        let throttle = req.kefu.settings.loginThrottle
        // The injected clock (the wall clock in service), never a training center's simulated
        // one, which an admin may move to end a lock.
        let now = req.limitsNow
        let accountKey = "account:" + workId
        // A loopback peer is a reverse proxy on this machine (or the machine itself): its
        // address says nothing about the client, and throttling it would slow everyone.
        let address = req.clientAddress
        let addressKey = "address:" + address
        let countAddress = !(address.hasPrefix("127.") || address == "::1")
        let stored = try await LoginFailure.query(on: req.db).filter(\.$key ~~ [accountKey, addressKey]).all()
        let account = stored.first { $0.key == accountKey }
        let addressRow = countAddress ? stored.first { $0.key == addressKey } : nil

        switch throttle.decide(account?.record, kind: .account, now: now) {
        case .locked(let until):
            try await req.history().audit(action: "user.login_refused_locked", objectType: "user", objectId: workId)
            throw tooMany("account_locked", "该账号因连续登录失败已被临时锁定，请稍后再试或联系管理员。", retryAfter: until.timeIntervalSince(now))
        case .wait(let seconds):
            throw tooMany("too_many_attempts", "登录失败次数过多，请 \(seconds) 秒后再试。", retryAfter: Double(seconds))
        case .allow: break
        }
        if case .wait(let seconds) = throttle.decide(addressRow?.record, kind: .address, now: now) {
            throw tooMany("too_many_attempts", "登录失败次数过多，请 \(seconds) 秒后再试。", retryAfter: Double(seconds))
        }

        let user = workId.isEmpty ? nil : try await User.query(on: req.db).filter(\.$workId == workId).first()
        let hash: String
        if let user { hash = user.passwordHash } else { hash = try await req.application.dummyPasswordHash(req) }
        let matches = try await req.password.async.verify(password, created: hash)
        guard let user, user.active, matches else {
            let accountRecord = throttle.recordingFailure(account?.record, now: now)
            try await save(accountKey, accountRecord, existing: account, on: req.db)
            if countAddress {
                try await save(addressKey, throttle.recordingFailure(addressRow?.record, now: now), existing: addressRow, on: req.db)
            }
            try await req.history().audit(action: "user.login_failed", objectType: "user", objectId: workId,
                                          after: "连续失败 \(accountRecord.failures) 次")
            if user != nil, throttle.locks(accountRecord) {
                try await req.history().audit(action: "user.locked", objectType: "user", objectId: workId,
                                              after: "连续 \(accountRecord.failures) 次登录失败，锁定 \(throttle.lockSeconds / 60) 分钟")
            }
            throw KefuError(.unauthorized, "invalid_credentials", "工号或密码错误。")
        }
        if let account { try await account.delete(on: req.db) }
        if let addressRow { try await addressRow.delete(on: req.db) }
        return user
    }

    private static func save(_ key: String, _ record: LoginThrottle.Record, existing: LoginFailure?, on db: Database) async throws {
        let row = existing ?? LoginFailure(key: key, failures: 0, lastFailureAt: record.lastFailure)
        row.failures = record.failures
        row.lastFailureAt = record.lastFailure
        do { try await row.save(on: db) } catch where existing == nil {
            // A parallel failure created the row first; its count is close enough.
        }
    }

    private static func tooMany(_ code: String, _ reason: String, retryAfter: Double) -> KefuError {
        var e = KefuError(.tooManyRequests, code, reason)
        e.headers.replaceOrAdd(name: .retryAfter, value: String(max(1, Int(retryAfter.rounded(.up)))))
        return e
    }
}

private struct DummyPasswordHashKey: StorageKey { typealias Value = String }

extension Application {
    /// A hash of a random password made with the configured hasher, checked when the work ID
    /// is unknown so that both answers take one bcrypt verification.
    func dummyPasswordHash(_ req: Request) async throws -> String {
        if let h = storage[DummyPasswordHashKey.self] { return h }
        let h = try await req.password.async.hash([UInt8].random(count: 16).base64)
        storage[DummyPasswordHashKey.self] = h
        return h
    }
}
