import Fluent
import Vapor
import KefuCore

/// "My roster" (我的排班) for everyone on the roster, with shift swaps (R4.5): ask a
/// colleague, answer their request, and the lead's approval queue. A roster and its swaps
/// belong to one company; someone who works for several sees each company's roster apart.
struct SwapPages {
    func register(_ routes: RoutesBuilder) {
        let own = routes.requiring(.workforceOwn)
        own.get("workforce", "me", use: mine)
        own.post("workforce", "swaps", use: request)
        own.post("workforce", "swaps", ":id", ":action", use: act)
        routes.requiring(.workforceApprove).get("workforce", "swaps", use: queue)
    }

    struct Shift: Encodable {
        var day: String; var weekday: String; var code: String; var name: String; var time: String; var role: String
        /// Approved leave covering the day (R9.2): the shift is not worked.
        var leave: String?
    }
    struct Swap: Encodable {
        var id: String; var company: String; var requester: String; var peer: String; var give: String; var take: String; var state: String
        var stateLabel: String; var note: String; var canAccept: Bool; var canCancel: Bool; var canApprove: Bool
    }
    struct MonthShifts: Encodable { var month: String; var company: String; var shifts: [Shift]; var hours: String }
    struct MineContext: Encodable {
        var page: PageContext; var months: [MonthShifts]; var swaps: [Swap]; var error: String?; var month: String
        /// The companies a swap may be asked in, when there are several (else the form names none).
        var companies: [WorkforceCompanyPicker.Choice]; var mixed: Bool
    }
    struct QueueContext: Encodable {
        var page: PageContext; var company: WorkforceCompanyPicker?; var swaps: [Swap]; var error: String?; var mixed: Bool
        var choices: [WorkforceCompanyPicker.Choice]
    }

    func months(_ req: Request) -> [String] {
        let current = WorkforceSettings.monthText(LocalDay(req.now, in: req.kefu.settings.timeZone))
        return [current, WorkforceSettings.nextMonth(current) ?? current]
    }

    func mine(req: Request) async throws -> Response { try await renderMine(req, error: nil) }

