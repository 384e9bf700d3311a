import Vapor
import Fluent
import KefuCore

/// /attendance — each person's month (clock in and out, the sheet with the punches behind
/// each line, leave asked for), and for the team lead everyone's sheet, corrections with a
/// reason and the leave waiting for an answer (R9.2). The sheet also as CSV for Excel and
/// in a print layout.
struct AttendancePages {
    func register(_ routes: RoutesBuilder) {
        let a = routes.grouped("attendance").requiring(.signedIn)
        a.get(use: page)
        a.get("sheet.csv", use: csv)
        a.post("punch", use: punch)
        a.post("leave", use: requestLeave)
        let lead = routes.grouped("attendance").requiring(.attendanceManage)
        lead.post("leave", ":id", "approve", use: approve)
        lead.post("leave", ":id", "reject", use: reject)
        lead.post("entries", use: recordEntry)
        lead.post("extras", use: recordExtra)
        lead.post("statements", "publish", use: publishStatements)
        lead.post("statements", ":id", "decide", use: decideAppeal)
        lead.post("statements", ":id", "republish", use: republish)
        a.post("statements", ":id", "appeal", use: appeal)
    }

    struct StatementLineView: Encodable {
        var index: Int; var kind: String; var label: String; var amount: String; var date: String; var facts: String; var ruleVersion: Int; var struck: Bool
    }
    struct StatementView: Encodable {
        var id: String
        var published: Bool
        @NilIfEmpty var lines: [StatementLineView]
        var fineTotal: String
        var rewardTotal: String
        var appealStatus: String
        var appealLabel: String
        var appealText: String?
        var decision: String?
        var decidedBy: String?
        var mayAppeal: Bool
        var mayDecide: Bool
    }

    static func money(_ d: Decimal) -> String { "\(d)" }

    struct Line: Encodable {
        var date: String; var weekday: String; var shift: String; var punchIn: String; var punchOut: String
        var status: String; var statusLabel: String; var flagged: Bool; var detail: String
    }
    struct FineLine: Encodable { var date: String; var rule: String; var amount: String; var reason: String }
    struct PunchLine: Encodable { var at: String; var kind: String; var source: String; var note: String?; var by: String? }
    struct LeaveLine: Encodable {
        var id: String; var workId: String; var kind: String; var from: String; var through: String; var reason: String
        var status: String; var pending: Bool; var decidedBy: String?; var reply: String?; var mine: Bool
    }
    struct Context: Encodable {
        var page: PageContext
        var month: String
        var workId: String
        var name: String
        var own: Bool
        var mayManage: Bool
        var people: [Choice]
        var lines: [Line]
        @NilIfEmpty var fines: [FineLine]
        var fineTotal: String
        var rulesVersion: Int
        var dismissal: String?
        @NilIfEmpty var punches: [PunchLine]
        @NilIfEmpty var leaves: [LeaveLine]
        var leaveKinds: [Choice]
        var counts: String
        var error: String?
        var nowInput: String
        var statement: StatementView
        var offences: [Choice]
        var rewardKinds: [Choice]
        var monthIsOver: Bool
        var mayEditRules: Bool
        /// "已于 … 发布" once the month's sheet is published; the days it was published with.
        var publishedAt: String?
        var changedDays: String?
        var mayRepublish: Bool
        var sheetID: String
    }

    static let weekdays = ["日", "一", "二", "三", "四", "五", "六"]

    func month(_ req: Request, _ service: AttendanceService) -> String {
        let raw = req.query[String.self, at: "month"] ?? ""
        if WorkforceSettings.month(raw) != nil { return raw }
        let today = LocalDay(service.now, in: service.timeZone)
        return String(format: "%04d-%02d", today.year, today.month)
    }

    func page(req: Request) async throws -> Response {
        try await render(req, error: nil)
    }

