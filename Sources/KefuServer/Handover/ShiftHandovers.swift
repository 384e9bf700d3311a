import Vapor
import Fluent
import KefuCore

/// The shift handover (R9.1): the outgoing lead's log with what Kefu knows filled in, the
/// follow-ups flagged for the next shift, and the two signatures — the outgoing lead's, then
/// the incoming lead's own sign-in at the same desk (face to face), each with work ID and
/// time. An incoming lead later than the rule (`AttendanceRules.leadArrivalMinutes` before
/// the shift) is recorded.
struct ShiftHandovers {
    let tenant: TenantData
    let user: User
    let role: Role
    let now: Date
    let timeZone: TimeZone
    let live: LiveService

    init(req: Request) async throws {
        let (user, role) = try req.userAndRole()
        self.init(tenant: try await req.tenant(), user: user, role: role, now: req.now, timeZone: req.kefu.settings.timeZone, live: req.application.live)
    }

    init(tenant: TenantData, user: User, role: Role, now: Date, timeZone: TimeZone, live: LiveService) {
        self.tenant = tenant; self.user = user; self.role = role; self.now = now; self.timeZone = timeZone; self.live = live
    }

    var company: UUID { tenant.homeCompanyID ?? user.companyID }
    var mayHandOver: Bool { ShiftHandover.mayHandOver(role) }

    /// The form: the shift's name and the next shift's start, the log, and up to five items
    /// (`kind0`, `ref0`, `text0` …).
    static let itemRows = 5

    func list() async throws -> [ShiftHandoverRecord] {
        try await tenant.query(ShiftHandoverRecord.self).sort(\.$createdAt, .descending).limit(60).all()
    }

    func find(_ id: UUID?) async throws -> ShiftHandoverRecord {
        guard let h = try await tenant.find(ShiftHandoverRecord.self, id) else { throw KefuError.notFound("交接班记录") }
        return h
    }

    func items(of h: ShiftHandoverRecord) async throws -> [ShiftHandoverItem] {
        try await tenant.query(ShiftHandoverItem.self).filter(\.$handoverID == h.requireID()).sort(\.$createdAt).all()
    }

    /// Items flagged by any handover and not yet closed, for the shift board.
    func openItems() async throws -> [ShiftHandoverItem] {
        try await tenant.query(ShiftHandoverItem.self).filter(\.$status == .open).sort(\.$createdAt).limit(100).all()
    }

    /// The center as it stands: open escalations, overdue supervision orders, emergency steps
    /// in force, and the shift's figures (orders since the last handover, today's calls).
    func facts() async throws -> HandoverFacts {
        let escalated = try await tenant.query(WorkOrder.self).filter(\.$companyID == company).filter(\.$escalationLevel >= 2)
            .filter(\.$status ~~ WorkOrderStatus.unresolved.map(\.rawValue)).sort(\.$escalationLevel, .descending).limit(20).all()
        let overdue = try await tenant.query(SupervisionOrder.self).filter(\.$companyID == company).filter(\.$status == "open")
            .filter(\.$deadline <= now).with(\.$department).with(\.$workOrder).sort(\.$deadline).limit(20).all()
        let emergency = try await EmergencyCoordinator.state(company: company, on: tenant.db)
        let since = try await tenant.query(ShiftHandoverRecord.self).filter(\.$companyID == company).filter(\.$status == .received)
            .sort(\.$incomingSignedAt, .descending).first()?.incomingSignedAt ?? LocalDay(now, in: timeZone).start(in: timeZone)
        let created = try await tenant.query(WorkOrder.self).filter(\.$companyID == company).filter(\.$createdAt >= since).count()
        let floor = try await live.state(company: company, on: tenant.db, now: now)
        let totals = floor.todayTotals(at: now)
        return HandoverFacts(
            escalated: escalated.map { "\($0.number) \($0.subject)（第 \($0.escalationLevel) 级）" },
            overdueSupervision: overdue.map { "\($0.workOrder.number) → \($0.department.name)，时限 \(PageFormat.dateTime($0.deadline, timeZone))" },
            emergencySteps: emergency.applied.map { "第 \($0.stageNumber) 步：\($0.action.kind.label)（\($0.action.groupsText)）" },
            ordersCreated: created, callsOffered: totals.enqueued, callsAnswered: totals.answered, callsAbandoned: totals.abandoned,
            waiting: floor.waitingCalls().count)
    }