    func renderMine(_ req: Request, error: KefuError?) async throws -> Response {
        let user = try req.user()
        let tenant = try await req.tenant()
        let companies = try await tenant.companies()
        let labels = try await tenant.labels()
        var out: [MonthShifts] = []
        for company in companies {
            let service = RosterService(company: try WorkforceCompany(company, db: tenant.db), timeZone: req.kefu.settings.timeZone)
            out += try await published(service, for: user, label: labels.mixed ? "\(company.code) \(company.name)" : "", req: req)
        }
        let records = try await tenant.query(ShiftSwapRecord.self).group(.or) { $0.filter(\.$requester == user.workId).filter(\.$peer == user.workId) }
            .sort(\.$createdAt, .descending).limit(50).all()
        let ctx = MineContext(page: PageContext(req, user: user, title: "我的排班"), months: out,
                              swaps: try records.map { try Self.row($0, viewer: user.workId, lead: false, labels: labels) }, error: error?.reason,
                              month: months(req)[0],
                              companies: companies.map { .init(code: $0.code, name: $0.name, selected: $0.id == tenant.homeCompanyID) },
                              mixed: labels.mixed)
        let res = try await req.view.render("workforce_me", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    /// This and next month's published roster of one company, where `user` is on it.
    func published(_ service: RosterService, for user: User, label: String, req: Request) async throws -> [MonthShifts] {
        var out: [MonthShifts] = []
        for m in months(req) {
            guard let r = try await service.load(month: m), r.record.status == "published" else { continue }
            let templates = Dictionary(r.templates.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            let mine = r.assignments.filter { $0.workId == user.workId }
            let first = r.days.first?.description ?? m, last = r.days.last?.description ?? m
            let leaves = try await service.company.data.query(LeaveRequest.self).filter(\.$workId == user.workId).filter(\.$status == .approved)
                .filter(\.$fromDay <= last).filter(\.$throughDay >= first).all()
            let shifts = mine.map { a -> Shift in
                let leave = leaves.first { $0.fromDay <= a.day.description && a.day.description <= $0.throughDay }
                let t = templates[a.shiftCode]
                return Shift(day: a.day.description, weekday: ForecastView.weekdays[a.day.weekday()], code: a.shiftCode, name: t?.name ?? "",
                             time: t.map { "\(RosterPages.time($0.startMinute))–\(RosterPages.time(($0.startMinute + $0.lengthMinutes) % 1440))" } ?? "",
                             role: a.role == .regular ? "正常班" : a.role == .reserve ? "应急备班" : "节日应急台席",
                             leave: leave.map { "\($0.kind.label)（已批准）" })
            }
            guard !mine.isEmpty || label.isEmpty else { continue }
            let minutes = mine.reduce(0) { $0 + (templates[$1.shiftCode]?.paidMinutes ?? 0) }
            out.append(MonthShifts(month: m, company: label, shifts: shifts, hours: String(format: "%.1f", Double(minutes) / 60)))
        }
        return out
    }

    static func row(_ r: ShiftSwapRecord, viewer: String, lead: Bool, labels: TenantLabels) throws -> Swap {
        let state = ShiftSwapState(rawValue: r.state) ?? .requested
        return Swap(id: try r.requireID().uuidString, company: labels.mixed ? labels.companyCode(r.companyID) : "", requester: r.requester, peer: r.peer, give: "\(r.requesterDay) \(r.requesterShift)",
                    take: r.peerDay.map { "\($0) \(r.peerShift ?? "")" } ?? "（代班，不换回）", state: r.state,
                    stateLabel: ShiftSwapService.label(state), note: r.note,
                    canAccept: state == .requested && r.peer == viewer, canCancel: state == .requested || state == .accepted ? r.requester == viewer : false,
                    canApprove: lead && state == .accepted && viewer != r.requester && viewer != r.peer)
    }

    func request(req: Request) async throws -> Response {
        struct Form: Content { var day: String?; var peer: String?; var peerDay: String?; var note: String?; var company: String? }
        let form = try req.content.decode(Form.self)
        let user = try req.user()
        return try await req.once(form: "workforce.swap", fallback: "/workforce/me") {
            do {
                guard let day = form.day.flatMap(LocalDay.init) else { throw KefuError.invalid([.init(field: "day", message: "请填写要换出的日期（YYYY-MM-DD）")]) }
                guard let peer = form.peer?.trimmingCharacters(in: .whitespaces), !peer.isEmpty else { throw KefuError.invalid([.init(field: "peer", message: "请填写对方工号")]) }
                var peerDay: LocalDay?
                if let text = form.peerDay?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                    guard let d = LocalDay(text) else { throw KefuError.invalid([.init(field: "peerDay", message: "换回日期须为 YYYY-MM-DD")]) }
                    peerDay = d
                }
                let company = try await req.workforceCompany(.write, code: form.company)
                _ = try await ShiftSwapService(company: company, timeZone: req.kefu.settings.timeZone)
                    .request(month: WorkforceSettings.monthText(day), requester: user.workId, day: day, peer: peer, peerDay: peerDay,
                             note: form.note ?? "", history: req.history(on: req.db))
                return .created("/workforce/me", req.redirect(to: "/workforce/me", notice: "换班申请已发给 \(peer)，对方同意后由班长审批"))
            } catch let e as KefuError {
                return .refused(try await renderMine(req, error: e))
            }
        }
    }

    func act(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("换班申请") }
        guard let action = ShiftSwapService.Action(rawValue: req.parameters.get("action") ?? "") else { throw KefuError.notFound("操作") }
        let user = try req.user()
        let isLead = action == .approve || action == .reject
        if isLead && !user.can(.workforceApprove) { throw KefuError.forbidden("只有班长可以审批换班。") }
        let tenant = try await req.tenant()
        let swap = try await tenant.require(ShiftSwapRecord.self, id, "换班申请")
        let company = try await WorkforceCompany.of(swap.companyID, in: tenant)
        do {
            try await ShiftSwapService(company: company, timeZone: req.kefu.settings.timeZone).act(id, action: action, actor: user.workId, history: req.history(on: req.db))
            return req.redirect(to: isLead ? "/workforce/swaps" : "/workforce/me", notice: "已处理换班申请")
        } catch let e as KefuError {
            return isLead ? try await renderQueue(req, error: e) : try await renderMine(req, error: e)
        }
    }

    func queue(req: Request) async throws -> Response { try await renderQueue(req, error: nil) }

    func renderQueue(_ req: Request, error: KefuError?) async throws -> Response {
        let user = try req.user()
        let tenant = try await req.tenant()
        // `?company=CODE` narrows the queue to one company; without it, every company in scope
        // with a company column when they mix.
        var picked: WorkforceCompany?
        if req.query[String.self, at: "company"] != nil { picked = try await req.workforceCompany(.read) }
        var labels = try await tenant.labels()
        if picked != nil { labels.mixed = false }
        let query = picked.map { $0.data.query(ShiftSwapRecord.self) } ?? tenant.query(ShiftSwapRecord.self)
        let records = try await query.sort(\.$createdAt, .descending).limit(100).all()
        let all = try await tenant.companies()
        var picker: WorkforceCompanyPicker?
        if let picked { picker = try await WorkforceCompanyPicker.make(picked, tenant: tenant) }
        let ctx = QueueContext(page: PageContext(req, user: user, title: "换班审批"), company: picker,
                               swaps: try records.map { try Self.row($0, viewer: user.workId, lead: true, labels: labels) }, error: error?.reason,
                               mixed: labels.mixed,
                               choices: all.count > 1 ? all.map { .init(code: $0.code, name: $0.name, selected: $0.id == picked?.id) } : [])
        let res = try await req.view.render("workforce_swaps", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }
}
