import Vapor
import Fluent
import KefuCore

/// Reporting upward (R9.4): a report is with one level at a time; that level answers it or
/// passes it on to the next, and an emergency report skips a level, which is told afterwards.
/// A person sees what they reported and what is (or was) with their level.
struct UpwardReports {
    let tenant: TenantData
    let user: User
    let role: Role
    let now: Date

    init(req: Request) async throws {
        let (user, role) = try req.userAndRole()
        self.init(tenant: try await req.tenant(), user: user, role: role, now: req.now)
    }

    init(tenant: TenantData, user: User, role: Role, now: Date) {
        self.tenant = tenant; self.user = user; self.role = role; self.now = now
    }

    var myLevel: UpwardReport.Level { UpwardReport.level(of: role) }

    struct Input: Content {
        var kind: String?
        var title: String?
        var text: String?
        var emergency: String?
    }

    /// Reports this person raised, and those that reached (or skipped) their level.
    func list() async throws -> [UpwardReportRecord] {
        let mine = try await tenant.query(UpwardReportRecord.self).filter(\.$reporterWorkId == user.workId).sort(\.$createdAt, .descending).limit(100).all()
        guard myLevel > .agent else { return mine }
        let level = myLevel.rawValue
        let touched = try await tenant.query(UpwardReportStep.self).group(.or) { g in
            g.filter(\.$toLevel == level).filter(\.$skippedLevel == level)
        }.all().map(\.reportID)
        let theirs = touched.isEmpty ? [] : try await tenant.query(UpwardReportRecord.self, ids: Array(Set(touched))).sort(\.$createdAt, .descending).limit(200).all()
        let ids = Set(mine.compactMap(\.id))
        return (mine + theirs.filter { !ids.contains($0.id ?? UUID()) }).sorted { $0.createdAt > $1.createdAt }
    }

    func find(_ id: UUID?) async throws -> (UpwardReportRecord, [UpwardReportStep]) {
        guard let r = try await tenant.find(UpwardReportRecord.self, id) else { throw KefuError.notFound("请示报告") }
        let steps = try await tenant.query(UpwardReportStep.self).filter(\.$reportID == r.requireID()).sort(\.$at).all()
        let level = myLevel.rawValue
        guard r.reporterWorkId == user.workId || steps.contains(where: { $0.toLevel == level || $0.skippedLevel == level }) else {
            throw KefuError.notFound("请示报告")
        }
        return (r, steps)
    }

    func raise(_ input: Input) async throws -> UpwardReportRecord {
        guard UpwardReport.mayReport(role) else { throw KefuError.forbidden("中心经理是最高一级，无需上报。") }
        var problems: [FieldProblemDTO] = []
        let kind = UpwardReport.Kind(rawValue: input.kind ?? "")
        if kind == nil { problems.append(.init(field: "kind", message: "请选择报告类别")) }
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.count > 100 || Validation.hasControlCharacters(title) { problems.append(.init(field: "title", message: "标题须为 1–100 字")) }
        let text = (input.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if let p = UpwardReport.textProblem(text) { problems.append(.init(field: "text", message: p)) }
        let emergency = input.emergency == "1" || input.emergency == "true" || input.emergency == "on"
        guard problems.isEmpty, let kind, let step = UpwardReport.next(from: myLevel, emergency: emergency) else { throw KefuError.invalid(problems) }
        return try await tenant.db.writeTransaction { [tenant, user, now] tx in
            try tenant.on(tx).check(user.companyID)
            let r = UpwardReportRecord()
            r.id = UUID(); r.companyID = user.companyID; r.kind = kind; r.title = title; r.text = text; r.emergency = emergency
            r.reporterWorkId = user.workId; r.level = step.to.rawValue; r.status = .open; r.createdAt = now; r.updatedAt = now
            try await r.create(on: tx)
            try await Self.step(r, .raised, from: UpwardReport.level(of: user.roleValue), to: step.to, skipped: step.skipped, note: nil, by: user.workId, now: now, on: tx)
            return r
        }
    }

    /// Writes a step and tells those concerned: the level it reached, and a skipped level afterwards.
    static func step(_ r: UpwardReportRecord, _ action: UpwardReport.StepAction, from: UpwardReport.Level, to: UpwardReport.Level?,
                     skipped: UpwardReport.Level?, note: String?, by: String, now: Date, on tx: Database) async throws {
        let s = UpwardReportStep()
        s.id = UUID(); s.companyID = r.companyID; s.reportID = try r.requireID(); s.action = action; s.fromLevel = from.rawValue
        s.toLevel = to?.rawValue; s.skippedLevel = skipped?.rawValue; s.note = note; s.byWorkId = by; s.at = now
        try await s.create(on: tx)
        func tell(_ role: Role, _ message: String) async throws {
            let n = KefuNotification(recipientWorkId: nil, recipientRole: role.rawValue, workOrderID: nil, message: message, createdAt: now)
            n.companyID = r.companyID
            try await n.create(on: tx)
        }
        let urgent = r.emergency ? "【紧急】" : ""
        if let to { try await tell(to.role, "\(urgent)\(by) 号\(action == .raised ? "请示报告" : "转报")：\(r.kind.label)「\(r.title)」，请答复或继续上报。") }
        if let skipped { try await tell(skipped.role, "紧急情况越级上报（事后告知）：\(r.kind.label)「\(r.title)」已直接报\(to?.label ?? "")。") }
        try await History(db: tx, actorWorkId: by, ip: nil, now: now)
            .audit(action: "upward_report.\(action.rawValue)", objectType: "upward_report", objectId: r.id?.uuidString,
                   after: [to.map { "报\($0.label)" }, skipped.map { "越过\($0.label)" }, note].compactMap { $0 }.joined(separator: "；"))
    }

    /// The level a report is with answers it, or passes it on (an emergency skipping a level).
    func act(_ id: UUID, answer: Bool, note: String?, emergency: Bool) async throws {
        let text = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if let p = UpwardReport.textProblem(text) { throw KefuError.invalid([.init(field: "note", message: answer ? "答复\(p)" : "上报说明\(p)")]) }
        try await tenant.db.writeTransaction { [tenant, user, role, now] tx in
            guard let r = try await tenant.on(tx).find(UpwardReportRecord.self, id) else { throw KefuError.notFound("请示报告") }
            let level = try r.currentLevel()
            guard r.status == .open else { throw KefuError.conflict("already_answered", "已由 \(r.answeredBy ?? "") 号答复。") }
            guard UpwardReport.mayAct(role: role, at: level) else { throw KefuError.forbidden("该报告在\(level.label)处，由\(level.label)答复或上报。") }
            if answer {
                r.status = .answered; r.answer = text; r.answeredBy = user.workId; r.answeredAt = now; r.updatedAt = now
                try await r.save(on: tx)
                try await Self.step(r, .answered, from: level, to: nil, skipped: nil, note: text, by: user.workId, now: now, on: tx)
                try await KefuNotification(recipientWorkId: r.reporterWorkId, recipientRole: nil, workOrderID: nil,
                                           message: "您的请示报告「\(r.title)」已由\(level.label) \(user.workId) 号答复：\(text)", createdAt: now).create(on: tx)
            } else {
                guard let next = UpwardReport.next(from: level, emergency: emergency) else {
                    throw KefuError.conflict("top_level", "中心经理是最高一级，请直接答复。")
                }
                r.level = next.to.rawValue; r.emergency = r.emergency || emergency; r.updatedAt = now
                try await r.save(on: tx)
                try await Self.step(r, .passed, from: level, to: next.to, skipped: next.skipped, note: text, by: user.workId, now: now, on: tx)
            }
        }
    }
}
