import Vapor
import Fluent
import KefuCore

/// A minimal web chat: the customer's page (public on purpose: customers have no account;
/// a secret cookie ties them to their own conversation) and the agent's chat desk, whose
/// send box checks each line against the language rules before it goes out.
struct ChatPages {
    func register(_ routes: RoutesBuilder) {
        let open = routes.publicRoutes()
        open.get("chat", use: customerPage)
        open.post("chat", "start", use: customerStart)
        open.post("chat", "send", use: customerSend)
        open.get("chat", "messages", use: customerMessages)
        let agent = routes.requiring(.chatServe)
        agent.get("chats", use: desk)
        agent.get("chats", ":id", use: desk)
        agent.get("chats", ":id", "messages", use: agentMessages)
        agent.post("chats", ":id", "accept", use: accept)
        agent.post("chats", ":id", "check", use: check)
        agent.post("chats", ":id", "send", use: send)
        agent.post("chats", ":id", "close", use: close)
    }

    // MARK: customer

    struct CustomerContext: Encodable {
        var page: PageContext; var chatOpen: Bool; var closed: Bool; var messages: [ChatService.MessageDTO]; var error: String?
        var draftName: String?; var draftPhone: String?
        /// The branch page the customer came from (`/chat?company=…&branch=…`), carried into the start form.
        var companyCode: String?; var branchCode: String?
    }

    func customerPage(req: Request) async throws -> View {
        try await renderCustomer(req, error: nil).0
    }

    func renderCustomer(_ req: Request, error: KefuError?, name: String? = nil, phone: String? = nil) async throws -> (View, HTTPStatus) {
        let service = ChatService(req: req)
        let chat = try await service.customerChat()
        var messages: [ChatService.MessageDTO] = []
        if let chat { messages = try await service.messages(chat) }
        let ctx = CustomerContext(page: PageContext(req, user: nil, title: "在线客服"), chatOpen: chat != nil && chat?.status != "closed",
                                  closed: chat?.status == "closed", messages: messages, error: error?.reason, draftName: name, draftPhone: phone,
                                  companyCode: Self.code(req, "company"), branchCode: Self.code(req, "branch"))
        return (try await req.view.render("chat_customer", ctx), error?.status ?? .ok)
    }

