import Vapor
import Fluent
import SQLKit
import KefuCore

/// R1.3: what the agent can't resolve goes to the shift lead with an acceptance form, or to
/// a department as a supervision order with a deadline, answered by a receipt.
extension WorkOrderService {
    enum TransferResult {
        case supervision(SupervisionOrderDTO)
        case acceptance(AcceptanceFormDTO)
    }

    func transfer(_ o: WorkOrder, _ input: TransferInput, actor: User) async throws -> TransferResult {
        try requireOwnerOrLead(o, actor)
        try requireNotClosed(o)
        if o.statusValue == .resolved { throw KefuError.conflict("invalid_transition", "工单已解决，不能再转派；如需继续处理请先重新打开。") }
        if let p = Validation.checkText(input.note, field: "note", label: "转派说明", max: Validation.maxNoteLength) {
            throw KefuError.invalid([FieldProblemDTO(p)])
        }
        let note = input.note!.trimmingCharacters(in: .whitespacesAndNewlines)
        let base = req.history()
        if input.target == "shift_lead" {
            return try await db.writeTransaction { db in
                let history = base.on(db)
                let form = AcceptanceForm()
                form.id = UUID(); form.$workOrder.id = o.id!; form.note = note; form.createdByWorkId = actor.workId; form.createdAt = now
                try await form.create(on: db)
                o.updatedAt = now; markResponded(o)
                try await o.save(on: db)
                try await history.workOrder(o.id!, kind: "transferred", summary: "填写受理单转值班长：\(note)")
                // Addressed to the shift leads of the order's company only.
                try await KefuNotification(role: Role.shiftLead.rawValue, company: o.companyID, workOrderID: o.id,
                                           message: "\(actor.workId) 转来工单 \(o.number) 的受理单：\(note)", createdAt: now).create(on: db)
                return .acceptance(AcceptanceFormDTO(id: form.id!, workOrderId: o.id!, note: note, createdAt: now, createdByWorkId: actor.workId))
            }
        }
        if let t = input.target, !t.isEmpty, t != "department" {
            throw KefuError.invalid([.init(field: "target", message: "未知的转派对象：\(t)（可选 department 或 shift_lead）")])
        }
        var problems: [FieldProblemDTO] = []
        var department: Department?
        if let raw = input.departmentId, !raw.isEmpty {
            // Departments are per company: another company's department does not exist here,
            // and one of a company the person may also see is not this order's to receive it.
            if let id = UUID(uuidString: raw) { department = try await tenant().find(Department.self, id) }
            if department == nil { problems.append(.init(field: "departmentId", message: "部门不存在：\(raw)")) }
            else if department?.companyID != o.companyID {
                problems.append(.init(field: "departmentId", message: "部门「\(department?.name ?? raw)」不属于该工单的公司"))
                department = nil
            }
        } else {
            problems.append(.init(field: "departmentId", message: "请选择承办部门"))
        }
        if let d = input.deadline {
            if d <= now { problems.append(.init(field: "deadline", message: "督办时限必须晚于现在")) }
        } else {
            problems.append(.init(field: "deadline", message: "请填写督办时限"))
        }
        guard problems.isEmpty, let department, let deadline = input.deadline else { throw KefuError.invalid(problems) }
        let tz = req.kefu.settings.timeZone
        let companyCode = try await tenant().company(o.companyID).code
        return try await db.writeTransaction { db in
            let history = base.on(db)
            let s = SupervisionOrder()
            s.id = UUID(); s.companyID = o.companyID; s.$workOrder.id = try o.requireID(); s.$department.id = try department.requireID()
            s.status = "open"; s.deadline = deadline; s.note = note; s.escalated = false
            s.createdByWorkId = actor.workId; s.createdAt = now
            try await s.create(on: db)
            let from = o.statusValue
            if from == .pendingCustomer { try await SLAService(db: db, timeZone: tz).resume(o, now: now) }
            o.status = WorkOrderStatus.transferred.rawValue
            o.openSupervisionCount += 1
            o.updatedAt = now; markResponded(o)
            try await o.save(on: db)
            try await history.workOrder(o.id!, kind: "transferred",
                                        summary: "派发督办单至\(department.name)，时限 \(PageFormat.dateTime(deadline, tz))：\(note)",
                                        changes: ["status": .init(from: from.rawValue, to: o.status)])
            return .supervision(SupervisionOrderDTO(s, workOrderNumber: o.number, departmentName: department.name, companyCode: companyCode))
        }
    }

