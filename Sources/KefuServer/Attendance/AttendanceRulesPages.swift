import Vapor
import Fluent
import KefuCore

/// /attendance/rules — the center's attendance and penalty rules as data (R9.3): the admin
/// edits them, each save a new version; every month's fines name the version they used.
struct AttendanceRulesPages {
    func register(_ routes: RoutesBuilder) {
        let r = routes.grouped("attendance", "rules").requiring(.adminSettings)
        r.get(use: page)
        r.post(use: save)
        r.post("wages", use: saveWage)
    }

    struct VersionRow: Encodable { var version: Int; var by: String; var at: String }
    struct WageRow: Encodable { var workId: String; var name: String; var wage: String; var updated: String? }
    struct Context: Encodable {
        var page: PageContext
        var version: Int
        var form: [String: String]
        @NilIfEmpty var versions: [VersionRow]
        var error: String?
        var qcOffences: [Choice]
        @NilIfEmpty var wages: [WageRow]
    }

    static let intFields: [(key: String, label: String)] = [
        ("lateGraceMinutes", "迟到宽限（分钟）"), ("earlyLeaveGraceMinutes", "早退宽限（分钟）"),
        ("punchWindowBeforeMinutes", "班前打卡时段（分钟）"), ("punchWindowAfterMinutes", "班后打卡时段（分钟）"),
        ("leadArrivalMinutes", "值班长提前到岗（分钟）"), ("offPostLimitMinutes", "离开座席超过即为脱岗（分钟）"), ("lateFine", "迟到罚款（元）"), ("earlyLeaveFine", "早退罚款（元）"),
        ("forgottenPunchFirst", "漏打卡首次（元）"), ("forgottenPunchStep", "漏打卡每次递增（元）"),
        ("absenceWageMultiple", "旷工扣日工资倍数"), ("dismissalConsecutiveDays", "连续旷工报除名（天）"),
        ("dismissalDaysPerYear", "一年累计旷工报除名（天）"), ("qcPraiseScore", "质检月均分达到即表扬（0 为不表扬）"),
        ("qcPraiseMinReviewed", "表扬所需最少复核通数"),
    ]

    static func form(_ a: AttendanceRules, _ p: PenaltyRules) -> [String: String] {
        ["lateGraceMinutes": "\(a.lateGraceMinutes)", "earlyLeaveGraceMinutes": "\(a.earlyLeaveGraceMinutes)",
         "punchWindowBeforeMinutes": "\(a.punchWindowBeforeMinutes)", "punchWindowAfterMinutes": "\(a.punchWindowAfterMinutes)",
         "leadArrivalMinutes": "\(a.leadArrivalMinutes)", "offPostLimitMinutes": "\(a.offPostLimitMinutes)", "lateFine": "\(p.lateFine)", "earlyLeaveFine": "\(p.earlyLeaveFine)",
         "forgottenPunchFirst": "\(p.forgottenPunchFirst)", "forgottenPunchStep": "\(p.forgottenPunchStep)",
         "absenceWageMultiple": "\(p.absenceWageMultiple)", "dismissalConsecutiveDays": "\(p.dismissalConsecutiveDays)",
         "dismissalDaysPerYear": "\(p.dismissalDaysPerYear)", "offences": p.offencesText,
         "qcForbiddenOffence": p.qcForbiddenOffence ?? "", "qcPraiseScore": "\(p.qcPraiseScore)", "qcPraiseMinReviewed": "\(p.qcPraiseMinReviewed)"]
    }

    func company(_ req: Request) async throws -> (TenantData, UUID, User) {
        let user = try req.user()
        let tenant = try await req.tenant()
        return (tenant, tenant.homeCompanyID ?? user.companyID, user)
    }

    func page(req: Request) async throws -> Response {
        try await render(req, form: nil, error: nil)
    }

