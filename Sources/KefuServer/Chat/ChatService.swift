import Vapor
import Fluent
import KefuCore

/// The web chat's rules, shared by the customer's page and the agent's: who may write,
/// the automatic greeting, the check before an agent's line goes out, and storing the
/// finished conversation as a contact for scoring.
struct ChatService {
    let req: Request

    static let cookie = "kefu_chat"
    static let maxMessage = 2_000

    /// Opens a chat with `branch` (the branch whose page the customer came from), greeting in
    /// its company's name.
    func start(name: String?, phone: String?, branch: Branch) async throws -> (Chat, String) {
        guard let name = ContactService.trimmed(name), name.count <= Validation.maxNameLength else {
            throw KefuError.invalid([.init(field: "name", message: "请填写您的称呼（不超过 \(Validation.maxNameLength) 字）。")])
        }
        let phone = ContactService.trimmed(phone)
        if let p = phone, !Validation.isValidPhone(p) {
            throw KefuError.invalid([.init(field: "phone", message: "电话号码格式不正确。")])
        }
        let token = [UInt8].random(count: 24).base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let chat = Chat()
        chat.id = UUID(); chat.companyID = branch.$company.id; chat.branchID = try branch.requireID(); chat.tokenHash = UserToken.hash(token); chat.customerName = name; chat.customerPhone = phone
        chat.status = "waiting"; chat.startedAt = req.now
        let company = try await LanguageRules.place(companyID: chat.companyID, branchID: chat.branchID, db: req.db,
                                                    centerName: req.kefu.settings.companyName).companyName
        let now = req.now
        try await req.db.writeTransaction { tx in
            try await chat.create(on: tx)
            try await Self.message(chat.id!, speaker: "system", author: nil, text: "您好，欢迎来到\(company)在线客服，请问有什么可以帮您？",
                                   confirmed: false, at: now).create(on: tx)
        }
        return (chat, token)
    }

    static func message(_ chat: UUID, speaker: String, author: String?, text: String, confirmed: Bool, at: Date) -> ChatMessage {
        let m = ChatMessage()
        m.id = UUID(); m.$chat.id = chat; m.at = at; m.speaker = speaker; m.authorWorkId = author; m.text = text; m.confirmedWarning = confirmed
        return m
    }

    /// The customer's chat from the cookie, if it is still open. Customers have no account and
    /// so no company scope: the secret token is what names their one chat.
    func customerChat() async throws -> Chat? {
        guard let token = req.cookies[Self.cookie]?.string, !token.isEmpty else { return nil }
        return try await TenantData.system(req.db).query(Chat.self).filter(\.$tokenHash == UserToken.hash(token)).first()
    }

    /// The branch a customer's chat starts with: the one named on the branch's page (`company`
    /// and `branch` codes; the company may be left out when the branch code is unique), else
    /// the center's default branch.
    func startingBranch(company: String?, branch: String?) async throws -> Branch {
        let all = TenantData.system(req.db)
        let companyCode = company?.trimmingCharacters(in: .whitespaces) ?? ""
        let branchCode = branch?.trimmingCharacters(in: .whitespaces) ?? ""
        let companyID = companyCode.isEmpty ? nil : try await all.company(code: companyCode).requireID()
        if !branchCode.isEmpty { return try await all.branch(code: branchCode, company: companyID) }
        if let companyID, let first = try await all.branches(of: companyID).first { return first }
        return try await ContactService.centerBranch(on: req.db)
    }

    /// Now, or just after the chat's last line, so lines keep their order even when the clock
    /// stands still (tests, a simulated clock).
    func nextTime(_ chat: Chat) async throws -> Date {
        let last = try await ChatMessage.query(on: req.db).filter(\.$chat.$id == chat.id!).sort(\.$at, .descending).first()?.at
        guard let last, last >= req.now else { return req.now }
        return last.addingTimeInterval(0.01)
    }

    func checkText(_ text: String?) throws -> String {
        guard let t = ContactService.trimmed(text), t.count <= Self.maxMessage else {
            throw KefuError.invalid([.init(field: "text", message: "消息不能为空，且不超过 \(Self.maxMessage) 字。")])
        }
        return t
    }

    func customerSays(_ chat: Chat, text: String?) async throws {
        guard chat.status != "closed" else { throw KefuError.conflict("chat_closed", "本次会话已结束，如需帮助请重新发起。") }
        let t = try checkText(text)
        try await Self.message(chat.id!, speaker: "customer", author: nil, text: t, confirmed: false, at: try await nextTime(chat)).create(on: req.db)
    }

