import Vapor
import Fluent
import KefuCore

/// /shift/handovers — the shift log and its handover (R9.1): written and signed by the
/// outgoing shift lead, signed again by the incoming lead's own sign-in; the items flagged
/// for the next shift stay on the board until a lead closes them.
struct HandoverPages {
    func register(_ routes: RoutesBuilder) {
        let board = routes.grouped("shift").requiring(.shiftBoard)
        board.get("handovers", use: list)
        board.post("handovers", use: create)
        board.get("handovers", ":id", use: show)
        board.post("handovers", ":id", "sign", use: sign)
        board.post("handovers", ":id", "receive", use: receive)
        board.post("handover-items", ":id", "close", use: closeItem)
    }

    struct Row: Encodable {
        var id: String; var shiftLabel: String; var status: String; var statusLabel: String; var outgoing: String
        var incoming: String; var createdAt: String; var late: Int
    }
    struct ItemRow: Encodable {
        var id: String; var kind: String; var ref: String; var href: String?; var text: String; var open: Bool
        var closedBy: String?; var note: String?; var createdAt: String
    }
    struct ListContext: Encodable {
        var page: PageContext
        @NilIfEmpty var rows: [Row]
        var mayHandOver: Bool
        var facts: HandoverFactsView
        var form: [String: String]
        var itemRows: [Int]
        var kinds: [Choice]
        var error: String?
    }

    static func row(_ h: ShiftHandoverRecord, _ tz: TimeZone) -> Row {
        Row(id: h.id?.uuidString ?? "", shiftLabel: h.shiftLabel, status: h.status.rawValue, statusLabel: h.status.label,
            outgoing: h.outgoingWorkId, incoming: h.incomingWorkId ?? "—", createdAt: PageFormat.dateTime(h.createdAt, tz), late: h.lateArrivalMinutes ?? 0)
    }

    static func itemRow(_ i: ShiftHandoverItem, _ tz: TimeZone) -> ItemRow {
        ItemRow(id: i.id?.uuidString ?? "", kind: i.kind.label, ref: i.ref,
                href: i.kind == .order ? "/work-orders/\(i.ref)" : nil, text: i.text, open: i.status == .open,
                closedBy: i.closedBy, note: i.note, createdAt: PageFormat.dateTime(i.createdAt, tz))
    }

    func list(req: Request) async throws -> Response {
        try await renderList(req, form: [:], error: nil)
    }

    func renderList(_ req: Request, form: [String: String], error: KefuError?) async throws -> Response {
        let s = try await ShiftHandovers(req: req)
        var filled = form
        if filled["nextShiftStart"] == nil {
            filled["nextShiftStart"] = PageFormat.inputValue(s.now.addingTimeInterval(15 * 60), s.timeZone)
        }
        filled.removeValue(forKey: CSRFMiddleware.field); filled.removeValue(forKey: OnceToken.field)
        let ctx = ListContext(page: PageContext(req, user: s.user, title: "交接班"), rows: try await s.list().map { Self.row($0, s.timeZone) },
                              mayHandOver: s.mayHandOver, facts: HandoverFactsView(try await s.facts()), form: filled, itemRows: Array(0..<ShiftHandovers.itemRows),
                              kinds: ShiftHandover.ItemKind.allCases.map { Choice(value: $0.rawValue, label: $0.label) }, error: error?.reason)
        let res = try await req.view.render("handovers", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func create(req: Request) async throws -> Response {
        let s = try await ShiftHandovers(req: req)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        return try await req.once(form: "shift.handover", fallback: "/shift/handovers") {
            do {
                let h = try await s.create(form)
                let href = "/shift/handovers/\(h.id?.uuidString ?? "")"
                return .created(href, req.redirect(to: href, notice: "值班日记已保存。核对无误后签字交班，再由接班值班长当面签收。"))
            } catch let e as KefuError {
                return .refused(try await renderList(req, form: form, error: e))
            }
        }
    }

    struct ShowContext: Encodable {
        var page: PageContext
        var id: String
        var row: Row
        var log: String
        var nextShiftStart: String
        var facts: HandoverFactsView
        @NilIfEmpty var items: [ItemRow]
        var outgoingSignedAt: String?
        var incomingSignedAt: String?
        var mayHandOver: Bool
        var maySign: Bool
        var awaitingIncoming: Bool
        var arrivalRule: Int
        var error: String?
    }

    func show(req: Request) async throws -> Response {
        try await render(req, error: nil)
    }

    func render(_ req: Request, error: KefuError?) async throws -> Response {
        let s = try await ShiftHandovers(req: req)
        let h = try await s.find(req.parameters.get("id", as: UUID.self))
        let tz = s.timeZone
        let facts: HandoverFacts
        do { facts = try JSONDecoder().decode(HandoverFacts.self, from: Data(h.facts.utf8)) } catch {
            throw KefuError(.internalServerError, "stored_value_invalid", "交接班记录的系统数据无法读取。")
        }
        let rules = try await AttendanceService.rules(company: h.companyID, on: req.db).attendance
        let ctx = ShowContext(
            page: PageContext(req, user: s.user, title: "交接班：\(h.shiftLabel)"), id: h.id?.uuidString ?? "", row: Self.row(h, tz), log: h.log,
            nextShiftStart: PageFormat.dateTime(h.nextShiftStart, tz), facts: HandoverFactsView(facts), items: try await s.items(of: h).map { Self.itemRow($0, tz) },
            outgoingSignedAt: h.outgoingSignedAt.map { PageFormat.dateTime($0, tz) }, incomingSignedAt: h.incomingSignedAt.map { PageFormat.dateTime($0, tz) },
            mayHandOver: s.mayHandOver, maySign: h.status == .draft && h.outgoingWorkId == s.user.workId,
            awaitingIncoming: h.status == .handedOver, arrivalRule: rules.leadArrivalMinutes, error: error?.reason)
        let res = try await req.view.render("handover", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func sign(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("交接班记录") }
        do {
            try await ShiftHandovers(req: req).sign(id)
            return req.redirect(to: "/shift/handovers/\(id.uuidString)", notice: "已签字交班，请接班值班长当面签收。")
        } catch let e as KefuError where e.status != .notFound {
            return try await render(req, error: e)
        }
    }

    func receive(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("交接班记录") }
        struct Form: Content { var workId: String?; var password: String? }
        let form = try req.content.decode(Form.self)
        do {
            let h = try await ShiftHandovers(req: req).receive(id, workId: form.workId ?? "", password: form.password ?? "", req: req)
            let late = (h.lateArrivalMinutes ?? 0) > 0 ? "（接班迟到 \(h.lateArrivalMinutes ?? 0) 分钟，已记录）" : ""
            return req.redirect(to: "/shift/handovers/\(id.uuidString)", notice: "\(h.incomingWorkId ?? "") 号已签收接班\(late)。")
        } catch let e as KefuError where e.status != .notFound {
            return try await render(req, error: e)
        }
    }

    func closeItem(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("交接事项") }
        struct Form: Content { var note: String?; var back: String? }
        let form = try req.content.decode(Form.self)
        let back = form.back == "/shift" ? "/shift" : "/shift/handovers"
        do {
            try await ShiftHandovers(req: req).closeItem(id, note: form.note)
            return req.redirect(to: back, notice: "交接事项已处理。")
        } catch let e as KefuError where e.status != .notFound {
            return req.redirect(to: back, notice: e.reason)
        }
    }
}
