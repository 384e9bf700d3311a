import Foundation
import Testing
@testable import KefuCore

@Suite("Safety rules")
struct SafetyRulesTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func typosAreFreeThenWaitsDoubleAndCap() {
        let th = LoginThrottle(freeFailures: 3, baseDelaySeconds: 2, maxDelaySeconds: 300, lockAfter: 10)
        #expect((0...3).map(th.delaySeconds(afterFailures:)) == [0, 0, 0, 0])
        #expect(th.delaySeconds(afterFailures: 4) == 2)
        #expect(th.delaySeconds(afterFailures: 5) == 4)
        #expect(th.delaySeconds(afterFailures: 9) == 64)
        #expect(th.delaySeconds(afterFailures: 1_000_000) == 300)
    }

    @Test func accountLocksAfterCountAndUnlocksAfterLockTime() {
        let th = LoginThrottle(freeFailures: 3, lockAfter: 5, lockSeconds: 600)
        var rec: LoginThrottle.Record?
        for i in 0..<5 { rec = th.recordingFailure(rec, now: t0.addingTimeInterval(Double(i))) }
        let r = try! #require(rec)
        #expect(th.locks(r))
        #expect(th.decide(r, kind: .account, now: t0.addingTimeInterval(10)) == .locked(until: t0.addingTimeInterval(604)))
        #expect(th.decide(r, kind: .account, now: t0.addingTimeInterval(605)) == .allow)
        // An address is slowed, never locked.
        if case .locked = th.decide(r, kind: .address, now: t0.addingTimeInterval(10)) { Issue.record("address locked") }
    }

    @Test func waitIsOwedOnlyUntilTheDelayPassed() {
        let th = LoginThrottle(freeFailures: 1, baseDelaySeconds: 10)
        let rec = LoginThrottle.Record(failures: 2, lastFailure: t0)
        #expect(th.decide(rec, kind: .account, now: t0.addingTimeInterval(3)) == .wait(seconds: 7))
        #expect(th.decide(rec, kind: .account, now: t0.addingTimeInterval(10)) == .allow)
        #expect(th.decide(nil, kind: .account, now: t0) == .allow)
    }

    @Test func onlyLocalPathsAreRedirectTargets() {
        for good in ["/workspace", "/work-orders?status=open", "/qa/contacts/1"] {
            #expect(SafeRedirect.localPath(good) == good)
        }
        for bad in ["//evil.example", "/\\evil.example", "/%5Cevil.example", "/%2F%2Fevil.example", "https://evil.example",
                    "evil", "/\tevil", "/\n/evil.example", "", nil] as [String?] {
            #expect(SafeRedirect.localPath(bad) == nil, "\(String(describing: bad))")
        }
    }

    @Test func secretsAreRedacted() {
        #expect(SecretRedaction.redact("connect postgres://kefu:s3cr3t@db:5432/kefu failed")
                == "connect postgres://kefu:***@db:5432/kefu failed")
        #expect(SecretRedaction.redact("postgresql://u:p@w:d@h/db") == "postgresql://u:***@h/db")
        #expect(SecretRedaction.redact("host=db password=hunter2 user=x") == "host=db password=*** user=x")
        #expect(SecretRedaction.redact("sqlite:///var/lib/kefu/kefu.sqlite") == "sqlite:///var/lib/kefu/kefu.sqlite")
    }

    @Test func staffingInputsAreBoundedWhereTheyAreDecided() {
        func target(calls: Double = 100, aht: Double = 180, interval: Double = 1800, occupancy: Double = 1) -> StaffingTarget {
            StaffingTarget(calls: calls, intervalSeconds: interval, ahtSeconds: aht, targetServiceLevel: 0.8,
                           answerWithinSeconds: 20, maxOccupancy: occupancy)
        }
        for bad in [target(calls: 1e308), target(calls: 1e-300, aht: 1e-300), target(interval: 1e-300), target(interval: 1e308),
                    target(calls: 1e15, aht: 1e6), target(occupancy: 1e-300), target(aht: .infinity)] {
            #expect(throws: WorkforceError.self) { try Erlang.staffing(for: bad) }
        }
        #expect(throws: WorkforceError.self) { try RuleOfThumb.seats(busyHourCalls: 100, maxCallsPerAgentPerHour: 1e-300) }
        #expect(throws: WorkforceError.self) { try RuleOfThumb.seats(busyHourCalls: 1e308, maxCallsPerAgentPerHour: 10) }
        // The largest accepted load still answers at once.
        let big = target(calls: 50_000, aht: 600, interval: 1800)
        #expect(big.trafficErlangs < StaffingTarget.maxErlangs)
        #expect(((try? Erlang.staffing(for: big))?.agents ?? 0) > 16_000)
    }
}
