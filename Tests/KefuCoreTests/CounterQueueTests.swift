import Foundation
import Testing
@testable import KefuCore

/// R3.6: who a counter calls next, what a customer is told, and the hall's figures.
@Suite("Counter queue (R3.6)")
struct CounterQueueTests {
    let t0 = Date(timeIntervalSince1970: 1_796_000_000)
    func ticket(_ n: Int, _ service: String, _ p: TicketPriority = .normal, minute: Double, for counter: String? = nil) -> CounterQueue.Waiting {
        CounterQueue.Waiting(id: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n)) ?? UUID(), service: service, priority: p,
                             issuedAt: t0.addingTimeInterval(minute * 60), forCounter: counter, transferredAt: counter == nil ? nil : t0.addingTimeInterval(3600))
    }

    @Test func priorityFirstThenArrivalWithinTheCountersServices() {
        let q = [ticket(1, "A", minute: 0), ticket(2, "B", minute: 1), ticket(3, "A", .elderly, minute: 5), ticket(4, "B", .pregnant, minute: 6)]
        // A counter for everything: the earlier priority ticket.
        #expect(CounterQueue.next(q, counter: "1", serves: [])?.id == q[2].id)
        // A counter for B only (分流): B's priority ticket, never A's.
        #expect(CounterQueue.next(q, counter: "2", serves: ["B"])?.id == q[3].id)
        // Without priority tickets: order of arrival.
        #expect(CounterQueue.next([q[1], q[0]], counter: "1", serves: [])?.id == q[0].id)
        #expect(CounterQueue.next([q[1]], counter: "1", serves: ["C"]) == nil)
        #expect(CounterQueue.next([], counter: "1", serves: []) == nil)
    }

    @Test func aTransferredCustomerIsTheTargetCountersFirstAndNobodyElses() {
        let sent = ticket(9, "C", minute: 30, for: "3")
        let q = [ticket(1, "A", .disabled, minute: 0), sent]
        #expect(CounterQueue.next(q, counter: "3", serves: ["A"])?.id == sent.id)
        #expect(CounterQueue.next([sent], counter: "1", serves: []) == nil)
        #expect(CounterQueue.next(q, counter: "1", serves: [])?.id == q[0].id)
        #expect(CounterQueue.listOrder(sent, q[0]))
    }

    @Test func whatTheCustomerIsTold() {
        let q = [ticket(1, "A", minute: 0), ticket(2, "A", minute: 1), ticket(3, "A", .elderly, minute: 2), ticket(4, "B", minute: 3)]
        #expect(CounterQueue.ahead(of: .normal, service: "A", in: q) == 3)
        #expect(CounterQueue.ahead(of: .pregnant, service: "A", in: q) == 1)
        #expect(CounterQueue.ahead(of: .normal, service: "C", in: q) == 0)
        // Three ahead at 6 minutes each, two counters open: 9 minutes.
        #expect(CounterQueue.expectedWaitMinutes(ahead: 3, averageServiceSeconds: 360, openCounters: 2) == 9)
        // No history: 5 minutes each; no counter open counts as one.
        #expect(CounterQueue.expectedWaitMinutes(ahead: 2, averageServiceSeconds: nil, openCounters: 0) == 10)
        #expect(CounterQueue.expectedWaitMinutes(ahead: 1, averageServiceSeconds: 20, openCounters: 3) == 1)
        #expect(CounterQueue.expectedWaitMinutes(ahead: 0, averageServiceSeconds: 600, openCounters: 1) == 0)
    }

    @Test func numbersNamesAndActions() {
        #expect(CounterQueue.number(code: "B", sequence: 7) == "B007")
        #expect(CounterQueue.checkCode("a") == nil)
        #expect(CounterQueue.checkCode("O") != nil && CounterQueue.checkCode("AB") != nil && CounterQueue.checkCode("1") != nil)
        #expect(CounterQueue.checkCounter("  ") != nil && CounterQueue.checkCounter("12345678901") != nil && CounterQueue.checkCounter("3号窗口") == nil)
        #expect(CounterQueue.announcement(number: "A012", counter: "3") == "请 A012 号到 3号窗口 办理")
        #expect(CounterQueue.announcement(number: "A012", counter: "3号窗口") == "请 A012 号到 3号窗口 办理")
        #expect(CounterQueue.place("VIP台") == "VIP台" && CounterQueue.place("12") == "12号窗口")
        for a in TicketAction.allCases {
            #expect(CounterQueue.allows(a, from: .called))
            #expect(!CounterQueue.allows(a, from: .waiting) && !CounterQueue.allows(a, from: .served) && !CounterQueue.allows(a, from: .absent))
        }
        #expect(CounterQueue.status(after: .transfer) == .waiting && CounterQueue.status(after: .absent) == .absent)
    }

    @Test func figuresCountWaitToTheFirstCallAndServiceFromTheLast() {
        var f = CounterFigures()
        // Waited 10 min, transferred, served 4 min after the second call (20 min after issue).
        f.add(priority: .elderly, status: .served, issuedAt: t0, firstCalledAt: t0 + 600, calledAt: t0 + 1200, servedAt: t0 + 1440)
        f.add(priority: .normal, status: .absent, issuedAt: t0, firstCalledAt: t0 + 1800, calledAt: t0 + 1800, servedAt: nil)
        f.add(priority: .normal, status: .waiting, issuedAt: t0, firstCalledAt: nil, calledAt: nil, servedAt: nil)
        #expect(f.issued == 3 && f.priority == 1 && f.served == 1 && f.absent == 1 && f.waiting == 1)
        #expect(f.averageWaitSeconds == 1200 && f.longestWaitSeconds == 1800 && f.averageServiceSeconds == 240)
        let both = f + f
        #expect(both.issued == 6 && both.averageWaitSeconds == 1200 && both.longestWaitSeconds == 1800)
        #expect(CounterFigures().averageWaitSeconds == nil)
    }
}
