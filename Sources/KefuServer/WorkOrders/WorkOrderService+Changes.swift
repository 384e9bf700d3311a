import Vapor
import Fluent
import KefuCore

extension WorkOrderService {
    /// First-contact ownership (R1.2, R1.6): only the owner works the order; leads may step in.
    func requireOwnerOrLead(_ o: WorkOrder, _ actor: User) throws {
        let leads: Set<Role> = [.shiftLead, .teamLead, .complaintHandler, .admin]
        guard o.ownerWorkId == actor.workId || leads.contains(actor.roleValue) else {
            throw KefuError.forbidden("该工单的首问负责人是 \(o.ownerWorkId)，不能处理他人的工单。")
        }
    }

    func requireNotClosed(_ o: WorkOrder) throws {
        if o.statusValue == .closed { throw KefuError.conflict("already_closed", "工单已关闭，请先重新打开。") }
    }

    /// Any action by the owner after creation counts as the first response.
    func markResponded(_ o: WorkOrder) {
        if o.firstRespondedAt == nil { o.firstRespondedAt = now }
    }

    func update(_ o: WorkOrder, _ input: WorkOrderPatchInput, actor: User) async throws -> WorkOrder {
        try requireOwnerOrLead(o, actor)
        try requireNotClosed(o)
        var problems: [FieldProblem] = []
        if input.subject != nil, let p = Validation.checkText(input.subject, field: "subject", label: "标题", max: Validation.maxSubjectLength) { problems.append(p) }
        if input.description != nil, let p = Validation.checkText(input.description, field: "description", label: "问题描述", max: Validation.maxTextLength) { problems.append(p) }
        var newPriority: Priority?
        if let p = input.priority { newPriority = Priority(rawValue: p); if newPriority == nil { problems.append(.init(field: "priority", message: "未知的优先级：\(p)")) } }
        var newStatus: WorkOrderStatus?
        if let s = input.status, s != o.status {
            newStatus = WorkOrderStatus(rawValue: s)
            if newStatus == nil { problems.append(.init(field: "status", message: "未知的状态：\(s)")) }
        }
        // A reason sent without a handover is still checked: nothing stores it, but a request
        // the schema calls invalid must not be answered 200.
        let handoverNeeded = input.ownerWorkId.map { $0 != o.ownerWorkId } ?? false
        if let p = Validation.checkText(input.handoverReason, field: "handoverReason", label: "移交原因", max: 500, required: handoverNeeded) { problems.append(p) }
        var newOwner: User?
        if let w = input.ownerWorkId, w != o.ownerWorkId {
            // Work ids are unique across the center; the receiver must work for the order's
            // company (their own or granted), otherwise they are not there for this order.
            newOwner = try await Self.activeColleague(w, for: o.companyID, on: db)
            if let owner = newOwner {
                if !owner.can(.workOrderWrite) { problems.append(.init(field: "ownerWorkId", message: "接收人 \(w) 的角色不能受理工单")) }
            } else {
                problems.append(.init(field: "ownerWorkId", message: "接收人工号不存在：\(w)"))
            }
        }
        if let p = input.promisedReplyAt, p < now { problems.append(.init(field: "promisedReplyAt", message: "承诺答复时间不能早于现在")) }
        guard problems.isEmpty else { throw KefuError.invalid(problems.map(FieldProblemDTO.init)) }
        if let newStatus, !o.statusValue.canChangeManually(to: newStatus) {
            throw KefuError.conflict("invalid_transition", "不能把工单从「\(o.statusValue.label)」改为「\(newStatus.label)」。")
        }
        if newStatus == .resolved, o.openSupervisionCount > 0 {
            throw KefuError.conflict("open_supervision_order", "还有 \(o.openSupervisionCount) 张督办单未回单，不能标记为已解决。")
        }
        if newStatus == .open, o.statusValue == .transferred, o.openSupervisionCount > 0 {
            throw KefuError.conflict("open_supervision_order", "还有督办单未回单，工单保持「已转派」。")
        }

        let history = req.history()
        let newPriorityFinal = newPriority, newOwnerFinal = newOwner, newStatusFinal = newStatus
        return try await db.writeTransaction { db in
            let newPriority = newPriorityFinal, newOwner = newOwnerFinal, newStatus = newStatusFinal
            let history = history.on(db)
            let sla = SLAService(db: db, timeZone: req.kefu.settings.timeZone)
            var changes: [String: History.Change] = [:]
            if let s = input.subject?.trimmingCharacters(in: .whitespacesAndNewlines), s != o.subject { changes["subject"] = .init(from: o.subject, to: s); o.subject = s }
            if let d = input.description?.trimmingCharacters(in: .whitespacesAndNewlines), d != o.description { changes["description"] = .init(from: o.description, to: d); o.description = d }
            if let p = newPriority, p.rawValue != o.priority { changes["priority"] = .init(from: o.priority, to: p.rawValue); o.priority = p.rawValue }
            if let p = input.promisedReplyAt { changes["promisedReplyAt"] = .init(from: o.promisedReplyAt.map { JSONCoding.formatISO($0, timeZone: req.kefu.settings.timeZone) }, to: JSONCoding.formatISO(p, timeZone: req.kefu.settings.timeZone)); o.promisedReplyAt = p }
            if !changes.isEmpty {
                o.updatedAt = now; markResponded(o)
                try await o.save(on: db)
                try await history.workOrder(o.id!, kind: "updated", summary: "修改了工单信息", changes: changes)
            }
            if let newOwner {
                let from = o.ownerWorkId
                o.ownerWorkId = newOwner.workId; o.updatedAt = now
                try await o.save(on: db)
                try await history.workOrder(o.id!, kind: "handover", summary: "首问负责人由 \(from) 移交给 \(newOwner.workId)，原因：\(input.handoverReason!)",
                                            changes: ["ownerWorkId": .init(from: from, to: newOwner.workId)])
                try await KefuNotification(recipientWorkId: newOwner.workId, recipientRole: nil, workOrderID: o.id,
                                           message: "\(from) 将工单 \(o.number) 移交给您：\(input.handoverReason!)", createdAt: now).create(on: db)
            }
            if let newStatus {
                let from = o.statusValue
                if from == .pendingCustomer || from == .resolved { try await sla.resume(o, now: now) }
                o.status = newStatus.rawValue
                if newStatus == .pendingCustomer || newStatus == .resolved { try await sla.pause(o, now: now) }
                if newStatus == .resolved { o.resolvedAt = now } else { o.resolvedAt = nil }
                o.updatedAt = now; markResponded(o)
                try await o.save(on: db)
                let note = newStatus == .pendingCustomer ? "（时限暂停计时）" : (from == .pendingCustomer ? "（时限恢复计时）" : "")
                try await history.workOrder(o.id!, kind: "status_changed", summary: "状态：\(from.label) → \(newStatus.label)\(note)",
                                            changes: ["status": .init(from: from.rawValue, to: newStatus.rawValue)])
            }
            return o
        }
    }

