import Vapor
import Fluent
import SQLKit
import KefuCore

/// One hall's queue (R3.6): its services, the counters open in it, handing out tickets,
/// calling them and what follows a call. A hall is a branch; everything is read and written
/// through the request's `TenantData`, so another company's hall does not exist here.
struct CounterHall {
    let tenant: TenantData
    let branch: Branch
    let actor: String
    let now: Date
    let timeZone: TimeZone

    var company: UUID { branch.$company.id }
    var branchID: UUID { branch.id ?? UUID() }
    var today: String { LocalDay(now, in: timeZone).description }
    var todayStart: Date { LocalDay(now, in: timeZone).start(in: timeZone) }

    /// The hall a request works in: the branch it names (`branch` code), else the person's own.
    static func of(_ req: Request, branchCode: String?) async throws -> CounterHall {
        let tenant = try await req.tenant()
        let code = branchCode?.trimmingCharacters(in: .whitespaces) ?? ""
        let branch = code.isEmpty ? try await tenant.defaultBranch() : try await tenant.branch(code: code)
        return CounterHall(tenant: tenant, branch: branch, actor: try req.user().workId, now: req.now, timeZone: req.kefu.settings.timeZone)
    }

    /// The hall of a ticket (a ticket is acted on where it was taken; the request names no hall).
    static func of(_ req: Request, ticket id: UUID?) async throws -> CounterHall {
        let tenant = try await req.tenant()
        let t = try await tenant.require(CounterTicket.self, id, "排队号")
        return CounterHall(tenant: tenant, branch: try await tenant.branch(t.branchID), actor: try req.user().workId, now: req.now,
                           timeZone: req.kefu.settings.timeZone)
    }

