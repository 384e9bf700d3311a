import Vapor
import Fluent
import KefuCore

/// Rewards and penalties (R9.3): leads record offences and rewards; on the 1st each person's
/// statement of the month before is published as a snapshot (the attendance fines as the
/// rules in force gave them, and what was recorded); the person may appeal it once, and the
/// team lead decides, striking lines or upholding it.
extension AttendanceService {
    struct EntryInput: Content {
        var workId: String?
        var day: String?
        var kind: String?
        var rule: String?
        var amount: String?
        var facts: String?
    }

    func record(_ input: EntryInput) async throws -> DisciplineEntry {
        guard mayManage else { throw KefuError.forbidden("奖惩由班长录入。") }
        let person = try await person((input.workId ?? "").trimmingCharacters(in: .whitespaces))
        let rules = try await Self.rules(company: person.companyID, on: tenant.db)
        var problems: [FieldProblemDTO] = []
        let day = input.day.flatMap { LocalDay($0.trimmingCharacters(in: .whitespaces)) }
        if day == nil { problems.append(.init(field: "day", message: "日期须为 YYYY-MM-DD")) }
        let kind = MonthlyStatement.LineKind(rawValue: input.kind ?? "")
        let rule = (input.rule ?? "").trimmingCharacters(in: .whitespaces)
        let amount = Int((input.amount ?? "").trimmingCharacters(in: .whitespaces))
        let facts = (input.facts ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if facts.isEmpty || facts.count > 300 || Validation.hasControlCharacters(facts) { problems.append(.init(field: "facts", message: "请写明事实经过（不超过 300 字）")) }
        switch kind {
        case .fine:
            if let o = rules.penalties.offences.first(where: { $0.code == rule }) {
                if let amount, !(o.minAmount...o.maxAmount).contains(amount) {
                    problems.append(.init(field: "amount", message: "「\(o.name)」罚款为 \(o.minAmount)\(o.maxAmount == o.minAmount ? "" : "–\(o.maxAmount)") 元"))
                }
            } else { problems.append(.init(field: "rule", message: "请选择规则中的违纪项目")) }
        case .reward:
            if PenaltyRules.RewardKind(rawValue: rule) == nil { problems.append(.init(field: "rule", message: "请选择奖励方式")) }
            if let amount, !(0...100_000).contains(amount) { problems.append(.init(field: "amount", message: "奖金须为 0–100000 元")) }
        case nil:
            problems.append(.init(field: "kind", message: "请选择罚款或奖励"))
        }
        if amount == nil { problems.append(.init(field: "amount", message: "金额须为整数（元）")) }
        guard problems.isEmpty, let day, let kind, let amount else { throw KefuError.invalid(problems) }
        return try await tenant.db.writeTransaction { [user, now] tx in
            let e = DisciplineEntry()
            e.id = UUID(); e.companyID = person.companyID; e.workId = person.workId; e.day = day.description; e.kind = kind; e.rule = rule
            e.amount = Double(amount); e.facts = facts; e.ruleVersion = rules.version; e.recordedBy = user.workId; e.createdAt = now
            try await e.create(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "discipline.recorded", objectType: "attendance", objectId: person.workId,
                       after: "\(kind.label) \(MonthlyStatement.label(rule: rule)) \(amount) 元：\(facts)")
            return e
        }
    }

    /// The lines a month's statement has (or will have when published).
    /// The month's statement as the records read now, with the live sheet it came from.
    static func statementLines(person: User, month: String, tenant: TenantData, now: Date, timeZone: TimeZone) async throws
        -> (lines: [MonthlyStatement.Line], version: Int, sheet: Sheet) {
        let service = AttendanceService(tenant: tenant, user: person, role: person.roleValue, now: now, timeZone: timeZone)
        let sheet = try await service.sheet(workId: person.workId, month: month, live: true)
        let rules = try await AttendanceService.rules(company: person.companyID, on: tenant.db)
        let offences = Dictionary(rules.penalties.offences.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        guard let span = WorkforceSettings.month(month), let first = span.days.first, let last = span.days.last else { return ([], rules.version, sheet) }
        let recorded = try await tenant.query(DisciplineEntry.self).filter(\.$companyID == person.companyID).filter(\.$workId == person.workId)
            .filter(\.$day >= first.description).filter(\.$day <= last.description).sort(\.$day).all()
            .map { e in
                MonthlyStatement.Line(kind: e.kind, rule: e.rule, label: offences[e.rule] ?? MonthlyStatement.label(rule: e.rule), amount: Decimal(e.amount),
                                      date: LocalDay(e.day), facts: e.facts + "（\(e.recordedBy) 号录入）", ruleVersion: e.ruleVersion)
            }
        let qc = try await qcResults(of: person, first: first, last: last, tenant: tenant)
        let fromQC = MonthlyStatement.qcLines(findings: qc.findings, reviewedScores: qc.scores, lastDay: last, rules: rules.penalties)
        return (MonthlyStatement.lines(fines: sheet.fines, recorded: recorded + fromQC, ruleVersion: rules.version), rules.version, sheet)
    }

    /// The person's reviewed contacts of the days (their final scores) and the forbidden
    /// phrases an inspector confirmed on them: what the QC appraisal counts, per person.
    static func qcResults(of person: User, first: LocalDay, last: LocalDay, tenant: TenantData) async throws
        -> (findings: [MonthlyStatement.QCFinding], scores: [Int]) {
        let contacts = try await tenant.query(Contact.self).filter(\.$companyID == person.companyID).filter(\.$agentWorkId == person.workId)
            .filter(\.$localDay >= first.description).filter(\.$localDay <= last.description).filter(\.$finalScore != nil).all()
        let byID = Dictionary(contacts.compactMap { c in c.id.map { ($0, c) } }, uniquingKeysWith: { a, _ in a })
        var findings: [MonthlyStatement.QCFinding] = []
        let ids = Array(byID.keys)
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for f in try await QAFindingRecord.query(on: tenant.db).filter(\.$contact.$id ~~ chunk).filter(\.$state == "confirmed").all()
            where QARule(rawValue: f.rule)?.isForbidden == true {
                guard let c = byID[f.$contact.id], let day = LocalDay(c.localDay) else { continue }
                findings.append(.init(day: day, rule: f.rule, text: f.text, contact: c.externalId))
            }
        }
        return (findings.sorted { ($0.day, $0.contact) < ($1.day, $1.contact) }, contacts.compactMap(\.finalScore))
    }

    func statement(workId: String, month: String) async throws -> MonthlyStatementRecord? {
        guard AttendanceAccess.mayRead(sheetOf: workId, viewer: user.workId, role: role) else { throw KefuError.forbidden() }
        return try await tenant.query(MonthlyStatementRecord.self).filter(\.$workId == workId).filter(\.$month == month).first()
    }

    static func decodeLines(_ s: MonthlyStatementRecord) throws -> [MonthlyStatement.Line] {
        do { return try JSONDecoder().decode([MonthlyStatement.Line].self, from: Data(s.lines.utf8)) } catch {
            throw KefuError(.internalServerError, "stored_value_invalid", "\(s.month) 的奖惩单无法读取。")
        }
    }

    static func encodeLines(_ lines: [MonthlyStatement.Line]) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(lines), as: UTF8.self)
    }

    /// Publishes `month`'s statement of every active person of the company who answers
    /// customers (and anyone with recorded lines); a statement already published stays as it is.
    static func publish(company: UUID, month: String, db: Database, now: Date, timeZone: TimeZone, actor: String) async throws -> Int {
        let tenant = TenantData(scope: .companies([company]), db: db)
        let people = try await tenant.query(User.self).filter(\.$companyID == company).filter(\.$active == true).all()
            .filter { KnowledgeArticle.answeringRoles.contains($0.roleValue) }
        let done = Set(try await tenant.query(MonthlyStatementRecord.self).filter(\.$month == month).all().map(\.workId))
        var published = 0
        for person in people where !done.contains(person.workId) {
            let (lines, version, sheet) = try await statementLines(person: person, month: month, tenant: tenant, now: now, timeZone: timeZone)
            let totals = MonthlyStatement.totals(lines)
            let text = try encodeLines(lines), sheetText = try encodeSheet(sheet)
            try await db.writeTransaction { tx in
                let s = MonthlyStatementRecord()
                s.id = UUID(); s.companyID = company; s.workId = person.workId; s.month = month; s.lines = text; s.sheet = sheetText
                s.fineTotal = NSDecimalNumber(decimal: totals.fines).doubleValue; s.rewardTotal = NSDecimalNumber(decimal: totals.rewards).doubleValue
                s.ruleVersion = version; s.publishedAt = now; s.appealStatus = .none
                try await s.create(on: tx)
                try await KefuNotification(recipientWorkId: person.workId, recipientRole: nil, workOrderID: nil,
                                           message: "\(month) 考勤表与奖惩单已发布，请在考勤页查看；如有异议可申诉一次。", createdAt: now).create(on: tx)
            }
            published += 1
        }
        try await History(db: db, actorWorkId: actor, ip: nil, now: now)
            .audit(action: "discipline.published", objectType: "company", objectId: company.uuidString, after: "\(month)：\(published) 张")
        return published
    }

    /// The monthly job: on the 1st (or the first sweep after it) last month's statements, once
    /// per company across processes (`PeriodicClaim`).
    static func publishMonthlyIfDue(db: Database, now: Date, timeZone: TimeZone, logger: Logger) async throws {
        let today = LocalDay(now, in: timeZone)
        let previous = today.adding(days: -today.day)
        let month = WorkforceSettings.monthText(previous)
        for id in try await CompanySettings.companyIDs(on: db) {
            guard try await statementClaim.claim(month, company: id, on: db, now: now) else { continue }
            let n = try await publish(company: id, month: month, db: db, now: now, timeZone: timeZone, actor: "system")
            try await CompanySettings.set(statementDoneKey, month, company: id, on: db)
            logger.info("monthly statements of \(month): \(n) published")
        }
    }

    static let statementDoneKey = "attendance.statements_month"
    static let statementClaim = PeriodicClaim(doneKey: statementDoneKey, claimKey: "attendance.statements_claim")

    func appeal(_ id: UUID, text: String?) async throws {
        let reason = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        try await tenant.db.writeTransaction { [tenant, user, now] tx in
            guard let s = try await tenant.on(tx).find(MonthlyStatementRecord.self, id), s.workId == user.workId || AttendanceAccess.mayManage(role) else {
                throw KefuError.notFound("奖惩单")
            }
            if let p = MonthlyStatement.appealProblem(owner: s.workId, by: user.workId, status: s.appealStatus, text: reason) {
                throw s.appealStatus == .none && s.workId == user.workId ? KefuError.invalid([.init(field: "text", message: p)]) : KefuError.conflict("appeal_refused", p)
            }
            s.appealStatus = .pending; s.appealText = reason; s.appealedAt = now
            try await s.save(on: tx)
            let n = KefuNotification(recipientWorkId: nil, recipientRole: Role.teamLead.rawValue, workOrderID: nil,
                                     message: "\(user.workId) 对 \(s.month) 奖惩单提出申诉：\(reason)", createdAt: now)
            n.companyID = s.companyID
            try await n.create(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "discipline.appealed", objectType: "monthly_statement", objectId: id.uuidString, after: reason)
        }
    }

    /// A lead publishes a person's month again after a correction (R9.2: corrections only by a
    /// lead, with a reason, audited): the sheet as the records read now replaces the published
    /// one. The statement's lines follow it while unappealed; once appealed, the appeal's
    /// decision stands and only the sheet changes.
    func republish(_ id: UUID, reason: String?) async throws {
        guard mayManage else { throw KefuError.forbidden("考勤表由班长更正后重新发布。") }
        let text = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 300, !Validation.hasControlCharacters(text) else {
            throw KefuError.invalid([.init(field: "reason", message: "请写明更正原因（不超过 300 字）")])
        }
        guard let s = try await tenant.find(MonthlyStatementRecord.self, id) else { throw KefuError.notFound("考勤表") }
        guard s.workId != user.workId else { throw KefuError.forbidden("不能更正自己的考勤表。") }
        let person = try await person(s.workId)
        let (lines, version, sheet) = try await Self.statementLines(person: person, month: s.month, tenant: tenant, now: now, timeZone: timeZone)
        let sheetText = try Self.encodeSheet(sheet), linesText = try Self.encodeLines(lines)
        // Only for the audit line: a stored sheet that no longer reads is replaced all the same.
        let before = s.sheet.flatMap { try? Self.decodeSheet($0, month: s.month) }
        let changed = before.map { b in zip(b.days, sheet.days).filter { $0 != $1 }.map { $0.0.day.description } } ?? []
        try await tenant.db.writeTransaction { [tenant, user, now] tx in
            guard let s = try await tenant.on(tx).find(MonthlyStatementRecord.self, id) else { throw KefuError.notFound("考勤表") }
            s.sheet = sheetText
            if s.appealStatus == .none {
                let totals = MonthlyStatement.totals(lines)
                s.lines = linesText; s.ruleVersion = version
                s.fineTotal = NSDecimalNumber(decimal: totals.fines).doubleValue; s.rewardTotal = NSDecimalNumber(decimal: totals.rewards).doubleValue
            }
            s.publishedAt = now
            try await s.save(on: tx)
            try await KefuNotification(recipientWorkId: s.workId, recipientRole: nil, workOrderID: nil,
                                       message: "\(s.month) 考勤表已由 \(user.workId) 更正后重新发布：\(text)", createdAt: now).create(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "attendance.sheet_republished", objectType: "monthly_statement", objectId: id.uuidString,
                       after: "\(s.workId) \(s.month)：\(text)" + (changed.isEmpty ? "" : "（更正 \(changed.joined(separator: "、"))）"))
        }
    }

    /// The team lead's decision: strike lines (amended) or none (upheld), with a note.
    func decideAppeal(_ id: UUID, strike: Set<Int>, note: String?) async throws {
        guard mayManage else { throw KefuError.forbidden("申诉由班长处理。") }
        let text = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 300 else { throw KefuError.invalid([.init(field: "decision", message: "请写明处理意见（不超过 300 字）")]) }
        try await tenant.db.writeTransaction { [tenant, user, now] tx in
            guard let s = try await tenant.on(tx).find(MonthlyStatementRecord.self, id) else { throw KefuError.notFound("奖惩单") }
            guard s.appealStatus == .pending else { throw KefuError.conflict("no_pending_appeal", "该奖惩单没有待处理的申诉。") }
            guard s.workId != user.workId else { throw KefuError.forbidden("不能处理自己的申诉。") }
            let (lines, status) = MonthlyStatement.decide(try Self.decodeLines(s), strike: strike)
            let totals = MonthlyStatement.totals(lines)
            s.lines = try Self.encodeLines(lines); s.appealStatus = status; s.decidedBy = user.workId; s.decidedAt = now; s.decision = text
            s.fineTotal = NSDecimalNumber(decimal: totals.fines).doubleValue; s.rewardTotal = NSDecimalNumber(decimal: totals.rewards).doubleValue
            try await s.save(on: tx)
            try await KefuNotification(recipientWorkId: s.workId, recipientRole: nil, workOrderID: nil,
                                       message: "您对 \(s.month) 奖惩单的申诉\(status.label.replacingOccurrences(of: "申诉已处理：", with: "已处理："))：\(text)", createdAt: now).create(on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "discipline.appeal_decided", objectType: "monthly_statement", objectId: id.uuidString, after: "\(status.rawValue)：\(text)")
        }
    }
}
