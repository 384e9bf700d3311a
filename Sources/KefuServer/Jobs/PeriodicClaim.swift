import Fluent
import SQLKit
import Foundation

/// "Once per period per company" for the jobs every server process runs (the monthly
/// re-tiering, the daily retention): a process claims a company's period before running it,
/// with a lease, in `app_settings` beside the key the run itself records when it is done.
/// Several processes on one PostgreSQL therefore run it once (a transaction lock orders their
/// claims); a process that dies mid-run leaves a lease that expires, and the next sweep
/// finishes the period.
struct PeriodicClaim {
    /// The key the job's run records its finished period under (`CompanySettings`).
    let doneKey: String
    /// The key of the claim ("<period> <lease end, epoch seconds>").
    let claimKey: String
    var leaseSeconds: TimeInterval = 1_800

    func claim(_ period: String, company: UUID, on db: Database, now: Date) async throws -> Bool {
        try await db.writeTransaction { [doneKey, claimKey, leaseSeconds] tx in
            let sql = try tx.sql()
            if sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: claimKey + ":" + company.uuidString)))").run()
            }
            if try await CompanySettings.get(doneKey, company: company, on: tx) == period { return false }
            if let held = try await CompanySettings.get(claimKey, company: company, on: tx) {
                let parts = held.split(separator: " ")
                if parts.count == 2, parts[0] == period, let until = Double(parts[1]), until > now.timeIntervalSince1970 { return false }
            }
            let until = now.addingTimeInterval(leaseSeconds).timeIntervalSince1970
            try await CompanySettings.set(claimKey, "\(period) \(Int(until))", company: company, on: tx)
            return true
        }
    }
}
