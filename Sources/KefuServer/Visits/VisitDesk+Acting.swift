import Vapor
import Fluent
import KefuCore

/// The steps of a visit: reconfirmed, on the way, late, nobody home, completed with the
/// customer's signature, unresolved, cancelled; each on the order's timeline.
extension VisitDesk {
    struct ActInput: Content {
        /// late: the new time told to the customer.
        var newTime: String?
        var reason: String?
        /// reconfirm, no one home: a note; no one home: the note left at the door.
        var note: String?
        /// no one home: the next visit, booked now (else the order's owner books it).
        var nextSlotStart: String?
        var nextTechnicianWorkId: String?
        /// complete: what was done; unresolved: what was found.
        var result: String?
        /// complete: the customer's signature, a PNG as a data URL or base64.
        var signature: String?
        /// unresolved: the apology was made (R8.2) and the plan that follows.
        var apologized: Bool?
        var fallbackPlan: String?
    }

    /// The largest signature image accepted: a phone canvas' PNG is 10–60 KB.
    static let signatureLimit = 300_000

    func act(_ id: UUID?, _ action: VisitAction, _ input: ActInput) async throws -> FieldVisit {
        let v = try await visit(id)
        guard VisitRules.mayAct(action, role: user.roleValue, workId: actor, technicianWorkId: v.technicianWorkId) else {
            throw KefuError.forbidden(action == .reconfirm || action == .cancel
                ? "与客户确认或取消上门由受理的话务员办理。" : "只有负责这次上门的工程师可以办理。")
        }
        guard VisitRules.allows(action, from: v.status) else {
            throw KefuError.conflict("visit_\(v.status.rawValue)", "这次上门\(v.status.label)，不能再\(Self.label(action))。")
        }
        var problems: [FieldProblemDTO] = []
        func check(_ p: FieldProblem?) { if let p { problems.append(.init(p)) } }
        var summary = ""
        var png: Data?
        var next: BookInput?
        let tz = timeZone
        switch action {
        case .reconfirm:
            check(Validation.checkText(input.note, field: "note", label: "确认记录", max: 300, required: false))
            summary = "已与客户确认上门时间 \(PageFormat.dateTime(v.slotStart, tz))"
        case .cancel:
            check(Validation.checkText(input.reason, field: "reason", label: "取消原因", max: 300))
            summary = "取消上门（\(input.reason ?? "")）"
        case .onTheWay:
            summary = "工程师 \(v.technicianWorkId) 已出发"
        case .late:
            let newTime = PageFormat.parseInput(input.newTime, tz)
            if input.newTime != nil && newTime == nil {
                problems.append(.init(field: "newTime", message: "新的上门时间格式不对（如 2026-12-08T10:30）"))
            } else {
                check(VisitRules.newTimeProblem(booked: v.slotStart, newTime: newTime))
            }
            check(Validation.checkText(input.reason, field: "reason", label: "晚到原因", max: 200, required: false))
            if let newTime, problems.isEmpty {
                let inTime = VisitRules.lateNoticeInTime(booked: v.slotStart, sentAt: now)
                summary = "工程师晚到，新的上门时间 \(PageFormat.dateTime(newTime, tz))"
                    + (inTime ? "" : "（告知晚于上门前 \(VisitRules.lateNoticeMinutes) 分钟，记违规）")
            }
        case .noOneHome:
            check(Validation.checkText(input.note, field: "note", label: "留言条内容", max: 300))
            if let raw = input.nextSlotStart, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
                next = BookInput(workOrderId: v.workOrderID.uuidString, slotStart: raw,
                                 technicianWorkId: input.nextTechnicianWorkId ?? v.technicianWorkId, skill: v.skill, bring: v.bring)
            }
            summary = "无人在家，已留言"
        case .complete:
            check(Validation.checkText(input.result, field: "result", label: "维修结果", max: 1000))
            png = Self.signatureImage(input.signature)
            if png == nil, Self.text(input.signature) != nil {
                problems.append(.init(field: "signature", message: "签名图片无效（须为不超过 300 KB 的 PNG）"))
            } else {
                check(VisitRules.completionProblem(signed: png != nil))
            }
            summary = "上门完成，客户已检查结果并签名：\(input.result ?? "")"
        case .unresolved:
            check(Validation.checkText(input.result, field: "result", label: "现场情况", max: 1000))
            if input.apologized != true { problems.append(.init(field: "apologized", message: "请先向客户致歉（R8.2）")) }
            check(VisitRules.unresolvedProblem(plan: input.fallbackPlan))
            summary = "上门未解决，已致歉；后续方案：\(input.fallbackPlan ?? "")"
        }
        guard problems.isEmpty else { throw KefuError.invalid(Array(problems.prefix(5))) }

