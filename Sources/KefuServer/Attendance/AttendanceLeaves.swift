import Vapor
import Fluent
import KefuCore

/// Leave (请假, 002 考勤制度 2、3): asked for by the person, answered by the team lead; an
/// approved leave turns the rostered days it covers into "请假" on the sheet.
extension AttendanceService {
    struct LeaveInput: Content {
        var kind: String?
        var from: String?
        var through: String?
        var reason: String?
    }

    func requestLeave(_ input: LeaveInput) async throws -> LeaveRequest {
        var problems: [FieldProblemDTO] = []
        let kind = LeaveKind(rawValue: input.kind ?? "")
        if kind == nil { problems.append(.init(field: "kind", message: "请选择假别")) }
        let reason = (input.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if Validation.hasControlCharacters(reason) { problems.append(.init(field: "reason", message: "事由不能含控制字符")) }
        let from = input.from.flatMap { LocalDay($0.trimmingCharacters(in: .whitespaces)) }
        let through = input.through.flatMap { LocalDay($0.trimmingCharacters(in: .whitespaces)) }
        problems += AttendanceAccess.leaveProblems(from: from, through: through, reason: reason).map { FieldProblemDTO(field: $0.field, message: $0.message) }
        guard problems.isEmpty, let kind, let from, let through else { throw KefuError.invalid(problems) }
        return try await tenant.db.writeTransaction { [user, now] tx in
            let r = LeaveRequest()
            r.id = UUID(); r.companyID = user.companyID; r.workId = user.workId; r.kind = kind
            r.fromDay = from.description; r.throughDay = through.description; r.reason = reason; r.status = .pending; r.createdAt = now
            try await r.create(on: tx)
            let n = KefuNotification(recipientWorkId: nil, recipientRole: Role.teamLead.rawValue, workOrderID: nil,
                                     message: "\(user.workId) \(user.name) 申请\(kind.label)：\(from) 至 \(through)", createdAt: now)
            n.companyID = user.companyID
            try await n.create(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "attendance.leave_requested", objectType: "leave_request", objectId: r.id?.uuidString, after: "\(kind.label) \(from)–\(through)")
            return r
        }
    }

    /// The person's own requests, or (for a lead) everyone's waiting ones first.
    func leaveRequests(of workId: String? = nil) async throws -> [LeaveRequest] {
        let q = tenant.query(LeaveRequest.self)
        if let workId { q.filter(\.$workId == workId) } else if !mayManage { q.filter(\.$workId == user.workId) }
        let rows = try await q.sort(\.$createdAt, .descending).limit(300).all()
        return rows.filter { $0.status == .pending } + rows.filter { $0.status != .pending }
    }

    func decideLeave(_ id: UUID, approve: Bool, reply: String?) async throws {
        guard mayManage else { throw KefuError.forbidden("请假由班长审批。") }
        let answer = (reply ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard answer.count <= AttendanceAccess.maxText else { throw KefuError.invalid([.init(field: "reply", message: "答复不超过 200 字")]) }
        if !approve && answer.isEmpty { throw KefuError.invalid([.init(field: "reply", message: "不批准时请写明原因")]) }
        try await tenant.db.writeTransaction { [tenant, user, now] tx in
            guard let r = try await tenant.on(tx).find(LeaveRequest.self, id) else { throw KefuError.notFound("请假申请") }
            guard r.status == .pending else { throw KefuError.conflict("already_decided", "该申请已由 \(r.decidedBy ?? "") 号处理（\(r.status.label)）。") }
            guard r.workId != user.workId else { throw KefuError.forbidden("不能审批自己的请假。") }
            r.status = approve ? .approved : .rejected
            r.decidedBy = user.workId; r.decidedAt = now; r.reply = answer.isEmpty ? nil : answer
            try await r.save(on: tx)
            let n = KefuNotification(recipientWorkId: r.workId, recipientRole: nil, workOrderID: nil,
                                     message: "您的\(r.kind.label)（\(r.fromDay) 至 \(r.throughDay)）\(r.status.label)" + (answer.isEmpty ? "" : "：\(answer)"), createdAt: now)
            n.companyID = r.companyID
            try await n.create(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: approve ? "attendance.leave_approved" : "attendance.leave_rejected", objectType: "leave_request",
                       objectId: id.uuidString, after: answer.isEmpty ? nil : answer)
        }
    }
}