    /// An API's `branchCode`: absent means the caller's own hall; present, it must name one.
    static func checkedBranchCode(_ raw: String?) throws -> String? {
        guard let raw else { return nil }
        guard !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw KefuError.invalid([.init(field: "branchCode", message: "branchCode 不能为空；不填则为本人所在营业厅")])
        }
        return raw
    }

    // MARK: services

    func services(activeOnly: Bool = true) async throws -> [CounterService] {
        let q = tenant.query(CounterService.self).filter(\.$branchID == branchID)
        if activeOnly { q.filter(\.$active == true) }
        return try await q.sort(\.$code).all()
    }

    /// A service named by its code (`A`) or its name (`缴费`), in use in this hall.
    func service(_ raw: String?) async throws -> CounterService {
        let wanted = (raw ?? "").trimmingCharacters(in: .whitespaces)
        guard !wanted.isEmpty else { throw KefuError.invalid([.init(field: "service", message: "请选择办理的业务")]) }
        let all = try await services()
        guard let s = all.first(where: { $0.code == wanted.uppercased() || $0.name == wanted }) else {
            let offered = all.map { "\($0.code) \($0.name)" }.joined(separator: "、")
            throw KefuError.invalid([.init(field: "service", message: all.isEmpty ? "本营业厅尚未设置业务类型" : "没有业务「\(wanted)」（可选：\(offered)）")])
        }
        return s
    }

    /// Adds a service, or renames and re-opens the one with that code.
    func saveService(code rawCode: String?, name rawName: String?) async throws {
        var problems: [FieldProblemDTO] = []
        if let p = CounterQueue.checkCode(rawCode) { problems.append(.init(p)) }
        if let p = CounterQueue.checkServiceName(rawName) { problems.append(.init(p)) }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        let code = (rawCode ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let name = (rawName ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        try await tenant.db.writeTransaction { [tenant, branchID, company, actor, now] tx in
            let data = tenant.on(tx)
            let same = try await data.query(CounterService.self).filter(\.$branchID == branchID).all()
            if same.contains(where: { $0.name == name && $0.code != code && $0.active }) {
                throw KefuError.conflict("service_exists", "已有名为「\(name)」的业务。")
            }
            let row = same.first { $0.code == code } ?? CounterService()
            let before = row.id == nil ? nil : "\(row.code) \(row.name)\(row.active ? "" : "（停用）")"
            if row.id == nil { row.id = UUID(); row.companyID = company; row.branchID = branchID; row.code = code; row.createdAt = now }
            row.name = name; row.active = true
            try await row.save(on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "counter.service_saved", objectType: "counter_service", objectId: row.id?.uuidString, before: before, after: "\(code) \(name)")
        }
    }

    /// Takes a service out of the kiosk; its tickets and figures stay.
    func retireService(code: String) async throws {
        try await tenant.db.writeTransaction { [tenant, branchID, actor, now] tx in
            guard let row = try await tenant.on(tx).query(CounterService.self).filter(\.$branchID == branchID).filter(\.$code == code).first() else {
                throw KefuError.notFound("业务 \(code)")
            }
            row.active = false
            try await row.save(on: tx)
            try await History(db: tx, actorWorkId: actor, ip: nil, now: now)
                .audit(action: "counter.service_retired", objectType: "counter_service", objectId: row.id?.uuidString, before: "\(row.code) \(row.name)")
        }
    }

    // MARK: counters

    /// The counters open today: a counter is opened each morning, so one left open last night
    /// neither takes calls nor shortens the wait customers are told.
    func windows() async throws -> [CounterWindow] {
        try await openToday().sort(\.$name).all()
    }

    private func openToday() -> QueryBuilder<CounterWindow> {
        tenant.query(CounterWindow.self).filter(\.$branchID == branchID).filter(\.$openedAt >= todayStart)
    }

    /// Opens (or re-opens with other services) a counter under the clerk's name.
    func open(counter raw: String?, services codes: [String]) async throws -> CounterWindow {
        if let p = CounterQueue.checkCounter(raw) { throw KefuError.invalid([.init(p)]) }
        let name = (raw ?? "").trimmingCharacters(in: .whitespaces)
        let known = Set(try await services().map(\.code))
        let chosen = Set(codes.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty })
        if let unknown = chosen.subtracting(known).sorted().first {
            throw KefuError.invalid([.init(field: "services", message: "没有业务代码 \(unknown)")])
        }
        return try await tenant.db.writeTransaction { [tenant, branchID, company, actor, now] tx in
            let row = try await tenant.on(tx).query(CounterWindow.self).filter(\.$branchID == branchID).filter(\.$name == name).first() ?? CounterWindow()
            if row.id == nil { row.id = UUID(); row.companyID = company; row.branchID = branchID; row.name = name }
            row.services = chosen.sorted().joined(separator: ","); row.clerkWorkId = actor; row.openedAt = now
            try await row.save(on: tx)
            return row
        }
    }

    /// Closes the counter; closing one already closed changes nothing.
    func close(counter name: String) async throws {
        try await tenant.query(CounterWindow.self).filter(\.$branchID == branchID).filter(\.$name == name).delete()
    }

    // MARK: tickets

    struct Issued { var ticket: CounterTicket; var ahead: Int; var expectedWaitMinutes: Int }

    /// Hands out the next number of the service; the customer is told how many are ahead of
    /// them and about how long that takes (第二十条（七）).
    func issue(service raw: String?, priority rawPriority: String?) async throws -> Issued {
        let wanted = (rawPriority ?? "normal").trimmingCharacters(in: .whitespaces)
        guard let priority = TicketPriority(rawValue: wanted.isEmpty ? "normal" : wanted) else {
            throw KefuError.invalid([.init(field: "priority", message: "priority 须为 " + TicketPriority.allCases.map(\.rawValue).joined(separator: "、"))])
        }
        let service = try await service(raw)
        let waiting = try await waitingTickets()
        let ahead = CounterQueue.ahead(of: priority, service: service.code, in: waiting)
        let expected = try await expectedWait(service.code, ahead: ahead)
        // Two kiosks at once: the loser of the unique (hall, day, service, sequence) takes the next.
        var attempt = 0
        while true {
            attempt += 1
            do {
                let ticket = try await tenant.db.writeTransaction { [tenant, branchID, company, actor, now, today] tx in
                    let last = try await tenant.on(tx).query(CounterTicket.self).filter(\.$branchID == branchID).filter(\.$day == today)
                        .filter(\.$serviceCode == service.code).sort(\.$sequence, .descending).first()?.sequence ?? 0
                    guard last < CounterQueue.maxPerDay else {
                        throw KefuError.conflict("tickets_exhausted", "今天「\(service.name)」的号已取完（\(CounterQueue.maxPerDay) 个），请到其他业务或明天再来。")
                    }
                    let t = CounterTicket()
                    t.id = UUID(); t.companyID = company; t.branchID = branchID; t.day = today
                    t.serviceCode = service.code; t.serviceName = service.name; t.sequence = last + 1
                    t.number = CounterQueue.number(code: service.code, sequence: last + 1)
                    t.priority = priority; t.status = .waiting; t.issuedAt = now; t.issuedBy = actor; t.recalls = 0
                    try await t.create(on: tx)
                    return t
                }
                return Issued(ticket: ticket, ahead: ahead, expectedWaitMinutes: expected)
            } catch let e as KefuError {
                throw e
            } catch where attempt < 5 {
                continue
            }
        }
    }

    /// Today's waiting tickets: numbers are the day's, and a customer still waiting when the
    /// hall closed is not called the next morning (the report counts them as not finished).
    func waitingTickets() async throws -> [CounterQueue.Waiting] {
        try await tenant.query(CounterTicket.self).filter(\.$branchID == branchID).filter(\.$day == today)
            .filter(\.$status == .waiting).all().compactMap(\.waiting)
    }

    /// What a customer of the service `code` with `ahead` people before them is told: the
    /// service's recent pace, shared by the counters open for it.
    func expectedWait(_ code: String, ahead: Int, windows open: [CounterWindow]? = nil) async throws -> Int {
        let all = if let open { open } else { try await windows() }
        let counters = all.filter { $0.serves(code) }.count
        return CounterQueue.expectedWaitMinutes(ahead: ahead, averageServiceSeconds: try await averageServiceSeconds(code), openCounters: counters)
    }

    /// A service's recent pace: the average service time of its tickets served in the last 7 days.
    func averageServiceSeconds(_ code: String) async throws -> Double? {
        let since = LocalDay(now, in: timeZone).adding(days: -7).description
        var figures = CounterFigures()
        for t in try await tenant.query(CounterTicket.self).filter(\.$branchID == branchID).filter(\.$day >= since)
            .filter(\.$serviceCode == code).filter(\.$status == .served).sort(\.$issuedAt, .descending).limit(200).all() {
            figures.add(priority: t.priority, status: t.status, issuedAt: t.issuedAt, firstCalledAt: t.firstCalledAt, calledAt: t.calledAt, servedAt: t.finishedAt)
        }
        return figures.averageServiceSeconds
    }

    /// The ticket a counter is serving now, if any.
    func current(counter: String) async throws -> CounterTicket? {
        try await tenant.query(CounterTicket.self).filter(\.$branchID == branchID).filter(\.$day == today).filter(\.$status == .called)
            .filter(\.$counter == counter).sort(\.$calledAt, .descending).first()
    }

    /// Calls the next customer to `counter` (CounterQueue.next decides who). The customer the
    /// counter had before is finished as served: pressing 下一位 means they are done. Nil when
    /// nobody waits.
    func callNext(counter raw: String?) async throws -> CounterTicket? {
        if let p = CounterQueue.checkCounter(raw) { throw KefuError.invalid([.init(p)]) }
        let counter = (raw ?? "").trimmingCharacters(in: .whitespaces)
        let window = try await openToday().filter(\.$name == counter).first()
        let serves = window?.serviceCodes ?? []
        var finishing = try await current(counter: counter)
        var passed: Set<UUID> = []
        // Another counter may win a ticket between the read and the claim: take the next one.
        for _ in 0..<8 {
            let waiting = try await waitingTickets().filter { !passed.contains($0.id) }
            let pick = CounterQueue.next(waiting, counter: counter, serves: serves)
            let token = UUID()
            // One transaction: the finish and the claim (and a page form's one-time token) go together.
            try await tenant.db.writeTransaction { [tenant, now, actor, finishing] tx in
                if let f = finishing {
                    f.status = .served; f.finishedAt = now; f.finishedBy = actor
                    try await f.save(on: tx)
                }
                guard let pick else { return }
                // Only if it still waits, in one statement: of two counters only one claims it.
                let update = try tx.sql().update(CounterTicket.schema)
                    .set("status", to: SQLBind(TicketStatus.called.rawValue))
                    .set("counter", to: SQLBind(counter))
                    .set("for_counter", to: SQLLiteral.null)
                    .set("called_at", to: SQLBind(now))
                    .set("announced_at", to: SQLBind(now))
                    .set("called_by", to: SQLBind(actor))
                    .set("call_token", to: SQLBind(token))
                    .set("recalls", to: SQLLiteral.numeric("0"))
                    .set("first_called_at", to: SQLFunction("COALESCE", args: SQLColumn("first_called_at"), SQLBind(now)))
                    .where("id", .equal, SQLBind(pick.id))
                    .where("status", .equal, SQLBind(TicketStatus.waiting.rawValue))
                if let filter = tenant.keyedCompanyFilter(table: CounterTicket.schema) { update.where(filter) }
                try await update.run()
            }
            finishing = nil
            guard let pick else { return nil }
            if let won = try await tenant.query(CounterTicket.self).filter(\.$id == pick.id).filter(\.$callToken == token).first() { return won }
            passed.insert(pick.id)
        }
        throw KefuError.conflict("counter_busy", "叫号冲突，请再按一次「下一位」。")
    }

    /// A called ticket of this hall, for an action on it.
    func ticket(_ id: UUID?) async throws -> CounterTicket {
        guard let t = try await tenant.find(CounterTicket.self, id), t.branchID == branchID else { throw KefuError.notFound("排队号") }
        return t
    }

    /// Recall, transfer, served or absent, on the ticket a counter called.
    func act(_ id: UUID?, _ action: TicketAction, toCounter: String?) async throws -> CounterTicket {
        let t = try await ticket(id)
        guard CounterQueue.allows(action, from: t.status) else {
            throw KefuError.conflict("ticket_not_called", "\(t.number) 当前状态为「\(t.status.label)」，只能对已叫到的号\(action.label)。")
        }
        switch action {
        case .recall:
            guard t.recalls < CounterQueue.maxRecalls else {
                throw KefuError.conflict("too_many_recalls", "\(t.number) 已重呼 \(CounterQueue.maxRecalls) 次，请按「过号」处理。")
            }
            t.recalls += 1; t.announcedAt = now
        case .transfer:
            if let p = CounterQueue.checkCounter(toCounter) { throw KefuError.invalid([.init(field: "toCounter", message: p.message)]) }
            let target = (toCounter ?? "").trimmingCharacters(in: .whitespaces)
            guard target != t.counter else { throw KefuError.invalid([.init(field: "toCounter", message: "请选择另一个窗口")]) }
            t.status = .waiting; t.forCounter = target; t.transferredAt = now; t.counter = nil; t.callToken = nil
        case .served, .absent:
            t.status = CounterQueue.status(after: action); t.finishedAt = now; t.finishedBy = actor
        }
        // In a write transaction, so a page form sent twice acts once (OnceToken).
        try await tenant.db.writeTransaction { [t] tx in try await t.save(on: tx) }
        return t
    }

    // MARK: what the hall shows

    /// The latest calls (newest first) for the display, today's only.
    func recentCalls(limit: Int = 8) async throws -> [CounterTicket] {
        try await tenant.query(CounterTicket.self).filter(\.$branchID == branchID).filter(\.$day == today)
            .filter(\.$announcedAt != nil).sort(\.$announcedAt, .descending).limit(limit).all()
    }

    struct ServiceQueue { var service: CounterService; var waiting: Int; var priority: Int; var expectedWaitMinutes: Int }

    /// Per service: who waits, how many of them first, and what a new customer would be told.
    func queues() async throws -> [ServiceQueue] {
        let waiting = try await waitingTickets()
        let open = try await windows()
        var rows: [ServiceQueue] = []
        for s in try await services() {
            let mine = waiting.filter { $0.service == s.code }
            let ahead = CounterQueue.ahead(of: .normal, service: s.code, in: waiting)
            rows.append(ServiceQueue(service: s, waiting: mine.count, priority: mine.filter { $0.priority.isPriority }.count,
                                     expectedWaitMinutes: try await expectedWait(s.code, ahead: ahead, windows: open)))
        }
        return rows
    }

    /// Waiting tickets in the order they will be called (by a counter that serves all).
    func waitingList(limit: Int = 50) async throws -> [CounterTicket] {
        let rows = try await tenant.query(CounterTicket.self).filter(\.$branchID == branchID).filter(\.$day == today)
            .filter(\.$status == .waiting).all()
        return Array(rows.sorted { a, b in
            guard let wa = a.waiting, let wb = b.waiting else { return false }
            return CounterQueue.listOrder(wa, wb)
        }.prefix(limit))
    }
}