    func render(_ req: Request, error: KefuError?) async throws -> Response {
        let service = try await AttendanceService(req: req)
        let month = self.month(req, service)
        let asked = (req.query[String.self, at: "person"] ?? "").trimmingCharacters(in: .whitespaces)
        let workId = asked.isEmpty ? service.user.workId : asked
        let sheet = try await service.sheet(workId: workId, month: month)
        let tz = service.timeZone
        func time(_ d: Date?) -> String { d.map { PageFormat.dateTime($0, tz) } ?? "—" }
        let extras = try await service.extras(of: workId, company: sheet.person.companyID, days: WorkforceSettings.month(month)?.days ?? [])
        let lines = sheet.days.map { d in
            var detail: [String] = []
            for e in extras where e.day == d.day.description {
                detail.append("\(e.kind.label) \(AttendanceExtra.duration(e.minutes))" + (e.place.isEmpty ? "" : " → \(e.place)") + "（\(e.reason)）")
            }
            if d.lateMinutes > 0 { detail.append("迟到 \(d.lateMinutes) 分钟") }
            if d.earlyMinutes > 0 { detail.append("早退 \(d.earlyMinutes) 分钟") }
            if d.offPostMinutes > 0 { detail.append("脱岗 \(d.offPostMinutes) 分钟") }
            if let l = d.leave { detail.append(l.label) }
            if let n = d.note { detail.append(n) }
            return Line(date: d.day.description, weekday: Self.weekdays[d.day.weekday() % 7], shift: d.shiftCode ?? "休",
                        punchIn: time(d.punchIn), punchOut: time(d.punchOut), status: d.status.rawValue, statusLabel: d.status.label,
                        flagged: [.late, .earlyLeave, .absent, .forgottenPunch].contains(d.status) || d.offPostMinutes > 0, detail: detail.joined(separator: "；"))
        }
        var people: [Choice] = []
        if service.mayManage {
            people = try await service.tenant.query(User.self).filter(\.$active == true).sort(\.$workId).all()
                .map { Choice(value: $0.workId, label: "\($0.workId) \($0.name)") }
        }
        let leaves = try await (service.mayManage ? service.leaveRequests() : service.leaveRequests(of: service.user.workId))
        let counts = (AttendanceStatus.allCases.compactMap { s -> String? in
            let n = sheet.days.filter { $0.status == s }.count
            return n == 0 ? nil : "\(s.label) \(n) 天"
        } + AttendanceExtra.Kind.allCases.compactMap { k -> String? in
            let minutes = extras.filter { $0.kind == k }.reduce(0) { $0 + $1.minutes }
            return minutes == 0 ? nil : "\(k.label) \(AttendanceExtra.duration(minutes))"
        }).joined(separator: "，")
        // The month's statement: as published, or (before the 1st) as it stands so far.
        let published = try await service.statement(workId: workId, month: month)
        let statementLines: [MonthlyStatement.Line]
        if let published { statementLines = try AttendanceService.decodeLines(published) } else {
            statementLines = try await AttendanceService.statementLines(person: sheet.person, month: month, tenant: service.tenant, now: service.now, timeZone: tz).lines
        }
        let totals = MonthlyStatement.totals(statementLines)
        let status = published?.appealStatus ?? .none
        let statement = StatementView(
            id: published?.id?.uuidString ?? "", published: published != nil,
            lines: statementLines.enumerated().map { i, l in
                StatementLineView(index: i, kind: l.kind.label, label: l.label, amount: Self.money(l.amount), date: l.date?.description ?? "",
                                  facts: l.facts, ruleVersion: l.ruleVersion, struck: l.struck)
            },
            fineTotal: Self.money(totals.fines), rewardTotal: Self.money(totals.rewards), appealStatus: status.rawValue, appealLabel: status.label,
            appealText: published?.appealText, decision: published?.decision, decidedBy: published?.decidedBy,
            mayAppeal: published != nil && status == .none && workId == service.user.workId,
            mayDecide: published != nil && status == .pending && service.mayManage && workId != service.user.workId)
        let rules = try await AttendanceService.rules(company: sheet.person.companyID, on: req.db)
        let today = LocalDay(service.now, in: tz)
        let ctx = Context(
            page: PageContext(req, user: service.user, title: "考勤"), month: month, workId: workId, name: sheet.person.name,
            own: workId == service.user.workId, mayManage: service.mayManage, people: people, lines: lines,
            fines: sheet.fines.map { FineLine(date: $0.date.description, rule: MonthlyStatement.label(rule: $0.rule), amount: "\($0.amount)", reason: $0.reason) },
            fineTotal: "\(sheet.fineTotal)", rulesVersion: sheet.rulesVersion, dismissal: sheet.dismissal,
            // The month's punches, and those of a neighbouring day a line was read from (a night shift).
            punches: sheet.punches.filter { p in
                month == WorkforceSettings.monthText(LocalDay(p.at, in: tz)) || sheet.days.contains { $0.punchIDs.contains(p.id) }
            }.map { PunchLine(at: PageFormat.dateTime($0.at, tz), kind: $0.kind.label, source: $0.source.label, note: $0.note,
                              by: $0.source == .import ? nil : $0.recordedBy) },
            leaves: leaves.map { r in
                LeaveLine(id: r.id?.uuidString ?? "", workId: r.workId, kind: r.kind.label, from: r.fromDay, through: r.throughDay, reason: r.reason,
                          status: r.status.label, pending: r.status == .pending, decidedBy: r.decidedBy, reply: r.reply, mine: r.workId == service.user.workId)
            },
            leaveKinds: LeaveKind.allCases.map { Choice(value: $0.rawValue, label: $0.label) },
            counts: counts.isEmpty ? "暂无记录" : counts, error: error?.reason, nowInput: PageFormat.inputValue(service.now, tz),
            statement: statement,
            offences: rules.penalties.offences.map { Choice(value: $0.code, label: "\($0.name)（\($0.minAmount)\($0.maxAmount == $0.minAmount ? "" : "–\($0.maxAmount)") 元）") },
            rewardKinds: PenaltyRules.RewardKind.allCases.map { Choice(value: $0.rawValue, label: $0.label) },
            monthIsOver: WorkforceSettings.month(month).map { MonthlyStatement.isDue(month: ($0.first.year, $0.first.month), today: today) } ?? false,
            mayEditRules: service.user.can(.adminSettings),
            publishedAt: sheet.publishedAt.map { PageFormat.dateTime($0, tz) },
            changedDays: sheet.changedSincePublished.isEmpty ? nil : sheet.changedSincePublished.map(\.description).joined(separator: "、"),
            mayRepublish: sheet.statementID != nil && service.mayManage && workId != service.user.workId,
            sheetID: sheet.statementID?.uuidString ?? "")
        let res = try await req.view.render("attendance", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func back(_ req: Request, person: String?) -> String {
        var path = "/attendance"
        var q: [String] = []
        if let m = (try? req.content.get(String.self, at: "month")), WorkforceSettings.month(m) != nil { q.append("month=" + m) }
        if let p = person, !p.isEmpty { q.append("person=" + (p.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? p)) }
        if !q.isEmpty { path += "?" + q.joined(separator: "&") }
        return path
    }

    /// Clock in or out (self), or a lead's punch for someone with a reason (a correction).
    func punch(req: Request) async throws -> Response {
        struct Form: Content { var kind: String?; var workId: String?; var at: String?; var note: String? }
        let form = try req.content.decode(Form.self)
        let service = try await AttendanceService(req: req)
        let forOther = (form.workId ?? "").isEmpty == false && form.workId != service.user.workId
        var at: String?
        if let raw = form.at, !raw.isEmpty {
            guard let d = PageFormat.parseInput(raw, service.timeZone) else {
                return try await render(req, error: .invalid([.init(field: "at", message: "时间格式无效")]))
            }
            at = JSONCoding.formatISO(d, timeZone: service.timeZone)
        }
        do {
            let (p, created) = try await service.punch(.init(workId: form.workId, at: at, kind: form.kind,
                                                             source: forOther || at != nil ? PunchSource.correction.rawValue : PunchSource.web.rawValue, note: form.note))
            let notice = created ? "已记录\(p.kind.label)打卡：\(PageFormat.dateTime(p.at, service.timeZone))" : "该打卡已记录过，未重复保存。"
            return req.redirect(to: back(req, person: forOther ? form.workId : nil), notice: notice)
        } catch let e as KefuError where e.status != .notFound {
            return try await render(req, error: e)
        }
    }

    func requestLeave(req: Request) async throws -> Response {
        let service = try await AttendanceService(req: req)
        let input = try req.content.decode(AttendanceService.LeaveInput.self)
        return try await req.once(form: "attendance.leave", fallback: "/attendance") {
            do {
                _ = try await service.requestLeave(input)
                return .created("/attendance", req.redirect(to: "/attendance", notice: "请假申请已提交，等待班长审批。"))
            } catch let e as KefuError {
                return .refused(try await render(req, error: e))
            }
        }
    }

    struct Decision: Content { var reply: String? }

    func approve(req: Request) async throws -> Response { try await decide(req, approve: true) }
    func reject(req: Request) async throws -> Response { try await decide(req, approve: false) }

    func decide(_ req: Request, approve: Bool) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("请假申请") }
        do {
            try await AttendanceService(req: req).decideLeave(id, approve: approve, reply: try req.content.decode(Decision.self).reply)
            return req.redirect(to: "/attendance", notice: approve ? "已批准。" : "已答复：不批准。")
        } catch let e as KefuError where e.status != .notFound {
            return try await render(req, error: e)
        }
    }

