import Foundation

/// How sign-in failures slow down password guessing (issue 10). One rule for every sign-in
/// path (page and API), counted per account and per address: a few typos cost nothing, then
/// each further failure doubles the wait, and an account that keeps failing is locked for a
/// while. The server stores the counters; this type only decides.
public struct LoginThrottle: Sendable, Equatable {
    /// Failures in a row that are free (typos).
    public var freeFailures: Int
    /// The first wait once the free failures are used up; each further failure doubles it.
    public var baseDelaySeconds: Int
    /// The longest wait between two attempts.
    public var maxDelaySeconds: Int
    /// Failures in a row after which the account is locked.
    public var lockAfter: Int
    /// How long a lock lasts (an admin may unlock earlier by resetting the password).
    public var lockSeconds: Int
    /// Failures older than this are forgotten.
    public var forgetAfterSeconds: Int

    public init(freeFailures: Int = 3, baseDelaySeconds: Int = 2, maxDelaySeconds: Int = 300,
                lockAfter: Int = 10, lockSeconds: Int = 1800, forgetAfterSeconds: Int = 3600) {
        self.freeFailures = freeFailures; self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds; self.lockAfter = lockAfter
        self.lockSeconds = lockSeconds; self.forgetAfterSeconds = forgetAfterSeconds
    }

    /// What is known of one key (an account or an address).
    public struct Record: Sendable, Equatable {
        public var failures: Int
        public var lastFailure: Date
        public init(failures: Int, lastFailure: Date) { self.failures = failures; self.lastFailure = lastFailure }
    }

    public enum Kind: Sendable { case account, address }

    public enum Decision: Sendable, Equatable {
        case allow
        /// Too soon after the last failure: try again after this many seconds.
        case wait(seconds: Int)
        /// The account is locked until then.
        case locked(until: Date)
    }

    /// Whether an attempt may be checked now. Addresses are never locked (a shared office
    /// NAT would lock a whole center out), only slowed.
    public func decide(_ record: Record?, kind: Kind, now: Date) -> Decision {
        guard let record, record.failures > 0 else { return .allow }
        if kind == .account, record.failures >= lockAfter {
            let until = record.lastFailure.addingTimeInterval(Double(lockSeconds))
            return until > now ? .locked(until: until) : .allow
        }
        let age = now.timeIntervalSince(record.lastFailure)
        if age >= Double(forgetAfterSeconds) { return .allow }
        let delay = delaySeconds(afterFailures: record.failures)
        guard delay > 0 else { return .allow }
        let remaining = Double(delay) - age
        return remaining > 0 ? .wait(seconds: Int(remaining.rounded(.up))) : .allow
    }

    /// The wait owed after `failures` failures in a row.
    public func delaySeconds(afterFailures failures: Int) -> Int {
        let over = failures - freeFailures
        guard over > 0 else { return 0 }
        let doublings = min(over - 1, 20)
        let delay = baseDelaySeconds.multipliedReportingOverflow(by: 1 << doublings)
        return delay.overflow ? maxDelaySeconds : min(delay.partialValue, maxDelaySeconds)
    }

    /// The record after one more failure (an old streak starts again from one).
    public func recordingFailure(_ record: Record?, now: Date) -> Record {
        guard let record, now.timeIntervalSince(record.lastFailure) < Double(max(forgetAfterSeconds, lockSeconds)) else {
            return Record(failures: 1, lastFailure: now)
        }
        return Record(failures: min(record.failures + 1, 1_000_000), lastFailure: now)
    }

    /// Whether this failure is the one that locks the account (to audit it once).
    public func locks(_ record: Record) -> Bool { record.failures == lockAfter }
}
