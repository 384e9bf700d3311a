import Foundation

/// 营业厅排队 (R3.6, seed 004 第五章 第二十条): a customer takes a ticket for a kind of business,
/// the hall's counters (窗口) each serve some kinds (分流), the elderly, disabled and pregnant
/// are served first, and a customer who asks is told how long they still have to wait.
/// The rules are here once; the server stores what they decide.

/// Who is served first (第二十条（二）: 对老、残、孕等特殊客户，要主动提供帮助).
public enum TicketPriority: String, Sendable, Codable, CaseIterable {
    case normal, elderly, disabled, pregnant

    public var label: String {
        switch self {
        case .normal: "普通"
        case .elderly: "老年人"
        case .disabled: "残障人士"
        case .pregnant: "孕妇"
        }
    }

    /// Called before every normal ticket of the same business.
    public var isPriority: Bool { self != .normal }
}

/// A ticket's life: waiting in the hall → called to a counter → served there, or absent when
/// nobody came. A ticket transferred to another counter waits again, for that counter.
public enum TicketStatus: String, Sendable, Codable, CaseIterable {
    case waiting, called, served, absent

    public var label: String {
        switch self {
        case .waiting: "等候中"
        case .called: "已叫号"
        case .served: "已办结"
        case .absent: "过号未到"
        }
    }

    public var isFinished: Bool { self == .served || self == .absent }
}

/// What a counter may do with the ticket it called.
public enum TicketAction: String, Sendable, CaseIterable {
    case recall, transfer, served, absent

    public var label: String {
        switch self {
        case .recall: "重呼"
        case .transfer: "转窗口"
        case .served: "办结"
        case .absent: "过号"
        }
    }
}

public enum CounterQueue {
    /// A service's code is the letter its tickets start with (A012).
    public static let codeLetters = Set("ABCDEFGHJKLMNPQRSTUVWXYZ")
    public static let maxServiceName = 20
    public static let maxCounterName = 10
    /// One hall's tickets of one service in one day: three digits.
    public static let maxPerDay = 999
    /// What one customer is served in, when the hall has no history yet (minutes).
    public static let defaultServiceMinutes = 5.0
    /// How many recalls before a counter may mark the ticket absent is the clerk's call; the
    /// display stops announcing after this many, so a hall is not told the same number forever.
    public static let maxRecalls = 3

    /// `A` + the day's sequence: A001 … A999.
    public static func number(code: String, sequence: Int) -> String {
        code + String(format: "%03d", sequence)
    }

    /// What a counter says when it opens and when it calls: its name, trimmed, 1–10 characters.
    public static func checkCounter(_ raw: String?) -> FieldProblem? {
        Validation.checkLine(raw, field: "counter", label: "窗口", max: maxCounterName)
    }

    public static func checkServiceName(_ raw: String?) -> FieldProblem? {
        Validation.checkLine(raw, field: "name", label: "业务名称", max: maxServiceName)
    }