    func callback(_ o: WorkOrder, _ input: CallbackInput, actor: User) async throws -> CallbackDTO {
        try requireNotClosed(o)
        var problems: [FieldProblem] = []
        guard let reached = input.reached else { throw KefuError.invalid([.init(field: "reached", message: "请说明是否联系上客户")]) }
        if reached {
            if let s = input.satisfaction { if !(1...5).contains(s) { problems.append(.init(field: "satisfaction", message: "满意度须为 1–5")) } }
            else { problems.append(.init(field: "satisfaction", message: "联系上客户时须记录满意度（1–5）")) }
        } else if let s = input.satisfaction, !(1...5).contains(s) {
            problems.append(.init(field: "satisfaction", message: "满意度须为 1–5"))
        }
        if let p = Validation.checkText(input.note, field: "note", label: "回访记录", max: Validation.maxNoteLength, required: false) { problems.append(p) }
        guard problems.isEmpty else { throw KefuError.invalid(problems.map(FieldProblemDTO.init)) }
        let satisfaction = reached ? input.satisfaction : nil
        let reopen = reached && (satisfaction ?? 5) <= CloseRule.reopenAtOrBelowSatisfaction
        let base = req.history()
        return try await db.writeTransaction { db in
            let history = base.on(db)
            let cb = CallbackRecord()
            cb.id = UUID(); cb.$workOrder.id = o.id!; cb.reached = reached; cb.satisfaction = satisfaction
            cb.note = input.note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""; cb.byWorkId = actor.workId; cb.createdAt = now
            try await cb.create(on: db)
            let summary = reached ? "回访：已联系上客户，满意度 \(satisfaction!)/5\(cb.note.isEmpty ? "" : "，\(cb.note)")" : "回访：未联系上客户\(cb.note.isEmpty ? "" : "，\(cb.note)")"
            try await history.workOrder(o.id!, kind: "callback", summary: summary,
                                        changes: ["callbackDone": .init(from: String(o.callbackDone), to: String(reached && !reopen))])
            o.callbackDone = reached && !reopen
            o.updatedAt = now; markResponded(o)
            if reopen {
                let from = o.statusValue
                if from == .pendingCustomer || from == .resolved { try await SLAService(db: db, timeZone: req.kefu.settings.timeZone).resume(o, now: now) }
                if from != .transferred { o.status = WorkOrderStatus.open.rawValue }
                o.resolvedAt = nil
                try await history.workOrder(o.id!, kind: "reopened", summary: "回访满意度 \(satisfaction!)/5，工单重新打开跟进",
                                            changes: ["status": .init(from: from.rawValue, to: o.status)])
                try await KefuNotification(recipientWorkId: o.ownerWorkId, recipientRole: nil, workOrderID: o.id,
                                           message: "工单 \(o.number) 回访不满意（\(satisfaction!)/5），已重新打开", createdAt: now).create(on: db)
            }
            try await o.save(on: db)
            return CallbackDTO(id: cb.id!, workOrderId: o.id!, reached: reached, satisfaction: satisfaction, note: cb.note,
                               byWorkId: actor.workId, createdAt: now, reopened: reopen)
        }
    }