    /// A company or branch code from the query or the start form; only code characters are kept
    /// for redisplay (the lookup itself decides whether the code exists).
    static func code(_ req: Request, _ key: String) -> String? {
        let raw = req.query[String.self, at: key] ?? (try? req.content.get(String.self, at: key)) ?? ""
        let kept = String(raw.prefix(32).filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        return kept.isEmpty ? nil : kept
    }

    func errorResponse(_ req: Request, _ r: (View, HTTPStatus)) async throws -> Response {
        let res = try await r.0.encodeResponse(for: req)
        res.status = r.1
        return res
    }

    func customerStart(req: Request) async throws -> Response {
        struct Form: Content { var name: String?; var phone: String?; var company: String?; var branch: String? }
        let form = try req.content.decode(Form.self)
        // Anyone may start a chat, so a script could flood the agents' queue: a few per minute
        // per address, counted in the database so every process shares the count.
        let limit = req.kefu.settings.chatStartsPerMinute
        guard try await RateLimiter(db: req.db).allow("chat_start:" + req.clientAddress, limit: limit, windowSeconds: 60, now: req.limitsNow) else {
            var e = KefuError(.tooManyRequests, "rate_limited", "发起会话过于频繁，请一分钟后再试。")
            e.headers.replaceOrAdd(name: .retryAfter, value: "60")
            throw e
        }
        // A customer already in a chat (the first of a double click went through) stays in it.
        if let open = try await ChatService(req: req).customerChat(), open.status != "closed" { return req.redirect(to: "/chat") }
        return try await req.once(form: "chat.start", fallback: "/chat") {
            do {
                let service = ChatService(req: req)
                let branch = try await service.startingBranch(company: form.company, branch: form.branch)
                let (_, token) = try await service.start(name: form.name, phone: form.phone, branch: branch)
                let res = req.redirect(to: "/chat")
                res.cookies[ChatService.cookie] = HTTPCookies.Value(string: token, maxAge: 24 * 3600, path: "/chat", isHTTPOnly: true, sameSite: .lax)
                return .created("/chat", res)
            } catch let e as KefuError {
                return .refused(try await errorResponse(req, try await renderCustomer(req, error: e, name: form.name, phone: form.phone)))
            }
        }
    }

    func customerSend(req: Request) async throws -> Response {
        struct Form: Content { var text: String? }
        let form = try req.content.decode(Form.self)
        let service = ChatService(req: req)
        do {
            guard let chat = try await service.customerChat() else { throw KefuError.conflict("chat_missing", "会话不存在，请重新发起。") }
            try await service.customerSays(chat, text: form.text)
            if req.asksForJSON { return try await ["ok": true].encodeResponse(for: req) }
            return req.redirect(to: "/chat")
        } catch let e as KefuError {
            if req.asksForJSON { throw e }
            return try await errorResponse(req, try await renderCustomer(req, error: e))
        }
    }

    func customerMessages(req: Request) async throws -> [ChatService.MessageDTO] {
        let service = ChatService(req: req)
        guard let chat = try await service.customerChat() else { throw KefuError.notFound("会话") }
        return try await service.messages(chat)
    }

    // MARK: agent

    struct Row: Encodable {
        var id: String; var customer: String; var status: String; var agent: String?; var since: String; var active: Bool
        /// 公司 · 分公司 when the agent serves several companies (else the branch alone).
        var place: String
    }
    struct DeskContext: Encodable {
        var page: PageContext; @NilIfEmpty var chats: [Row]; var current: Row?; var messages: [ChatService.MessageDTO]; var mine: Bool
        var warning: QACheckResultDTO?; var draft: String?; var error: String?
    }

    func desk(req: Request) async throws -> View {
        try await renderDesk(req, id: req.parameters.get("id", as: UUID.self), warning: nil, draft: nil, error: nil).0
    }

    func renderDesk(_ req: Request, id: UUID?, warning: QACheckResultDTO?, draft: String?, error: KefuError?) async throws -> (View, HTTPStatus) {
        let user = try req.user()
        let tz = req.kefu.settings.timeZone
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        let chats = try await tenant.query(Chat.self).group(.or) { g in
            g.filter(\.$status == "waiting")
            g.group(.and) { $0.filter(\.$status == "open").filter(\.$agentWorkId == user.workId) }
        }.sort(\.$startedAt).limit(100).all()
        func row(_ c: Chat) -> Row {
            Row(id: c.id!.uuidString, customer: c.customerName, status: ["waiting": "等待接待", "open": "接待中", "closed": "已结束"][c.status] ?? c.status,
                agent: c.agentWorkId, since: PageFormat.dateTime(c.startedAt, tz), active: c.id == id,
                place: (labels.mixed ? labels.companyName(c.companyID) + " · " : "") + labels.branchName(c.branchID))
        }
        var current: Row?
        var messages: [ChatService.MessageDTO] = []
        var mine = false
        if let id {
            let c = try await ChatService(req: req).chat(id)
            current = row(c)
            messages = try await ChatService(req: req).messages(c)
            mine = c.agentWorkId == user.workId && c.status == "open"
        }
        let ctx = DeskContext(page: PageContext(req, user: user, title: "在线客服"), chats: chats.map(row), current: current,
                              messages: messages, mine: mine, warning: warning, draft: draft, error: error?.reason)
        return (try await req.view.render("chat_agent", ctx), error?.status ?? (warning != nil ? .conflict : .ok))
    }

    func agentMessages(req: Request) async throws -> [ChatService.MessageDTO] {
        let service = ChatService(req: req)
        return try await service.messages(try await service.chat(req.parameters.get("id", as: UUID.self)))
    }

    func accept(req: Request) async throws -> Response {
        let id = req.parameters.get("id", as: UUID.self)
        let service = ChatService(req: req)
        do {
            try await service.accept(try await service.chat(id), by: try req.user())
            return req.redirect(to: "/chats/\(id!.uuidString)")
        } catch let e as KefuError {
            return try await errorResponse(req, try await renderDesk(req, id: nil, warning: nil, draft: nil, error: e))
        }
    }

    /// The live check for the send box (JSON in, JSON out; the session's CSRF token travels in the body).
    func check(req: Request) async throws -> QACheckResultDTO {
        struct Input: Content { var text: String? }
        let input = try req.content.decode(Input.self)
        let chat = try await ChatService(req: req).chat(req.parameters.get("id", as: UUID.self))
        return try await QualityAPI.check(text: input.text ?? "", channel: "chat", company: chat.companyID, branch: chat.branchID, on: req)
    }

    func send(req: Request) async throws -> Response {
        struct Form: Content { var text: String?; var confirm: String? }
        let form = try req.content.decode(Form.self)
        let id = req.parameters.get("id", as: UUID.self)
        let service = ChatService(req: req)
        let wantsJSON = req.asksForJSON
        do {
            let warning = try await service.agentSays(try await service.chat(id), text: form.text,
                                                      confirmed: form.confirm == "1" || form.confirm == "true", by: try req.user())
            if let warning {
                if wantsJSON {
                    let res = try await warning.encodeResponse(for: req)
                    res.status = .conflict
                    return res
                }
                return try await errorResponse(req, try await renderDesk(req, id: id, warning: warning, draft: form.text, error: nil))
            }
            if wantsJSON { return try await ["ok": true].encodeResponse(for: req) }
            return req.redirect(to: "/chats/\(id!.uuidString)")
        } catch let e as KefuError {
            if wantsJSON { throw e }
            return try await errorResponse(req, try await renderDesk(req, id: id, warning: nil, draft: form.text, error: e))
        }
    }

    func close(req: Request) async throws -> Response {
        let id = req.parameters.get("id", as: UUID.self)
        let service = ChatService(req: req)
        do {
            let contact = try await service.close(try await service.chat(id), by: try req.user())
            let notice = contact.map { "会话已结束，自动评分 \($0.autoScore) 分" } ?? "会话已结束"
            return req.redirect(to: "/chats", notice: notice)
        } catch let e as KefuError {
            return try await errorResponse(req, try await renderDesk(req, id: id, warning: nil, draft: nil, error: e))
        }
    }
}
