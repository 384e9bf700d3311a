import Vapor
import Fluent
import KefuCore

/// The visit pages (R8.1, R8.2): booking a slot from an order (/work-orders/:id/visit), the
/// front line's day and reconfirmation list (/visits), the technician's phone page
/// (/visits/today), one visit with its steps and the customer's signature (/visits/:id), the
/// technicians' profiles (/visits/technicians) and their figures (/reports/visits).
struct VisitPages {
    func register(_ routes: RoutesBuilder) {
        let book = routes.requiring(.visitBook)
        book.get("work-orders", ":id", "visit", use: bookPage)
        book.post("work-orders", ":id", "visit", use: bookSubmit)
        book.get("visits", use: list)
        routes.grouped("visits").requiring(.visitServe).get("today", use: today)
        let plan = routes.grouped("visits", "technicians").requiring(.visitPlan)
        plan.get(use: technicians)
        plan.post(":workId", use: saveTechnician)
        // Either side of a visit; `VisitDesk` answers 404 to anyone else and KefuCore decides
        // who may take which step.
        let either = routes.grouped("visits").requiring(.signedIn)
        either.get(":id", use: show)
        either.post(":id", "act", use: act)
        // The same image the API serves, under a name the browser shows as a picture.
        either.get(":id", "signature.png", use: VisitAPI().signature)
        routes.grouped("reports").requiring(.reportsRead).get("visits", use: report)
    }

    struct VisitRow: Encodable {
        var id: String; var orderId: String; var orderNumber: String; var technician: String; var window: String
        var status: String; var statusKey: String; var open: Bool; var address: String; var bring: String?
        var late: Bool; var lateBreach: Bool; var repeatVisit: Bool; var confirmed: Bool
    }

    static func row(_ v: FieldVisit, _ tz: TimeZone, names: [String: String] = [:]) -> VisitRow {
        VisitRow(id: v.id?.uuidString ?? "", orderId: v.workOrderID.uuidString, orderNumber: v.orderNumber,
                 technician: names[v.technicianWorkId].map { "\(v.technicianWorkId) \($0)" } ?? v.technicianWorkId,
                 window: "\(PageFormat.dateTime(v.slotStart, tz))–\(PageFormat.dateTime(v.slotEnd, tz).suffix(5))",
                 status: v.status.label, statusKey: v.status.rawValue, open: v.status.isOpen, address: v.address, bring: v.bring.isEmpty ? nil : v.bring,
                 late: v.lateNoticeAt != nil, lateBreach: v.lateNoticeInTime == false, repeatVisit: v.repeatVisit, confirmed: v.confirmedAt != nil)
    }

    static func names(_ desk: VisitDesk) async throws -> [String: String] {
        Dictionary(try await desk.technicians().map { ($0.user.workId, $0.user.name) }, uniquingKeysWith: { a, _ in a })
    }

