import Vapor
import Fluent
import KefuCore

/// Canned replies (R6.3): `/api/v1/canned-replies`, the page `/canned-replies`, and
/// `/chats/{id}/replies`, the chat box's `/` picker with the variables filled in for that chat.
struct CannedReplyRoutes {
    func register(api: RoutesBuilder, pages: RoutesBuilder) {
        let a = api.grouped("canned-replies").requiring(.cannedReplies)
        a.get(use: apiList)
        a.idempotent().post(use: apiCreate)
        a.put(":id", use: apiUpdate)
        a.delete(":id", use: apiDelete)
        let p = pages.grouped("canned-replies").requiring(.cannedReplies)
        p.get(use: page)
        p.post(use: pageCreate)
        p.post(":id", use: pageUpdate)
        p.post(":id", "delete", use: pageDelete)
        pages.requiring(.chatServe).get("chats", ":id", "replies", use: picker)
    }

    struct ListDTO: Content { var items: [CannedReplies.DTO] }

    func apiList(req: Request) async throws -> ListDTO {
        let service = try await CannedReplies(req: req)
        return ListDTO(items: try await service.list().map(service.dto))
    }

    func apiCreate(req: Request) async throws -> Response {
        let service = try await CannedReplies(req: req)
        let r = try await service.save(try req.content.decode(CannedReplies.Input.self), req: req)
        let res = Response(status: .created)
        try res.content.encode(try service.dto(r))
        return res
    }

    func apiUpdate(req: Request) async throws -> CannedReplies.DTO {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("快捷回复") }
        let service = try await CannedReplies(req: req)
        return try service.dto(try await service.save(try req.content.decode(CannedReplies.Input.self), id: id, req: req))
    }

    func apiDelete(req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("快捷回复") }
        try await CannedReplies(req: req).delete(id)
        return .noContent
    }

    // MARK: the chat box

    struct PickerItem: Content { var shortcut: String; var title: String; var text: String; var shared: Bool }

    /// The replies for one chat, filled in: the customer's name, the agent's work ID and
    /// today's greeting (the lexicon's festival calendar, R2.1/R2.2).
    func picker(req: Request) async throws -> [PickerItem] {
        let chat = try await ChatService(req: req).chat(req.parameters.get("id", as: UUID.self))
        guard let service = try? await CannedReplies(req: req), service.user.can(.cannedReplies) else { return [] }
        let tz = req.kefu.settings.timeZone
        let calendar = try await LanguageRules.festivalCalendar(on: req.db)
        let greeting = calendar.greeting(on: LocalDay(req.now, in: tz))
        return try await service.list(company: chat.companyID).map { r in
            PickerItem(shortcut: r.shortcut, title: r.title,
                       text: CannedReply.expand(r.text, customerName: chat.customerName, workId: service.user.workId, greeting: greeting),
                       shared: r.isShared)
        }
    }

    // MARK: the page

    struct Row: Encodable { var id: String; var shortcut: String; var title: String; var text: String; var shared: Bool; var mayEdit: Bool; var updatedAt: String }
    struct Form: Content { var shortcut: String?; var title: String?; var text: String?; var shared: String? }
    struct Context: Encodable {
        var page: PageContext
        var rows: [Row]
        var form: Form
        var editing: String?
        var mayShare: Bool
        var variables: [String]
        var error: String?
        /// The refused text with the forbidden phrases marked.
        var marked: [ContactPageContext.Piece]?
    }

    func page(req: Request) async throws -> Response {
        let service = try await CannedReplies(req: req)
        var form = Form()
        var editing: String?
        if let raw = req.query[String.self, at: "edit"], let id = UUID(uuidString: raw), let r = try? await service.mine(id) {
            form = Form(shortcut: r.shortcut, title: r.title, text: r.text, shared: r.isShared ? "1" : nil)
            editing = raw
        }
        return try await render(req, service, form: form, editing: editing, error: nil)
    }

    func render(_ req: Request, _ service: CannedReplies, form: Form, editing: String?, error: KefuError?) async throws -> Response {
        let tz = req.kefu.settings.timeZone
        var marked: [ContactPageContext.Piece]?
        if error?.code == "forbidden_phrase", let text = form.text {
            // Where in the text as typed: the check's own spans, marked as the QC pages mark them.
            let found = try await QualityAPI.check(text: text, channel: "chat", company: service.user.companyID,
                                                   branch: service.user.branchID, on: req).findings.filter(\.blocking)
            marked = ContactPageContext.pieces(text, marks: found.map { ($0.rule, $0.start, $0.end) })
        }
        let ctx = Context(
            page: PageContext(req, user: service.user, title: "快捷回复"),
            rows: try await service.list().map { r in
                Row(id: try r.requireID().uuidString, shortcut: r.shortcut, title: r.title, text: r.text, shared: r.isShared,
                    mayEdit: !r.isShared || CannedReply.mayKeepShared(service.role), updatedAt: PageFormat.dateTime(r.updatedAt, tz))
            },
            form: form, editing: editing, mayShare: CannedReply.mayKeepShared(service.role),
            variables: CannedReply.Variable.allCases.map(\.token), error: error?.reason, marked: marked)
        let res = try await req.view.render("canned_replies", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func input(_ f: Form) -> CannedReplies.Input {
        CannedReplies.Input(shortcut: f.shortcut, title: f.title, text: f.text, shared: f.shared == "1")
    }

    func pageCreate(req: Request) async throws -> Response {
        let f = try req.content.decode(Form.self)
        let service = try await CannedReplies(req: req)
        do {
            let r = try await service.save(input(f), req: req)
            return req.redirect(to: "/canned-replies", notice: "快捷回复 /\(r.shortcut) 已保存。")
        } catch let e as KefuError {
            return try await render(req, service, form: f, editing: nil, error: e)
        }
    }

    func pageUpdate(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("快捷回复") }
        let f = try req.content.decode(Form.self)
        let service = try await CannedReplies(req: req)
        do {
            let r = try await service.save(input(f), id: id, req: req)
            return req.redirect(to: "/canned-replies", notice: "快捷回复 /\(r.shortcut) 已保存。")
        } catch let e as KefuError {
            return try await render(req, service, form: f, editing: id.uuidString, error: e)
        }
    }

    func pageDelete(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("快捷回复") }
        let service = try await CannedReplies(req: req)
        try await service.delete(id)
        return req.redirect(to: "/canned-replies", notice: "快捷回复已删除。")
    }
}