    func recordEntry(req: Request) async throws -> Response {
        let input = try req.content.decode(AttendanceService.EntryInput.self)
        let service = try await AttendanceService(req: req)
        return try await req.once(form: "attendance.entry", fallback: "/attendance") {
            do {
                let e = try await service.record(input)
                let to = back(req, person: e.workId)
                return .created(to, req.redirect(to: to, notice: "已录入\(e.kind.label)。"))
            } catch let e as KefuError where e.status != .notFound {
                return .refused(try await render(req, error: e))
            }
        }
    }

    func recordExtra(req: Request) async throws -> Response {
        let input = try req.content.decode(AttendanceService.ExtraInput.self)
        let service = try await AttendanceService(req: req)
        return try await req.once(form: "attendance.extra", fallback: "/attendance") {
            do {
                let e = try await service.recordExtra(input)
                let to = back(req, person: e.workId)
                return .created(to, req.redirect(to: to, notice: "已登记\(e.kind.label)。"))
            } catch let e as KefuError where e.status != .notFound {
                return .refused(try await render(req, error: e))
            }
        }
    }

    func publishStatements(req: Request) async throws -> Response {
        struct Form: Content { var month: String? }
        let service = try await AttendanceService(req: req)
        let month = (try req.content.decode(Form.self).month ?? "").trimmingCharacters(in: .whitespaces)
        guard let span = WorkforceSettings.month(month),
              MonthlyStatement.isDue(month: (span.first.year, span.first.month), today: LocalDay(service.now, in: service.timeZone)) else {
            return try await render(req, error: .invalid([.init(field: "month", message: "只能发布已结束月份的奖惩单")]))
        }
        let company = service.tenant.homeCompanyID ?? service.user.companyID
        try service.tenant.check(company)
        let n = try await AttendanceService.publish(company: company, month: month, db: req.db, now: service.now, timeZone: service.timeZone, actor: service.user.workId)
        return req.redirect(to: "/attendance?month=\(month)", notice: n == 0 ? "\(month) 的奖惩单均已发布。" : "已发布 \(month) 奖惩单 \(n) 张。")
    }

