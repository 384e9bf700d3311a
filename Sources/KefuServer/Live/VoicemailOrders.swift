import Vapor
import Fluent
import SQLKit
import KefuCore

/// A caller who found no free agent and left a message (R3.3, 004 第十八条: voicemails are
/// answered promptly) becomes a work order owned by a complaint handler, with the SLA's
/// reply deadline like any other order. The CTI outbox may run this more than once for the
/// same event (a retry, a lease taken over after a crash); a key on the event id, written in
/// the order's own transaction, makes the order exist at most once.
struct VoicemailOrders {
    let app: Application
    var db: Database { app.db }

    /// Makes what the stored voicemail events with these ids still lack.
    func make(eventIDs: [String]) async throws {
        guard !eventIDs.isEmpty else { return }
        struct Made: Decodable { var event_id: String }
        let made = try await db.sql().select().column("event_id").from("cti_voicemail_orders")
            .where("event_id", .in, SQLBind.group(eventIDs)).all(decoding: Made.self)
        let done = Set(made.map(\.event_id))
        let todo = eventIDs.filter { !done.contains($0) }
        guard !todo.isEmpty else { return }
        let voicemails = try await CTIEventStore(db: db).events(ids: todo).filter { $0.type == .contact(.voicemail) }
        guard !voicemails.isEmpty else { return }
        guard let handler = try await User.query(on: db).filter(\.$role == Role.complaintHandler.rawValue)
            .filter(\.$active == true).sort(\.$workId).first() else {
            app.logger.warning("voicemail received but no active complaint handler to own it")
            return
        }
        for v in voicemails { try await make(v, handler: handler) }
    }

    private func make(_ v: CTIEvent, handler: User) async throws {
        let now = app.kefu.clock.now()
        let fault = app.storage[CTIFollowUpFaultKey.self]
        guard let caller = v.caller.flatMap({ Validation.isValidPhone($0) ? $0 : nil }) else {
            // No number to call back: the complaint handlers are told to listen to it.
            try await db.writeTransaction { tx in
                guard try await Self.claim(v.id, order: nil, now: now, on: tx) else { return }
                try fault?.hit()
                try await KefuNotification(recipientWorkId: nil, recipientRole: Role.complaintHandler.rawValue, workOrderID: nil,
                                           message: "收到无来电号码的语音留言（通话 \(v.callId ?? "")），请收听并处理。", createdAt: now).create(on: tx)
            }
            return
        }
        var input = WorkOrderCreateInput()
        input.type = WorkOrderType.consultation.rawValue
        input.channel = KefuCore.Channel.voicemail.rawValue
        input.subject = "语音留言：来电 \(caller)"
        input.description = "客户在坐席繁忙时留言（通话 \(v.callId ?? "")，队列 \(v.queue ?? "")）。请收听留言并尽快回复。" + (v.reason.map { "留言摘要：\($0)" } ?? "")
        if let existing = try await CustomerService(db: db, now: now).find(phone: caller).first {
            input.customerId = existing.id?.uuidString
        } else {
            input.customer = CustomerInput(name: "留言客户", phone: caller)
        }
        // The order service reads the clock and settings from a request; this one has no client.
        let req = Request(application: app, on: app.eventLoopGroup.any())
        do {
            _ = try await WorkOrderService(req: req).create(input, actor: handler) { tx, orderID in
                guard try await Self.claim(v.id, order: orderID, now: now, on: tx) else { throw AlreadyMade() }
                try fault?.hit()
            }
        } catch is AlreadyMade {
            // Another run made it first; its order stands, this one was rolled back.
        } catch let e as KefuError {
            // Nothing a retry would change (the stored event fails the order's validation).
            app.logger.warning("voicemail order for call \(v.callId ?? "") not created: \(e.reason)")
        }
    }

    /// Records that the voicemail `eventID` has its order; false when it already had one.
    private static func claim(_ eventID: String, order: UUID?, now: Date, on db: Database) async throws -> Bool {
        struct Out: Decodable { var event_id: String }
        let rows = try await db.sql().insert(into: "cti_voicemail_orders")
            .columns("event_id", "work_order_id", "created_at")
            .values(SQLBind(eventID), SQLBind(order?.uuidString), SQLBind(now))
            .ignoringConflicts(with: ["event_id"]).returning("event_id").all(decoding: Out.self)
        return !rows.isEmpty
    }

    private struct AlreadyMade: Error {}
}
