import Vapor
import Fluent
import SQLKit
import KefuCore

/// A caller who found no free agent and left a message (R3.3, 004 第十八条: voicemails are
/// answered promptly) becomes a work order owned by a complaint handler, with the SLA's
/// reply deadline like any other order. The CTI outbox may run this more than once for the
/// same event (a retry, a lease taken over after a crash); a key on the company and event id,
/// written in the order's own transaction, makes the order exist at most once. The order is
/// the call's company's, in the branch whose hotline was dialled (R11.1).
struct VoicemailOrders {
    let app: Application
    var db: Database { app.db }

    /// The once-per-voicemail key: the company id in front of the event id, since event ids
    /// are unique per company only (two companies' switches may both send `v1`).
    static func key(company: UUID, eventID: String) -> String { company.uuidString.lowercased() + ":" + eventID }

    /// The company and event id of a key. A key without a company comes from an outbox row
    /// written before companies existed: its event is the operating company's (M014 moved the
    /// single center there).
    static func parse(_ key: String, operatorCompany: UUID?) -> (company: UUID, eventID: String)? {
        if key.count > 37, key[key.index(key.startIndex, offsetBy: 36)] == ":", let c = UUID(uuidString: String(key.prefix(36))) {
            return (c, String(key.dropFirst(37)))
        }
        return operatorCompany.map { ($0, key) }
    }

    /// Makes what the stored voicemail events with these keys (`key(company:eventID:)`) still lack.
    func make(keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        let operatorCompany = try await Company.query(on: db).filter(\.$isOperator == true).sort(\.$createdAt).first()?.id
        var byCompany: [UUID: [String]] = [:]
        for k in keys {
            guard let (company, id) = Self.parse(k, operatorCompany: operatorCompany) else { continue }
            byCompany[company, default: []].append(id)
        }
        for (company, ids) in byCompany.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            try await make(company: company, eventIDs: ids)
        }
    }

    /// One company's voicemails: each becomes an order of that company, in the branch the
    /// call came in on, owned by one of the company's complaint handlers.
    func make(company: UUID, eventIDs: [String]) async throws {
        struct Made: Decodable { var event_id: String }
        let made = try await db.sql().select().column("event_id").from("cti_voicemail_orders")
            .where("event_id", .in, SQLBind.group(eventIDs.map { Self.key(company: company, eventID: $0) })).all(decoding: Made.self)
        let done = Set(made.map(\.event_id))
        let todo = eventIDs.filter { !done.contains(Self.key(company: company, eventID: $0)) }
        guard !todo.isEmpty else { return }
        let voicemails = try await CTIEventStore(db: db).events(ids: todo, company: company).filter { $0.type == .contact(.voicemail) }
        guard !voicemails.isEmpty else { return }
        guard let handler = try await Self.handler(of: company, on: db) else {
            app.logger.warning("voicemail received but no active complaint handler of the company to own it")
            return
        }
        for v in voicemails { try await make(v, company: company, handler: handler) }
    }

    /// The company's first active complaint handler by work ID: one of its own people, else
    /// one of the operating company's granted to it (an outsourced center's back office).
    static func handler(of company: UUID, on db: Database) async throws -> User? {
        let tenant = TenantData.system(db)
        if let own = try await tenant.query(User.self).filter(\.$companyID == company).filter(\.$role == Role.complaintHandler.rawValue)
            .filter(\.$active == true).sort(\.$workId).first() { return own }
        let granted = try await CompanyGrant.query(on: db).filter(\.$company.$id == company).all().map(\.$user.id)
        guard !granted.isEmpty else { return nil }
        return try await tenant.query(User.self).filter(\.$id ~~ granted).filter(\.$role == Role.complaintHandler.rawValue)
            .filter(\.$active == true).sort(\.$workId).first()
    }

    private func make(_ v: CTIEvent, company: UUID, handler: User) async throws {
        let now = app.kefu.clock.now()
        let fault = app.storage[CTIFollowUpFaultKey.self]
        let key = Self.key(company: company, eventID: v.id)
        guard let caller = v.caller.flatMap({ Validation.isValidPhone($0) ? $0 : nil }) else {
            // No number to call back: the company's complaint handlers are told to listen to it.
            try await db.writeTransaction { tx in
                guard try await Self.claim(key, order: nil, now: now, on: tx) else { return }
                try fault?.hit()
                let note = KefuNotification(recipientWorkId: nil, recipientRole: Role.complaintHandler.rawValue, workOrderID: nil,
                                            message: "收到无来电号码的语音留言（通话 \(v.callId ?? "")），请收听并处理。", createdAt: now)
                note.companyID = company
                try await note.create(on: tx)
            }
            return
        }
        let tenant = TenantData(scope: .companies([company]), db: db)
        var input = WorkOrderCreateInput()
        input.type = WorkOrderType.consultation.rawValue
        input.channel = KefuCore.Channel.voicemail.rawValue
        input.subject = "语音留言：来电 \(caller)"
        input.description = "客户在坐席繁忙时留言（通话 \(v.callId ?? "")，队列 \(v.queue ?? "")）。请收听留言并尽快回复。" + (v.reason.map { "留言摘要：\($0)" } ?? "")
        // The order goes to the branch the call came in on (the dialled hotline's).
        if let callId = v.callId, let branch = try await CTIEventStore(db: db).branch(ofCall: callId, company: company) {
            input.branchCode = try await tenant.branch(branch).code
        }
        if let existing = try await CustomerService(tenant: tenant, now: now).find(phone: caller, company: company).first {
            input.customerId = existing.id?.uuidString
        } else {
            input.customer = CustomerInput(name: "留言客户", phone: caller)
        }
        // The order service reads the clock and settings from a request; this one has no
        // client, so it names the company it works in.
        let req = Request(application: app, on: app.eventLoopGroup.any())
        do {
            _ = try await WorkOrderService(req: req, tenant: tenant).create(input, actor: handler) { tx, orderID in
                guard try await Self.claim(key, order: orderID, now: now, on: tx) else { throw AlreadyMade() }
                try fault?.hit()
            }
        } catch is AlreadyMade {
            // Another run made it first; its order stands, this one was rolled back.
        } catch let e as KefuError {
            // Nothing a retry would change (the stored event fails the order's validation).
            app.logger.warning("voicemail order for call \(v.callId ?? "") not created: \(e.reason)")
        }
    }

    /// Records that the voicemail with `key` has its order; false when it already had one.
    private static func claim(_ key: String, order: UUID?, now: Date, on db: Database) async throws -> Bool {
        struct Out: Decodable { var event_id: String }
        let rows = try await db.sql().insert(into: "cti_voicemail_orders")
            .columns("event_id", "work_order_id", "created_at")
            .values(SQLBind(key), SQLBind(order?.uuidString), SQLBind(now))
            .ignoringConflicts(with: ["event_id"]).returning("event_id").all(decoding: Out.self)
        return !rows.isEmpty
    }

    private struct AlreadyMade: Error {}
}