    func appeal(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("奖惩单") }
        struct Form: Content { var text: String?; var month: String? }
        let form = try req.content.decode(Form.self)
        do {
            try await AttendanceService(req: req).appeal(id, text: form.text)
            return req.redirect(to: back(req, person: nil), notice: "申诉已提交，班长处理后会通知您。")
        } catch let e as KefuError where e.status != .notFound {
            return try await render(req, error: e)
        }
    }

    func decideAppeal(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("奖惩单") }
        struct Form: Content { var strike: [String]?; var decision: String?; var person: String? }
        let form = try req.content.decode(Form.self)
        do {
            try await AttendanceService(req: req).decideAppeal(id, strike: Set((form.strike ?? []).compactMap { Int($0) }), note: form.decision)
            return req.redirect(to: back(req, person: form.person), notice: "申诉已处理。")
        } catch let e as KefuError where e.status != .notFound {
            return try await render(req, error: e)
        }
    }

    func republish(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("考勤表") }
        struct Form: Content { var reason: String?; var person: String? }
        let form = try req.content.decode(Form.self)
        do {
            try await AttendanceService(req: req).republish(id, reason: form.reason)
            return req.redirect(to: back(req, person: form.person), notice: "考勤表已按现有记录重新发布，并已通知本人。")
        } catch let e as KefuError where e.status != .notFound {
            return try await render(req, error: e)
        }
    }

    /// The sheet for Excel: UTF-8 with a byte-order mark, one line per day.
    func csv(req: Request) async throws -> Response {
        let service = try await AttendanceService(req: req)
        let month = self.month(req, service)
        let asked = (req.query[String.self, at: "person"] ?? "").trimmingCharacters(in: .whitespaces)
        let sheet = try await service.sheet(workId: asked.isEmpty ? service.user.workId : asked, month: month)
        let tz = service.timeZone
        func cell(_ s: String) -> String {
            let safe = s.first.map { "=+-@".contains($0) } == true ? "'" + s : s
            return safe.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
        }
        var out = "\u{FEFF}工号,姓名,日期,班次,上班打卡,下班打卡,状态,迟到分钟,早退分钟,脱岗分钟,假别,说明\r\n"
        for d in sheet.days {
            out += [sheet.person.workId, sheet.person.name, d.day.description, d.shiftCode ?? "", d.punchIn.map { PageFormat.dateTime($0, tz) } ?? "",
                    d.punchOut.map { PageFormat.dateTime($0, tz) } ?? "", d.status.label, "\(d.lateMinutes)", "\(d.earlyMinutes)", "\(d.offPostMinutes)",
                    d.leave?.label ?? "", d.note ?? ""].map(cell).joined(separator: ",") + "\r\n"
        }
        for f in sheet.fines {
            out += ["", "", f.date.description, "", "", "", "罚款：" + MonthlyStatement.label(rule: f.rule), "", "", "", "", "\(f.amount) 元 \(f.reason)"].map(cell).joined(separator: ",") + "\r\n"
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"attendance-\(sheet.person.workId)-\(month).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: out))
    }
}