    public static func checkCode(_ raw: String?) -> FieldProblem? {
        let code = (raw ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        guard code.count == 1, let c = code.first, codeLetters.contains(c) else {
            return FieldProblem(field: "code", message: "业务代码须为一个大写字母（不用 I 和 O，免得与数字混淆）")
        }
        return nil
    }

    /// A waiting ticket as the queue sees it.
    public struct Waiting: Sendable, Equatable {
        public var id: UUID
        public var service: String
        public var priority: TicketPriority
        public var issuedAt: Date
        /// Set when a counter sent the customer on to another counter.
        public var forCounter: String?
        public var transferredAt: Date?

        public init(id: UUID, service: String, priority: TicketPriority, issuedAt: Date, forCounter: String? = nil, transferredAt: Date? = nil) {
            self.id = id; self.service = service; self.priority = priority; self.issuedAt = issuedAt
            self.forCounter = forCounter; self.transferredAt = transferredAt
        }
    }

    /// Who a counter calls next: a customer sent to this very counter first (they already
    /// waited once), then priority tickets, then everyone else in order of arrival — among
    /// the services the counter serves (all, when it named none). A ticket sent to another
    /// counter is that counter's.
    public static func next(_ waiting: [Waiting], counter: String, serves services: Set<String>) -> Waiting? {
        let mine = waiting.filter { $0.forCounter == counter }
        if let first = mine.min(by: { ($0.transferredAt ?? $0.issuedAt) < ($1.transferredAt ?? $1.issuedAt) }) { return first }
        let open = waiting.filter { $0.forCounter == nil && (services.isEmpty || services.contains($0.service)) }
        return open.min(by: precedes)
    }

    /// The hall's waiting list as staff see it: customers sent on to a counter first, then the
    /// order `next` calls in.
    public static func listOrder(_ a: Waiting, _ b: Waiting) -> Bool {
        if (a.forCounter != nil) != (b.forCounter != nil) { return a.forCounter != nil }
        return precedes(a, b)
    }

    /// Priority first, then arrival; the id breaks a tie so the order never depends on storage.
    public static func precedes(_ a: Waiting, _ b: Waiting) -> Bool {
        if a.priority.isPriority != b.priority.isPriority { return a.priority.isPriority }
        if a.issuedAt != b.issuedAt { return a.issuedAt < b.issuedAt }
        return a.id.uuidString < b.id.uuidString
    }

    /// How many are called before a new ticket of `service` with `priority`: a priority
    /// ticket waits only behind the priority tickets of its service.
    public static func ahead(of priority: TicketPriority, service: String, in waiting: [Waiting]) -> Int {
        waiting.filter { $0.forCounter == nil && $0.service == service && (!priority.isPriority || $0.priority.isPriority) }.count
    }

    /// 告知客户办理业务需要继续等待的时间 (第二十条（七）): the people ahead times the time one
    /// customer takes at this service (its recent average, else the default), shared by the
    /// counters now open for it; rounded up to whole minutes, at least one when anyone is ahead.
    public static func expectedWaitMinutes(ahead: Int, averageServiceSeconds: Double?, openCounters: Int) -> Int {
        guard ahead > 0 else { return 0 }
        let each = (averageServiceSeconds.flatMap { $0 > 0 ? $0 : nil } ?? defaultServiceMinutes * 60) / 60
        let minutes = Double(ahead) * each / Double(max(1, openCounters))
        return max(1, Int(minutes.rounded(.up)))
    }

    /// Whether `action` may follow a ticket in `status`: every action is on a called ticket.
    public static func allows(_ action: TicketAction, from status: TicketStatus) -> Bool {
        status == .called
    }

    /// The status a ticket has after `action`.
    public static func status(after action: TicketAction) -> TicketStatus {
        switch action {
        case .recall: .called
        case .transfer: .waiting
        case .served: .served
        case .absent: .absent
        }
    }

    /// A counter as the hall reads it: a bare number is "3号窗口".
    public static func place(_ counter: String) -> String {
        !counter.isEmpty && counter.allSatisfy(\.isNumber) ? counter + "号窗口" : counter
    }

    /// The words the hall display speaks (and shows): "请 A012 号到 3号窗口 办理".
    public static func announcement(number: String, counter: String) -> String {
        "请 \(number) 号到 \(place(counter)) 办理"
    }
}

/// Waiting and service times of a period's tickets, per service (R3.6: they feed the reports).
public struct CounterFigures: Sendable, Equatable {
    public var issued = 0
    public var priority = 0
    public var served = 0
    public var absent = 0
    public var waiting = 0
    /// Issue → first call, over the tickets that were called.
    public var waitSeconds = 0.0
    public var waitCount = 0
    public var longestWaitSeconds = 0.0
    /// Call → served, over the served tickets.
    public var serviceSeconds = 0.0
    public var serviceCount = 0

    public init() {}

    public var averageWaitSeconds: Double? { waitCount > 0 ? waitSeconds / Double(waitCount) : nil }
    public var averageServiceSeconds: Double? { serviceCount > 0 ? serviceSeconds / Double(serviceCount) : nil }

    /// One ticket's part, as far as it got: the wait ends at its first call, the service runs
    /// from its last call (a transferred customer is served where they were sent).
    public mutating func add(priority p: TicketPriority, status: TicketStatus, issuedAt: Date, firstCalledAt: Date?, calledAt: Date?, servedAt: Date?) {
        issued += 1
        if p.isPriority { priority += 1 }
        switch status {
        case .served: served += 1
        case .absent: absent += 1
        case .waiting, .called: waiting += 1
        }
        if let firstCalledAt {
            let wait = max(0, firstCalledAt.timeIntervalSince(issuedAt))
            waitSeconds += wait; waitCount += 1
            longestWaitSeconds = max(longestWaitSeconds, wait)
        }
        if status == .served, let calledAt, let servedAt {
            serviceSeconds += max(0, servedAt.timeIntervalSince(calledAt)); serviceCount += 1
        }
    }

    public static func + (a: CounterFigures, b: CounterFigures) -> CounterFigures {
        var s = a
        s.issued += b.issued; s.priority += b.priority; s.served += b.served; s.absent += b.absent; s.waiting += b.waiting
        s.waitSeconds += b.waitSeconds; s.waitCount += b.waitCount; s.longestWaitSeconds = max(a.longestWaitSeconds, b.longestWaitSeconds)
        s.serviceSeconds += b.serviceSeconds; s.serviceCount += b.serviceCount
        return s
    }
}