    /// The liaison writes the department's receipt; when the last one is in, the order comes
    /// back to its owner.
    func receipt(_ supervisionID: UUID, text: String?, actor: User) async throws -> SupervisionOrderDTO {
        // Another company's, or another department's, supervision order is not there for
        // this liaison at all.
        let tenant = try await tenant()
        guard let s = try await tenant.query(SupervisionOrder.self).filter(\.$id == supervisionID).with(\.$department).with(\.$workOrder).first(),
              actor.orderVisibility.includesSupervision(to: s.$department.id) else {
            throw KefuError.notFound("督办单")
        }
        let companyCode = try await tenant.company(s.companyID).code
        if s.status == "answered" { throw KefuError.conflict("already_answered", "这张督办单已经回单。") }
        if let p = Validation.checkText(text, field: "text", label: "回单内容", max: Validation.maxTextLength) {
            throw KefuError.invalid([FieldProblemDTO(p)])
        }
        let body = text!.trimmingCharacters(in: .whitespacesAndNewlines)
        let base = req.history()
        let now = self.now
        return try await db.writeTransaction { db in
            let history = base.on(db)
            // Compare-and-set on status so two liaisons answering at once can't both succeed.
            let sql = try db.sql()
            let updated = try await sql.update("supervision_orders")
                .set("status", to: "answered").set("receipt_text", to: body)
                .set("answered_at", to: now).set("answered_by_work_id", to: actor.workId)
                .where("id", .equal, supervisionID).where("company_id", .equal, s.companyID).where("status", .equal, "open")
                .returning("id").all()
            guard !updated.isEmpty else { throw KefuError.conflict("already_answered", "这张督办单已经回单。") }
            guard let o = try await tenant.on(db).find(WorkOrder.self, s.$workOrder.id) else { throw KefuError.notFound("工单") }
            o.openSupervisionCount = max(0, o.openSupervisionCount - 1)
            if o.openSupervisionCount == 0, o.statusValue == .transferred { o.status = WorkOrderStatus.open.rawValue }
            o.updatedAt = now
            try await o.save(on: db)
            try await history.workOrder(o.id!, kind: "receipt", summary: "\(s.department.name)回单：\(body)",
                                        changes: ["status": .init(from: WorkOrderStatus.transferred.rawValue, to: o.status)])
            try await KefuNotification(recipientWorkId: o.ownerWorkId, recipientRole: nil, workOrderID: o.id,
                                       message: "\(s.department.name)已回单工单 \(o.number)，请回访客户", createdAt: now).create(on: db)
            s.status = "answered"; s.receiptText = body; s.answeredAt = now; s.answeredByWorkId = actor.workId
            return SupervisionOrderDTO(s, workOrderNumber: o.number, departmentName: s.department.name, companyCode: companyCode)
        }
    }

    func supervisionDTOs(_ orders: [SupervisionOrder]) async throws -> [SupervisionOrderDTO] {
        let tenant = try await tenant()
        let depIDs = Set(orders.map { $0.$department.id })
        let deps = Dictionary(uniqueKeysWithValues: try await tenant.query(Department.self).filter(\.$id ~~ depIDs).all().compactMap { d in d.id.map { ($0, d.name) } })
        let ids = Set(orders.map { $0.$workOrder.id })
        let numbers = Dictionary(uniqueKeysWithValues: try await tenant.query(WorkOrder.self, ids: Array(ids)).all().compactMap { o in o.id.map { ($0, o.number) } })
        let labels = try await tenant.labels()
        return orders.map {
            SupervisionOrderDTO($0, workOrderNumber: numbers[$0.$workOrder.id] ?? "", departmentName: deps[$0.$department.id] ?? "",
                                companyCode: labels.companyCode($0.companyID))
        }
    }
}