    func render(_ req: Request, form: [String: String]?, error: KefuError?) async throws -> Response {
        let (tenant, company, user) = try await company(req)
        let current = try await AttendanceService.rules(company: company, on: req.db)
        let versions = try await tenant.query(AttendanceRuleVersion.self).filter(\.$companyID == company).sort(\.$version, .descending).limit(50).all()
        let tz = req.kefu.settings.timeZone
        var shown = form ?? Self.form(current.attendance, current.penalties)
        shown.removeValue(forKey: CSRFMiddleware.field)
        let wages = Dictionary(try await tenant.query(DailyWage.self).filter(\.$companyID == company).all().map { ($0.workId, $0) },
                               uniquingKeysWith: { a, _ in a })
        let people = try await tenant.query(User.self).filter(\.$companyID == company).filter(\.$active == true).sort(\.$workId).all()
        let ctx = Context(page: PageContext(req, user: user, title: "考勤奖惩规则"), version: current.version, form: shown,
                          versions: versions.map { VersionRow(version: $0.version, by: $0.createdBy, at: PageFormat.dateTime($0.createdAt, tz)) },
                          error: error?.reason,
                          qcOffences: [Choice(value: "", label: "不计罚款")] + current.penalties.offences.map { Choice(value: $0.code, label: "\($0.name)（\($0.minAmount) 元）") },
                          wages: people.map { p in
                              let w = wages[p.workId]
                              return WageRow(workId: p.workId, name: p.name, wage: w.map { "\($0.amount)" } ?? "",
                                             updated: w.map { "\($0.updatedBy) 号 · \(PageFormat.dateTime($0.updatedAt, tz))" })
                          })
        let res = try await req.view.render("attendance_rules", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func save(req: Request) async throws -> Response {
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        do {
            let (tenant, company, user) = try await company(req)
            var problems: [FieldProblemDTO] = []
            func int(_ key: String) -> Int {
                guard let v = Int((form[key] ?? "").trimmingCharacters(in: .whitespaces)) else {
                    problems.append(.init(field: key, message: "\(Self.intFields.first { $0.key == key }?.label ?? key)须为整数")); return 0
                }
                return v
            }
            let attendance = AttendanceRules(lateGraceMinutes: int("lateGraceMinutes"), earlyLeaveGraceMinutes: int("earlyLeaveGraceMinutes"),
                                             punchWindowBeforeMinutes: int("punchWindowBeforeMinutes"), punchWindowAfterMinutes: int("punchWindowAfterMinutes"),
                                             leadArrivalMinutes: int("leadArrivalMinutes"), offPostLimitMinutes: int("offPostLimitMinutes"))
            let parsed = PenaltyRules.offences(from: form["offences"] ?? "")
            let current = try await AttendanceService.rules(company: company, on: req.db)
            let penalties = PenaltyRules(version: current.version + 1, lateFine: int("lateFine"), earlyLeaveFine: int("earlyLeaveFine"),
                                         forgottenPunchFirst: int("forgottenPunchFirst"), forgottenPunchStep: int("forgottenPunchStep"),
                                         absenceWageMultiple: int("absenceWageMultiple"), dismissalConsecutiveDays: int("dismissalConsecutiveDays"),
                                         dismissalDaysPerYear: int("dismissalDaysPerYear"), offences: parsed.offences,
                                         qcForbiddenOffence: (form["qcForbiddenOffence"] ?? "").isEmpty ? nil : form["qcForbiddenOffence"],
                                         qcPraiseScore: int("qcPraiseScore"), qcPraiseMinReviewed: int("qcPraiseMinReviewed"))
            problems += (parsed.problems + attendance.problems + penalties.problems).map { FieldProblemDTO(field: "rules", message: $0) }
            guard problems.isEmpty else { throw KefuError.invalid(problems) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let a = String(decoding: try encoder.encode(attendance), as: UTF8.self), p = String(decoding: try encoder.encode(penalties), as: UTF8.self)
            let now = req.now
            try await req.db.writeTransaction { tx in
                try tenant.on(tx).check(company)
                let v = AttendanceRuleVersion()
                v.id = UUID(); v.companyID = company; v.version = current.version + 1; v.attendance = a; v.penalties = p
                v.createdBy = user.workId; v.createdAt = now
                try await v.create(on: tx)
                try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                    .audit(action: "attendance.rules_saved", objectType: "attendance_rules", objectId: company.uuidString, after: "第 \(v.version) 版")
            }
            return req.redirect(to: "/attendance/rules", notice: "已保存为第 \(current.version + 1) 版，此后计算的考勤罚款按新版执行。")
        } catch let e as KefuError {
            return try await render(req, form: form, error: e)
        }
    }

    /// Sets (or, left empty, clears) one person's daily wage; each change audited with both amounts.
    func saveWage(req: Request) async throws -> Response {
        struct Form: Content { var workId: String?; var dailyWage: String? }
        let form = try req.content.decode(Form.self)
        do {
            let (tenant, company, user) = try await company(req)
            let workId = (form.workId ?? "").trimmingCharacters(in: .whitespaces)
            guard let person = try await tenant.query(User.self).filter(\.$companyID == company).filter(\.$workId == workId).first() else {
                throw KefuError.invalid([.init(field: "workId", message: "本公司没有工号 \(workId)")])
            }
            let text = (form.dailyWage ?? "").trimmingCharacters(in: .whitespaces)
            let fen = text.isEmpty ? nil : AttendanceAccess.dailyWageFen(text)
            if !text.isEmpty && fen == nil {
                throw KefuError.invalid([.init(field: "dailyWage", message: "日工资须为 0.01–100000 元，最多两位小数")])
            }
            let now = req.now
            try await req.db.writeTransaction { tx in
                try tenant.on(tx).check(company)
                let existing = try await tenant.on(tx).query(DailyWage.self).filter(\.$companyID == company).filter(\.$workId == person.workId).first()
                let before = existing.map { "\($0.amount) 元" } ?? "未设"
                if let fen {
                    let w = existing ?? DailyWage()
                    if w.id == nil { w.id = UUID(); w.companyID = company; w.workId = person.workId }
                    w.amountFen = fen; w.updatedBy = user.workId; w.updatedAt = now
                    try await w.save(on: tx)
                } else if let existing {
                    try await existing.delete(on: tx)
                }
                try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                    .audit(action: "attendance.daily_wage_set", objectType: "user", objectId: person.workId,
                           before: before, after: fen.map { "\(Decimal($0) / 100) 元" } ?? "未设")
            }
            return req.redirect(to: "/attendance/rules#wages", notice: "已保存 \(person.workId) \(person.name) 的日工资。")
        } catch let e as KefuError {
            return try await render(req, form: nil, error: e)
        }
    }
}