    /// Writes the log (a draft until signed), with the facts as they are now.
    func create(_ form: [String: String]) async throws -> ShiftHandoverRecord {
        guard mayHandOver else { throw KefuError.forbidden("交接班由值班长填写。") }
        var problems: [FieldProblemDTO] = []
        let label = (form["shiftLabel"] ?? "").trimmingCharacters(in: .whitespaces)
        if label.isEmpty || label.count > 40 || Validation.hasControlCharacters(label) { problems.append(.init(field: "shiftLabel", message: "请填写班次（如“12月7日 白班”），不超过 40 字")) }
        let start = PageFormat.parseInput(form["nextShiftStart"], timeZone)
        if start == nil { problems.append(.init(field: "nextShiftStart", message: "请填写下一班的开始时间")) }
        let log = (form["log"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if log.isEmpty || log.count > ShiftHandover.maxLog { problems.append(.init(field: "log", message: "值班日记须为 1–\(ShiftHandover.maxLog) 字")) }
        var items: [(ShiftHandover.ItemKind, String, String)] = []
        for i in 0..<Self.itemRows {
            let text = (form["text\(i)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let ref = (form["ref\(i)"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty || !ref.isEmpty else { continue }
            guard let kind = ShiftHandover.ItemKind(rawValue: form["kind\(i)"] ?? "") else {
                problems.append(.init(field: "kind\(i)", message: "第 \(i + 1) 项：请选择类别")); continue
            }
            if let p = ShiftHandover.itemProblem(kind: kind, ref: ref, text: text) { problems.append(.init(field: "text\(i)", message: "第 \(i + 1) 项：\(p)")); continue }
            items.append((kind, kind == .order ? ref.uppercased() : ref, text))
        }
        guard problems.isEmpty, let start else { throw KefuError.invalid(problems) }
        let facts = String(decoding: try JSONEncoder().encode(try await facts()), as: UTF8.self)
        let flagged = items
        return try await tenant.db.writeTransaction { [tenant, user, now, company] tx in
            try tenant.on(tx).check(company)
            let h = ShiftHandoverRecord()
            h.id = UUID(); h.companyID = company; h.status = .draft; h.shiftLabel = label; h.nextShiftStart = start; h.log = log
            h.facts = facts; h.outgoingWorkId = user.workId; h.createdAt = now; h.updatedAt = now
            try await h.create(on: tx)
            for (kind, ref, text) in flagged {
                let item = ShiftHandoverItem()
                item.id = UUID(); item.companyID = company; item.handoverID = try h.requireID(); item.kind = kind; item.ref = ref
                item.text = text; item.status = .open; item.createdAt = now
                try await item.create(on: tx)
            }
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "handover.written", objectType: "shift_handover", objectId: h.id?.uuidString, after: label)
            return h
        }
    }

    /// The outgoing lead signs: the log can no longer change, and waits for the incoming lead.
    func sign(_ id: UUID) async throws {
        try await tenant.db.writeTransaction { [tenant, user, now] tx in
            guard let h = try await tenant.on(tx).find(ShiftHandoverRecord.self, id) else { throw KefuError.notFound("交接班记录") }
            guard h.outgoingWorkId == user.workId else { throw KefuError.forbidden("只有填写人（交班值班长）能签字交班。") }
            guard h.status == .draft else { throw KefuError.conflict("already_signed", "已于 \(PageFormat.dateTime(h.outgoingSignedAt, timeZone)) 签字交班。") }
            h.status = .handedOver; h.outgoingSignedAt = now; h.updatedAt = now
            try await h.save(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "handover.signed_out", objectType: "shift_handover", objectId: id.uuidString, after: h.shiftLabel)
        }
    }

    /// The incoming lead signs with their own work ID and password at the same desk. Their
    /// arrival is their first punch-in since three hours before the shift (else the signing
    /// time); later than the rule is recorded on the handover.
    func receive(_ id: UUID, workId: String, password: String, req: Request) async throws -> ShiftHandoverRecord {
        let h = try await find(id)
        guard h.status == .handedOver else {
            throw KefuError.conflict(h.status == .draft ? "not_signed" : "already_received",
                                     h.status == .draft ? "交班值班长尚未签字。" : "已由 \(h.incomingWorkId ?? "") 号签收。")
        }
        let incoming = try await Login.verify(workId: workId, password: password, on: req)
        if let p = ShiftHandover.receiveProblem(outgoing: h.outgoingWorkId, incoming: incoming.workId, incomingRole: incoming.roleValue) {
            throw KefuError.invalid([.init(field: "workId", message: p)])
        }
        let rules = try await AttendanceService.rules(company: h.companyID, on: tenant.db).attendance
        let arrived = try await tenant.query(AttendancePunch.self).filter(\.$companyID == h.companyID).filter(\.$workId == incoming.workId)
            .filter(\.$kind == .in).filter(\.$at >= h.nextShiftStart.addingTimeInterval(-3 * 3600)).filter(\.$at <= now)
            .sort(\.$at).first()?.at ?? now
        let late = ShiftHandover.lateArrivalMinutes(arrivedAt: arrived, shiftStart: h.nextShiftStart, leadArrivalMinutes: rules.leadArrivalMinutes)
        return try await tenant.db.writeTransaction { [tenant, now] tx in
            guard let h = try await tenant.on(tx).find(ShiftHandoverRecord.self, id), h.status == .handedOver else {
                throw KefuError.conflict("already_received", "该交接班已签收。")
            }
            h.status = .received; h.incomingWorkId = incoming.workId; h.incomingSignedAt = now; h.lateArrivalMinutes = late; h.updatedAt = now
            try await h.save(on: tx)
            try await History(db: tx, actorWorkId: incoming.workId, ip: nil, now: now)
                .audit(action: "handover.received", objectType: "shift_handover", objectId: id.uuidString,
                       after: "\(h.outgoingWorkId) → \(incoming.workId)" + (late > 0 ? "，接班迟到 \(late) 分钟" : ""))
            return h
        }
    }

    /// A flagged item followed up: closed with a note, by any lead of the board.
    func closeItem(_ id: UUID, note: String?) async throws {
        let text = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= ShiftHandover.maxItemText else { throw KefuError.invalid([.init(field: "note", message: "说明不超过 300 字")]) }
        try await tenant.db.writeTransaction { [tenant, user, now] tx in
            guard let item = try await tenant.on(tx).find(ShiftHandoverItem.self, id) else { throw KefuError.notFound("交接事项") }
            guard item.status == .open else { throw KefuError.conflict("already_closed", "该事项已由 \(item.closedBy ?? "") 号处理。") }
            item.status = .closed; item.closedBy = user.workId; item.closedAt = now; item.note = text.isEmpty ? nil : text
            try await item.save(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "handover.item_closed", objectType: "shift_handover_item", objectId: id.uuidString, after: text.isEmpty ? nil : text)
        }
    }
}
