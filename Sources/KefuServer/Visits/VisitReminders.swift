import Vapor
import Fluent
import SQLKit
import KefuCore

/// The reconfirmation call the day before a visit (R8.1; seed 004 第二十一条（一）): when a
/// booked visit's stored `reconfirm_due_at` passes, its order's owner is reminded to call the
/// customer. Each reminder is a compare-and-set on `reconfirm_reminded_at`, so with several
/// server processes, and after a restart, it is sent exactly once.
struct VisitReminders {
    let db: Database
    let now: Date
    let timeZone: TimeZone

    @discardableResult
    func sweep(batch: Int = 200) async throws -> Int {
        let tenant = TenantData.system(db)
        let due = try await tenant.query(FieldVisit.self).filter(\.$status == .booked)
            .filter(\.$reconfirmDueAt <= now).filter(\.$reconfirmRemindedAt == nil)
            .sort(\.$reconfirmDueAt).limit(batch).all()
        var sent = 0
        for v in due {
            guard let id = v.id else { continue }
            let fired: Bool = try await db.writeTransaction { [now, timeZone] tx in
                let rows = try await tx.sql().update(FieldVisit.schema).set("reconfirm_reminded_at", to: now)
                    .where("id", .equal, id).where("reconfirm_reminded_at", .is, SQLLiteral.null).returning("id").all()
                guard !rows.isEmpty else { return false }
                guard let order = try await TenantData.system(tx).find(WorkOrder.self, v.workOrderID) else { return true }
                let when = PageFormat.dateTime(v.slotStart, timeZone)
                try await History(db: tx, actorWorkId: nil, ip: nil, now: now)
                    .workOrder(v.workOrderID, kind: "visit_reconfirm_due", summary: "请与客户确认 \(when) 的上门（工程师 \(v.technicianWorkId)）")
                try await KefuNotification(recipientWorkId: order.ownerWorkId, recipientRole: nil, workOrderID: order.id,
                                           message: "工单 \(order.number)：请致电客户确认 \(when) 的上门", createdAt: now).create(on: tx)
                return true
            }
            if fired { sent += 1 }
        }
        return sent
    }
}