    /// A chat of a company in the agent's scope; another company's chat does not exist here.
    func chat(_ id: UUID?) async throws -> Chat {
        try await req.tenant().require(Chat.self, id, "会话")
    }

    func accept(_ chat: Chat, by user: User) async throws {
        let id = try chat.requireID(), workId = user.workId
        let tenant = try await req.tenant()
        try await req.db.writeTransaction { tx in
            guard let c = try await tenant.on(tx).find(Chat.self, id) else { throw KefuError.notFound("会话") }
            if c.status == "closed" { throw KefuError.conflict("chat_closed", "该会话已结束。") }
            if let a = c.agentWorkId, a != workId { throw KefuError.conflict("chat_taken", "该会话已由 \(a) 号接待。") }
            c.agentWorkId = workId; c.status = "open"
            try await c.save(on: tx)
        }
    }

    /// The agent's line. A forbidden phrase stops it unless the agent confirmed after the
    /// warning; the confirmation is kept with the message for QC.
    func agentSays(_ chat: Chat, text: String?, confirmed: Bool, by user: User) async throws -> QACheckResultDTO? {
        guard chat.agentWorkId == user.workId, chat.status == "open" else {
            throw KefuError.conflict("chat_not_yours", "请先接待该会话；已结束或他人接待的会话不能发送。")
        }
        let t = try checkText(text)
        // The chat's own company and branch: their additions apply, another branch's never.
        let check = try await QualityAPI.check(text: t, channel: "chat", company: chat.companyID, branch: chat.branchID, on: req)
        if check.blocked && !confirmed { return check }
        try await Self.message(chat.id!, speaker: "agent", author: user.workId, text: t, confirmed: check.blocked,
                               at: try await nextTime(chat)).create(on: req.db)
        if check.blocked {
            try await req.history().audit(action: "chat.forbidden_confirmed", objectType: "chat", objectId: chat.id!.uuidString,
                                          after: check.findings.map(\.rule).joined(separator: ","))
        }
        return nil
    }

    /// Ends the chat and stores it as a contact; returns the contact.
    func close(_ chat: Chat, by user: User) async throws -> Contact? {
        guard chat.status != "closed" else { throw KefuError.conflict("chat_closed", "该会话已结束。") }
        if let a = chat.agentWorkId, a != user.workId, !user.can(.shiftBoard) {
            throw KefuError.forbidden("只能结束自己接待的会话。")
        }
        // The contact goes to the chat's branch, so its additions score it.
        let service = try await ContactService(req: req)
        guard let branchID = chat.branchID else {
            throw KefuError.conflict("chat_without_branch", "该会话没有所属分公司，无法转为质检记录。")
        }
        let branch = try await service.tenant.branch(branchID)
        let messages = try await ChatMessage.query(on: req.db).filter(\.$chat.$id == chat.id!).sort(\.$at).all()
        chat.status = "closed"; chat.closedAt = req.now
        try await chat.save(on: req.db)
        guard messages.contains(where: { $0.speaker == "agent" }) else { return nil }
        let tz = req.kefu.settings.timeZone
        let segments: [[String: Any]] = messages.filter { $0.speaker != "system" }.map { m in
            let t = m.at.timeIntervalSince(chat.startedAt)
            return ["speaker": m.speaker, "start": t, "end": t, "text": m.text]
        }
        let object: [String: Any] = ["id": "chat-" + chat.id!.uuidString.lowercased().prefix(13), "startedAt": JSONCoding.formatISO(chat.startedAt, timeZone: tz),
                                     "channel": "chat", "agentId": chat.agentWorkId ?? user.workId, "segments": segments]
        let line = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let contact = try await service.ingest(try Transcript.parse(jsonLine: Substring(line)), source: "chat", branch: branch)
        chat.contactId = contact.id
        try await chat.save(on: req.db)
        return contact
    }

    struct MessageDTO: Content { var id: String; var at: String; var speaker: String; var text: String; var flagged: Bool }

    func messages(_ chat: Chat) async throws -> [MessageDTO] {
        let tz = req.kefu.settings.timeZone
        return try await ChatMessage.query(on: req.db).filter(\.$chat.$id == chat.id!).sort(\.$at).limit(1000).all().map {
            MessageDTO(id: $0.id!.uuidString, at: PageFormat.dateTime($0.at, tz), speaker: $0.speaker, text: $0.text, flagged: $0.confirmedWarning)
        }
    }
}
