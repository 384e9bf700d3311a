import Vapor
import Fluent
import KefuCore

/// /reports-up — 请示报告 (R9.4): raise a report to the level above, answer or pass on what
/// is with one's level, and see every step a report took.
struct UpwardReportPages {
    func register(_ routes: RoutesBuilder) {
        let r = routes.grouped("reports-up").requiring(.signedIn)
        r.get(use: list)
        r.post(use: create)
        r.get(":id", use: show)
        r.post(":id", "answer", use: answer)
        r.post(":id", "pass", use: pass)
    }

    struct Row: Encodable {
        var id: String; var kind: String; var title: String; var reporter: String; var level: String; var status: String
        var open: Bool; var emergency: Bool; var createdAt: String; var withMe: Bool
    }
    struct ListContext: Encodable {
        var page: PageContext
        @NilIfEmpty var rows: [Row]
        var kinds: [Choice]
        var mayReport: Bool
        var nextLevel: String
        var form: UpwardReports.Input
        var error: String?
    }

    func row(_ r: UpwardReportRecord, _ s: UpwardReports, _ tz: TimeZone) throws -> Row {
        let level = try r.currentLevel()
        return Row(id: r.id?.uuidString ?? "", kind: r.kind.label, title: r.title, reporter: r.reporterWorkId, level: level.label,
                   status: r.status.label, open: r.status == .open, emergency: r.emergency, createdAt: PageFormat.dateTime(r.createdAt, tz),
                   withMe: r.status == .open && UpwardReport.mayAct(role: s.role, at: level))
    }

    func list(req: Request) async throws -> Response {
        try await renderList(req, form: .init(), error: nil)
    }

    func renderList(_ req: Request, form: UpwardReports.Input, error: KefuError?) async throws -> Response {
        let s = try await UpwardReports(req: req)
        let tz = req.kefu.settings.timeZone
        let ctx = ListContext(page: PageContext(req, user: s.user, title: "请示报告"), rows: try await s.list().map { try row($0, s, tz) },
                              kinds: UpwardReport.Kind.allCases.map { Choice(value: $0.rawValue, label: $0.label) },
                              mayReport: UpwardReport.mayReport(s.role), nextLevel: UpwardReport.next(from: s.myLevel, emergency: false)?.to.label ?? "",
                              form: form, error: error?.reason)
        let res = try await req.view.render("reports_up", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func create(req: Request) async throws -> Response {
        let s = try await UpwardReports(req: req)
        let input = try req.content.decode(UpwardReports.Input.self)
        return try await req.once(form: "reports_up", fallback: "/reports-up") {
            do {
                let r = try await s.raise(input)
                let href = "/reports-up/\(r.id?.uuidString ?? "")"
                return .created(href, req.redirect(to: href, notice: "已报\(try r.currentLevel().label)，答复后会通知您。"))
            } catch let e as KefuError {
                return .refused(try await renderList(req, form: input, error: e))
            }
        }
    }

    struct StepRow: Encodable { var at: String; var by: String; var action: String; var detail: String? }
    struct ShowContext: Encodable {
        var page: PageContext
        var id: String
        var row: Row
        var text: String
        var answer: String?
        var answeredBy: String?
        var steps: [StepRow]
        var mayAct: Bool
        var mayPass: Bool
        var error: String?
    }

    func show(req: Request) async throws -> Response {
        try await render(req, error: nil)
    }

    func render(_ req: Request, error: KefuError?) async throws -> Response {
        let s = try await UpwardReports(req: req)
        let (r, steps) = try await s.find(req.parameters.get("id", as: UUID.self))
        let tz = req.kefu.settings.timeZone
        let level = try r.currentLevel()
        func name(_ raw: Int?) -> String? { raw.flatMap(UpwardReport.Level.init(rawValue:))?.label }
        let ctx = ShowContext(
            page: PageContext(req, user: s.user, title: "请示报告：\(r.title)"), id: r.id?.uuidString ?? "", row: try row(r, s, tz), text: r.text,
            answer: r.answer, answeredBy: r.answeredBy,
            steps: steps.map { st in
                let detail = [name(st.toLevel).map { "报\($0)" }, name(st.skippedLevel).map { "越过\($0)（事后告知）" }, st.note].compactMap { $0 }.joined(separator: "；")
                return StepRow(at: PageFormat.dateTime(st.at, tz), by: st.byWorkId, action: st.action.label, detail: detail.isEmpty ? nil : detail)
            },
            mayAct: r.status == .open && UpwardReport.mayAct(role: s.role, at: level),
            mayPass: UpwardReport.next(from: level, emergency: false) != nil, error: error?.reason)
        let res = try await req.view.render("report_up", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    struct ActForm: Content { var note: String?; var emergency: String? }

    func answer(req: Request) async throws -> Response { try await act(req, answer: true) }
    func pass(req: Request) async throws -> Response { try await act(req, answer: false) }

    func act(_ req: Request, answer: Bool) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("请示报告") }
        let form = try req.content.decode(ActForm.self)
        do {
            try await UpwardReports(req: req).act(id, answer: answer, note: form.note, emergency: ["1", "on", "true"].contains(form.emergency ?? ""))
            return req.redirect(to: "/reports-up/\(id.uuidString)", notice: answer ? "已答复。" : "已继续上报。")
        } catch let e as KefuError where e.status != .notFound {
            return try await render(req, error: e)
        }
    }
}