        // A new time the technician already gave another customer would put two open visits
        // in one window: told, not stored.
        if action == .late, let newTime = PageFormat.parseInput(input.newTime, timeZone),
           try await tenant.query(FieldVisit.self).filter(\.$technicianWorkId == v.technicianWorkId).filter(\.$slotStart == newTime)
               .filter(\.$status ~~ VisitStatus.allCases.filter(\.isOpen)).filter(\.$id != v.requireID()).count() > 0 {
            throw KefuError.conflict("time_taken", "\(PageFormat.dateTime(newTime, timeZone)) 已约了另一位客户，请换一个新的上门时间。")
        }
        // The next visit first: when its window is refused, nothing of this one changes.
        var nextVisit: FieldVisit?
        // Booked as the order of the visit in hand (a technician reads no orders otherwise).
        if let next { nextVisit = try await Self(scope: OrderScope(visibility: .all, tenant: tenant), user: user, now: now, timeZone: timeZone).book(next, previous: v) }
        let before = v.status
        let order = try await tenant.find(WorkOrder.self, v.workOrderID)
        try await tenant.db.writeTransaction { [self, png, nextVisit, summary] tx in
            switch action {
            case .reconfirm:
                v.confirmedAt = now; v.confirmedBy = actor; v.confirmNote = Self.text(input.note)
            case .cancel:
                v.cancelReason = Self.text(input.reason)
            case .onTheWay:
                v.onTheWayAt = now
            case .late:
                if let newTime = PageFormat.parseInput(input.newTime, tz) {
                    v.lateNoticeInTime = VisitRules.lateNoticeInTime(booked: v.slotStart, sentAt: now) && (v.lateNoticeInTime ?? true)
                    v.lateNoticeAt = now; v.lateReason = Self.text(input.reason)
                    v.slotEnd = newTime.addingTimeInterval(v.slotEnd.timeIntervalSince(v.slotStart)); v.slotStart = newTime
                }
            case .noOneHome:
                v.doorNote = Self.text(input.note); v.finishedAt = now; v.finishedBy = actor
            case .complete:
                v.result = Self.text(input.result); v.finishedAt = now; v.finishedBy = actor; v.signed = true
            case .unresolved:
                v.result = Self.text(input.result); v.fallbackPlan = Self.text(input.fallbackPlan); v.finishedAt = now; v.finishedBy = actor
            }
            v.status = VisitRules.status(after: action, from: v.status)
            try await v.save(on: tx)
            if let png {
                let s = FieldVisitSignature()
                s.companyID = v.companyID; s.visitID = try v.requireID(); s.png = png; s.signedAt = now
                try await s.create(on: tx)
            }
            let history = History(db: tx, actorWorkId: actor, ip: nil, now: now)
            let nextText = nextVisit.map { "；下次上门 \(PageFormat.dateTime($0.slotStart, tz))" } ?? ""
            try await history.workOrder(v.workOrderID, kind: "visit_\(action.rawValue)", summary: summary + nextText,
                                        changes: before == v.status ? [:] : ["visit": .init(from: before.label, to: v.status.label)])
            // The result goes back to the order and its owner, who still calls the customer back (R1.5).
            if let order, [.noOneHome, .complete, .unresolved].contains(action) || (action == .late && v.lateNoticeInTime == false) {
                let ask = switch action {
                case .noOneHome: nextVisit == nil ? "请与客户另约上门时间" : "已约下次上门"
                case .late: "工程师晚到告知不足 \(VisitRules.lateNoticeMinutes) 分钟"
                default: "请回访客户"
                }
                try await KefuNotification(recipientWorkId: order.ownerWorkId, recipientRole: nil, workOrderID: order.id,
                                           message: "工单 \(order.number) 上门\(v.status.label)：\(ask)", createdAt: now).create(on: tx)
            }
        }
        return v
    }

    static func text(_ s: String?) -> String? {
        let t = (s ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    static func label(_ action: VisitAction) -> String {
        switch action {
        case .reconfirm: "确认"
        case .onTheWay: "出发"
        case .late: "告知晚到"
        case .noOneHome: "登记无人在家"
        case .complete: "完成"
        case .unresolved: "登记未解决"
        case .cancel: "取消"
        }
    }

    /// The PNG inside a data URL or bare base64, or nil when it is not one (checked by its
    /// signature bytes, not by what the client said it is).
    static func signatureImage(_ raw: String?) -> Data? {
        guard var s = raw?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty else { return nil }
        if s.hasPrefix("data:") {
            guard let comma = s.firstIndex(of: ","), s[..<comma].hasPrefix("data:image/png;base64") else { return nil }
            s = String(s[s.index(after: comma)...])
        }
        guard s.count <= signatureLimit * 4 / 3 + 4, let data = Data(base64Encoded: s), data.count <= signatureLimit,
              data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
        return data
    }

    func signature(of v: FieldVisit) async throws -> FieldVisitSignature? {
        try await tenant.query(FieldVisitSignature.self).filter(\.$visitID == v.requireID()).first()
    }
}