    static func page(_ req: Request, _ name: String, _ ctx: some Encodable, error: KefuError?) async throws -> Response {
        let res = try await req.view.render(name, ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    // MARK: booking

    struct SlotChoice: Encodable { var value: String; var label: String; var technician: String }
    struct BookContext: Encodable {
        var page: PageContext
        var orderId: String; var orderNumber: String; var subject: String; var address: String; var area: String
        var day: String; var skill: String
        @NilIfEmpty var skills: [Choice]
        @NilIfEmpty var slots: [SlotChoice]
        @NilIfEmpty var visits: [VisitRow]
        var bring: String
        var noTechnicians: Bool
        var error: String?
    }

    struct BookForm: Content { var slot: String?; var bring: String?; var skill: String?; var day: String? }

    func bookPage(req: Request) async throws -> Response {
        try await renderBook(req, day: req.query[String.self, at: "day"], skill: req.query[String.self, at: "skill"], form: BookForm(), error: nil)
    }

    func renderBook(_ req: Request, day rawDay: String?, skill rawSkill: String?, form: BookForm, error: KefuError?) async throws -> Response {
        let desk = try await VisitDesk.of(req)
        let order = try await desk.bookableOrder(req.parameters.get("id"), inBody: false)
        let tz = desk.timeZone
        // Tomorrow by default: the day before is when visits are usually booked and reconfirmed.
        let day = rawDay.flatMap { LocalDay($0) } ?? LocalDay(desk.now, in: tz).adding(days: 1)
        let skills = try await desk.skills(company: order.companyID)
        let skill = rawSkill.flatMap { skills.contains($0) ? $0 : nil }
        let names = try await Self.names(desk)
        let slots = try await desk.slots(order: order, day: day, skill: skill)
        let ctx = BookContext(
            page: PageContext(req, user: desk.user, title: "预约上门 · \(order.number)"),
            orderId: try order.requireID().uuidString, orderNumber: order.number, subject: order.subject,
            address: order.address?.singleLine ?? "", area: VisitDesk.area(of: order) ?? "",
            day: day.description, skill: skill ?? "",
            skills: skills.map { Choice(value: $0, label: $0) },
            slots: slots.flatMap { s in
                s.technicians.map { t in
                    SlotChoice(value: "\(JSONCoding.formatISO(s.start, timeZone: tz))|\(t)",
                               label: "\(PageFormat.dateTime(s.start, tz).suffix(5))–\(PageFormat.dateTime(s.end, tz).suffix(5))",
                               technician: names[t].map { "\(t) \($0)" } ?? t)
                }
            },
            visits: try await desk.visits(of: order).map { Self.row($0, tz, names: names) },
            bring: form.bring ?? "", noTechnicians: try await desk.bookable(company: order.companyID).isEmpty, error: error?.reason)
        return try await Self.page(req, "visit_book", ctx, error: error)
    }

    func bookSubmit(req: Request) async throws -> Response {
        let f = try req.content.decode(BookForm.self)
        let id = req.parameters.get("id") ?? ""
        let back = "/work-orders/\(id)"
        _ = try await VisitDesk.of(req).bookableOrder(id, inBody: false)
        return try await req.once(form: "visit.book", fallback: back) {
            do {
                let parts = (f.slot ?? "").split(separator: "|", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw KefuError.invalid([.init(field: "slot", message: "请选择一个上门时段")]) }
                let v = try await VisitDesk.of(req).book(.init(workOrderId: id, slotStart: parts[0], technicianWorkId: parts[1],
                                                               skill: f.skill.flatMap { $0.isEmpty ? nil : $0 }, bring: f.bring))
                let when = PageFormat.dateTime(v.slotStart, req.kefu.settings.timeZone)
                return .created(back, req.redirect(to: back, notice: "已预约 \(when) 上门（工程师 \(v.technicianWorkId)），前一天将提醒您与客户确认。"))
            } catch let e as KefuError {
                return .refused(try await renderBook(req, day: f.day, skill: f.skill, form: f, error: e))
            }
        }
    }

    // MARK: the front line's list

    struct ListContext: Encodable {
        var page: PageContext
        var day: String
        @NilIfEmpty var due: [VisitRow]
        @NilIfEmpty var visits: [VisitRow]
        var mayPlan: Bool
        var mayReport: Bool
    }

    func list(req: Request) async throws -> Response {
        let desk = try await VisitDesk.of(req)
        let day = req.query[String.self, at: "day"].flatMap { LocalDay($0) } ?? LocalDay(desk.now, in: desk.timeZone)
        let names = try await Self.names(desk)
        let ctx = ListContext(page: PageContext(req, user: desk.user, title: "上门预约"), day: day.description,
                              due: try await desk.reconfirmDue().map { Self.row($0, desk.timeZone, names: names) },
                              visits: try await desk.day(day).map { Self.row($0, desk.timeZone, names: names) },
                              mayPlan: desk.user.can(.visitPlan), mayReport: desk.user.can(.reportsRead))
        return try await Self.page(req, "visits", ctx, error: nil)
    }

    // MARK: the technician's day

    struct TodayContext: Encodable {
        var page: PageContext
        var day: String
        var isToday: Bool
        @NilIfEmpty var visits: [VisitRow]
        var prev: String
        var next: String
    }

    func today(req: Request) async throws -> Response {
        let desk = try await VisitDesk.of(req)
        let todayDay = LocalDay(desk.now, in: desk.timeZone)
        let day = req.query[String.self, at: "day"].flatMap { LocalDay($0) } ?? todayDay
        let ctx = TodayContext(page: PageContext(req, user: desk.user, title: "今日上门"), day: day.description, isToday: day == todayDay,
                               visits: try await desk.route(of: desk.actor, day: day).map { Self.row($0, desk.timeZone) },
                               prev: day.adding(days: -1).description, next: day.adding(days: 1).description)
        return try await Self.page(req, "visits_today", ctx, error: nil)
    }

    // MARK: one visit

    struct VisitContext: Encodable {
        var page: PageContext
        var visit: VisitRow
        var subject: String
        var description: String
        var customerName: String
        var customerPhone: String
        var mapLink: String
        var bookedStart: String
        var bookedBy: String
        var reconfirmDue: String
        var confirmedAt: String?
        var confirmNote: String?
        var onTheWayAt: String?
        var lateNoticeAt: String?
        var lateReason: String?
        var finishedAt: String?
        var result: String?
        var fallbackPlan: String?
        var doorNote: String?
        var cancelReason: String?
        var previousId: String?
        var nextId: String?
        var signed: Bool
        var mayServe: Bool
        var mayOnTheWay: Bool
        var mayReconfirm: Bool
        var mayCancel: Bool
        var mayOrder: Bool
        @NilIfEmpty var nextSlots: [SlotChoice]
        var lateDefault: String
        var form: [String: String]
        var error: String?
    }

    func show(req: Request) async throws -> Response {
        try await renderVisit(req, id: req.parameters.get("id", as: UUID.self), form: [:], error: nil)
    }

    func renderVisit(_ req: Request, id: UUID?, form: [String: String], error: KefuError?) async throws -> Response {
        let desk = try await VisitDesk.of(req)
        let v = try await desk.visit(id)
        let tz = desk.timeZone
        let order = try await desk.tenant.find(WorkOrder.self, v.workOrderID)
        var customer: Customer?
        if let order { customer = try await desk.tenant.find(Customer.self, order.$customer.id) }
        let role = desk.user.roleValue
        func may(_ a: VisitAction) -> Bool {
            VisitRules.mayAct(a, role: role, workId: desk.actor, technicianWorkId: v.technicianWorkId) && VisitRules.allows(a, from: v.status)
        }
        // The technician's next free windows, for booking the next visit when nobody is home.
        var nextSlots: [SlotChoice] = []
        if may(.noOneHome), let order, let tech = try await desk.bookable(company: v.companyID).first(where: { $0.workId == v.technicianWorkId }) {
            let today = LocalDay(desk.now, in: tz)
            let start = today.start(in: tz)
            let booked = try await desk.booked([tech.workId], from: start, to: start.addingTimeInterval(8 * 86400))
            for offset in 0..<7 where nextSlots.count < 12 {
                for s in VisitRules.slots(day: today.adding(days: offset), timeZone: tz, technicians: [tech], booked: booked,
                                          skill: nil, area: VisitDesk.area(of: order) ?? v.area, now: desk.now) where nextSlots.count < 12 {
                    nextSlots.append(SlotChoice(value: JSONCoding.formatISO(s.start, timeZone: tz),
                                                label: "\(PageFormat.dateTime(s.start, tz))–\(PageFormat.dateTime(s.end, tz).suffix(5))", technician: tech.workId))
                }
            }
        }
        // The technician sees who to call and where to go for their own open visit; the front
        // line sees the masked number (they have the order for the rest).
        let own = v.technicianWorkId == desk.actor
        let phone = customer.map { own && v.status.isOpen ? $0.phone : Masking.phone($0.phone) } ?? ""
        let ctx = VisitContext(
            page: PageContext(req, user: desk.user, title: "上门 · \(v.orderNumber)"),
            visit: Self.row(v, tz, names: try await Self.names(desk)),
            subject: order?.subject ?? "", description: order?.description ?? "",
            customerName: customer?.name ?? "", customerPhone: phone,
            mapLink: "https://uri.amap.com/search?keyword=" + (v.address.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
            bookedStart: PageFormat.dateTime(v.bookedStart, tz), bookedBy: v.bookedBy, reconfirmDue: PageFormat.dateTime(v.reconfirmDueAt, tz),
            confirmedAt: v.confirmedAt.map { PageFormat.dateTime($0, tz) }, confirmNote: v.confirmNote,
            onTheWayAt: v.onTheWayAt.map { PageFormat.dateTime($0, tz) }, lateNoticeAt: v.lateNoticeAt.map { PageFormat.dateTime($0, tz) },
            lateReason: v.lateReason, finishedAt: v.finishedAt.map { PageFormat.dateTime($0, tz) }, result: v.result,
            fallbackPlan: v.fallbackPlan, doorNote: v.doorNote, cancelReason: v.cancelReason,
            previousId: v.previousVisitID?.uuidString, nextId: v.nextVisitID?.uuidString, signed: v.signed,
            mayServe: may(.complete), mayOnTheWay: may(.onTheWay), mayReconfirm: may(.reconfirm), mayCancel: may(.cancel),
            mayOrder: desk.user.can(.workOrderRead), nextSlots: nextSlots,
            lateDefault: PageFormat.inputValue(v.slotStart.addingTimeInterval(1800), tz), form: form, error: error?.reason)
        return try await Self.page(req, "visit", ctx, error: error)
    }

    struct ActForm: Content {
        var action: String?; var newTime: String?; var reason: String?; var note: String?; var nextSlotStart: String?
        var result: String?; var signature: String?; var apologized: String?; var fallbackPlan: String?
    }

    func act(req: Request) async throws -> Response {
        let id = req.parameters.get("id", as: UUID.self)
        let f = try req.content.decode(ActForm.self)
        let back = "/visits/\(id?.uuidString ?? "")"
        return try await req.once(form: "visit.act", fallback: back) {
            do {
                guard let action = VisitAction(rawValue: f.action ?? "") else { throw KefuError.invalid([.init(field: "action", message: "未知操作")]) }
                let desk = try await VisitDesk.of(req)
                let v = try await desk.act(id, action, .init(
                    newTime: f.newTime, reason: f.reason, note: f.note, nextSlotStart: f.nextSlotStart, nextTechnicianWorkId: nil,
                    result: f.result, signature: f.signature, apologized: f.apologized == "on" || f.apologized == "true",
                    fallbackPlan: f.fallbackPlan))
                // The technician goes back to their day; the front line to the visit list.
                let to = action == .reconfirm || action == .cancel ? "/visits" : (desk.user.can(.visitServe) && v.technicianWorkId == desk.actor ? "/visits/today" : back)
                return .created(to, req.redirect(to: to, notice: "\(v.orderNumber)：\(VisitDesk.label(action))已登记（\(v.status.label)）。"))
            } catch let e as KefuError {
                var form: [String: String] = [:]
                form["action"] = f.action; form["newTime"] = f.newTime; form["reason"] = f.reason; form["note"] = f.note
                form["result"] = f.result; form["fallbackPlan"] = f.fallbackPlan
                return .refused(try await renderVisit(req, id: id, form: form, error: e))
            }
        }
    }

    // MARK: technicians

    struct TechnicianRow: Encodable {
        var workId: String; var name: String; var skills: String; var areas: String; var hours: String
        var days: [Choice]; var checked: [String]; var missing: Bool
    }
    struct TechniciansContext: Encodable {
        var page: PageContext
        @NilIfEmpty var technicians: [TechnicianRow]
        var error: String?
    }

    func technicians(req: Request) async throws -> Response {
        try await renderTechnicians(req, error: nil)
    }

    func renderTechnicians(_ req: Request, error: KefuError?) async throws -> Response {
        let desk = try await VisitDesk.of(req)
        let rows = try await desk.technicians().map { t in
            let days = t.profile?.weekdaySet ?? [1, 2, 3, 4, 5]
            return TechnicianRow(workId: t.user.workId, name: t.user.name, skills: VisitRules.words(t.profile?.skills).joined(separator: "、"),
                                 areas: VisitRules.words(t.profile?.areas).joined(separator: "、"), hours: t.profile?.hours ?? "08:30-17:30",
                                 days: (1...7).map { Choice(value: String($0), label: "周" + ForecastView.weekdays[$0]) },
                                 checked: days.sorted().map(String.init), missing: t.profile == nil)
        }
        return try await Self.page(req, "technicians", TechniciansContext(page: PageContext(req, user: desk.user, title: "上门工程师"),
                                                                          technicians: rows, error: error?.reason), error: error)
    }

    func saveTechnician(req: Request) async throws -> Response {
        struct Form: Content { var skills: String?; var areas: String?; var hours: String?; var weekdays: [String]? }
        let f = try req.content.decode(Form.self)
        let workId = req.parameters.get("workId") ?? ""
        do {
            _ = try await VisitDesk.of(req).saveProfile(workId: workId, .init(skills: f.skills, areas: f.areas, hours: f.hours,
                                                                               weekdays: (f.weekdays ?? []).compactMap { Int($0) }))
        } catch let e as KefuError {
            return try await renderTechnicians(req, error: KefuError(e.status, e.code, "\(workId)：\(e.reason)", fields: e.fields))
        }
        return req.redirect(to: "/visits/technicians", notice: "\(workId) 的资料已保存。")
    }

    // MARK: figures

    struct ReportRow: Encodable { var who: String; var f: VisitReport.FiguresDTO }
    struct ReportContext: Encodable {
        var page: PageContext
        var from: String; var to: String
        @NilIfEmpty var rows: [ReportRow]
        var total: VisitReport.FiguresDTO
        var error: String?
    }

    func report(req: Request) async throws -> Response {
        let tz = req.kefu.settings.timeZone
        let (from, to) = PeriodQuery.page(req)
        var error: KefuError?
        var rows: [ReportRow] = []
        var total = VisitReport.FiguresDTO(VisitFigures())
        do {
            let r = try await VisitReport(tenant: try await req.tenant(), timeZone: tz).figures(try PeriodQuery.range(from: from, to: to))
            rows = r.rows.map { ReportRow(who: "\($0.workId) \($0.name)", f: .init($0.figures)) }
            total = .init(r.total)
        } catch let e as KefuError { error = e }
        return try await Self.page(req, "visit_report", ReportContext(page: PageContext(req, user: try req.user(), title: "上门统计"),
                                                                      from: from, to: to, rows: rows, total: total, error: error?.reason), error: error)
    }
}
