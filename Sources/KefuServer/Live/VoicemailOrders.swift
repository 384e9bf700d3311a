import Vapor
import Fluent
import KefuCore

/// A caller who found no free agent and left a message (R3.3, 004 第十八条: voicemails are
/// answered promptly) becomes a work order owned by a complaint handler, with the SLA's
/// reply deadline like any other order.
enum VoicemailOrders {
    static func create(for events: [CTIEvent], on req: Request) async throws {
        let voicemails = events.filter { $0.type == .contact(.voicemail) }
        guard !voicemails.isEmpty else { return }
        guard let handler = try await User.query(on: req.db).filter(\.$role == Role.complaintHandler.rawValue)
            .filter(\.$active == true).sort(\.$workId).first() else {
            req.logger.warning("voicemail received but no active complaint handler to own it")
            return
        }
        for v in voicemails {
            let caller = v.caller.flatMap { Validation.isValidPhone($0) ? $0 : nil }
            var input = WorkOrderCreateInput()
            input.type = WorkOrderType.consultation.rawValue
            input.channel = KefuCore.Channel.voicemail.rawValue
            input.subject = "语音留言：来电 \(v.caller ?? "未知号码")"
            input.description = "客户在坐席繁忙时留言（通话 \(v.callId ?? "")，队列 \(v.queue ?? "")）。请收听留言并尽快回复。" + (v.reason.map { "留言摘要：\($0)" } ?? "")
            guard let caller else {
                // No number to call back: the complaint handlers are told to listen to it.
                try await KefuNotification(recipientWorkId: nil, recipientRole: Role.complaintHandler.rawValue, workOrderID: nil,
                                           message: "收到无来电号码的语音留言（通话 \(v.callId ?? "")），请收听并处理。", createdAt: req.now).create(on: req.db)
                continue
            }
            if let existing = try await CustomerService(db: req.db, now: req.now).find(phone: caller).first {
                input.customerId = existing.id?.uuidString
            } else {
                input.customer = CustomerInput(name: "留言客户", phone: caller)
            }
            do {
                _ = try await WorkOrderService(req: req).create(input, actor: handler)
            } catch let e as KefuError {
                req.logger.warning("voicemail order for call \(v.callId ?? "") not created: \(e.reason)")
            }
        }
    }
}