    func close(_ o: WorkOrder, actor: User) async throws -> WorkOrder {
        try requireOwnerOrLead(o, actor)
        if let blocker = try await closeBlocker(o) {
            throw KefuError.conflict(blocker.code, blocker.reason)
        }
        let base = req.history()
        return try await db.writeTransaction { db in
            let history = base.on(db)
            let from = o.statusValue
            if o.pausedSince == nil { try await SLAService(db: db, timeZone: req.kefu.settings.timeZone).pause(o, now: now) }
            o.status = WorkOrderStatus.closed.rawValue
            o.closedAt = now; o.nextEscalationAt = nil
            if o.resolvedAt == nil { o.resolvedAt = now }
            o.updatedAt = now
            try await o.save(on: db)
            try await history.workOrder(o.id!, kind: "closed", summary: "工单已关闭", changes: ["status": .init(from: from.rawValue, to: "closed")])
            return o
        }
    }

    /// Asks KefuCore's close rule with the times it needs: the standing callback's, the last
    /// receipt's and the resolution's (R1.5: the callback must come after both).
    func closeBlocker(_ o: WorkOrder) async throws -> CloseBlocker? {
        guard let id = o.id else { throw KefuError.notFound("工单") }
        var callbackAt: Date?
        if o.callbackDone {
            callbackAt = try await CallbackRecord.query(on: db).filter(\.$workOrder.$id == id).filter(\.$reached == true)
                .sort(\.$createdAt, .descending).first()?.createdAt
        }
        // Every department's receipts count here, also those a liaison may not read.
        let lastReceiptAt = try await tenant().query(SupervisionOrder.self).filter(\.$workOrder.$id == id)
            .filter(\.$answeredAt != nil).sort(\.$answeredAt, .descending).first()?.answeredAt
        return CloseRule.blocker(CloseFacts(status: o.statusValue, openSupervisionOrders: o.openSupervisionCount,
                                            callbackAt: callbackAt, lastReceiptAt: lastReceiptAt, resolvedAt: o.resolvedAt))
    }

    func reopen(_ o: WorkOrder, reason: String?, actor: User) async throws -> WorkOrder {
        try requireOwnerOrLead(o, actor)
        guard o.statusValue == .closed || o.statusValue == .resolved else {
            throw KefuError.conflict("invalid_transition", "只有已解决或已关闭的工单可以重新打开。")
        }
        if let p = Validation.checkText(reason, field: "reason", label: "原因", max: Validation.maxNoteLength, required: false) {
            throw KefuError.invalid([FieldProblemDTO(p)])
        }
        let base = req.history()
        return try await db.writeTransaction { db in
            let history = base.on(db)
            let from = o.statusValue
            o.status = o.openSupervisionCount > 0 ? WorkOrderStatus.transferred.rawValue : WorkOrderStatus.open.rawValue
            o.closedAt = nil; o.resolvedAt = nil; o.callbackDone = false; o.updatedAt = now
            try await SLAService(db: db, timeZone: req.kefu.settings.timeZone).resume(o, now: now)
            try await o.save(on: db)
            let why = (reason?.isEmpty == false) ? "，原因：\(reason!)" : ""
            try await history.workOrder(o.id!, kind: "reopened", summary: "工单重新打开\(why)", changes: ["status": .init(from: from.rawValue, to: o.status)])
            return o
        }
    }
}
