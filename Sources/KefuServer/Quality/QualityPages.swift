import Vapor
import Fluent
import KefuCore

/// The QC pages: the inspector's queue, the contact page with review and appeal, the agent's
/// own results, and the import of transcripts.
struct QualityPages {
    func register(_ routes: RoutesBuilder) {
        let review = routes.requiring(.qaReview)
        review.get("qa", use: queue)
        review.post("qa", "findings", ":id", "decide", use: decide)
        review.post("qa", "contacts", ":id", "findings", use: addFinding)
        review.post("qa", "contacts", ":id", "finish", use: finish)
        review.post("qa", "contacts", ":id", "appeal", "decide", use: decideAppeal)
        routes.requiring(.qaRead).get("qa", "contacts", ":id", use: contact)
        routes.requiring(.qaOwn).get("qa", "mine", use: mine)
        routes.requiring(.qaOwn).post("qa", "contacts", ":id", "appeal", use: appeal)
        routes.requiring(.contactImport).get("qa", "import", use: importPage)
        routes.requiring(.contactImport).on(.POST, "qa", "import", body: .collect(maxSize: "20mb"), use: importUpload)
    }

    // MARK: queue

    struct QueueSection: Encodable { var id: String; var title: String; var hint: String?; var empty: String; @NilIfEmpty var rows: [ReviewQueue.Row] }
    struct QueueContext: Encodable {
        var page: PageContext; var sections: [QueueSection]; var canImport: Bool; var canEditLexicon: Bool
        /// The company/branch filter (nil when there is one company with one branch); `mixed` adds 公司/分公司 columns.
        var tenantFilter: TenantFilterForm?; var mixed: Bool
    }

    func queue(req: Request) async throws -> View {
        let user = try req.user()
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        let filter = try await TenantFilter.resolve(req, tenant: tenant)
        let q = ReviewQueue(tenant: tenant, today: LocalDay(req.now, in: req.kefu.settings.timeZone), filter: filter, labels: labels)
        let sections = [
            QueueSection(id: "appeals", title: "待处理申诉", empty: "没有待处理的申诉。", rows: try await q.appealed()),
            QueueSection(id: "lowest", title: "低分待复核", empty: "没有待复核的通话。", rows: try await q.lowest()),
            QueueSection(id: "sample", title: "抽检：每人每班一通", hint: "近两周每位坐席每个班次随机抽取一通，该班次尚无复核记录时列出。",
                         empty: "本期抽检已全部复核。", rows: try await q.sample()),
            QueueSection(id: "reviewed", title: "最近复核", empty: "暂无。", rows: try await q.recentlyReviewed()),
        ]
        return try await req.view.render("qa_queue", QueueContext(page: PageContext(req, user: user, title: "质检复核"),
                                                                 sections: sections, canImport: user.can(.contactImport),
                                                                 canEditLexicon: user.can(.qaAdmin),
                                                                 tenantFilter: try await TenantFilterForm.make(tenant, labels: labels, filter: filter),
                                                                 mixed: labels.mixed))
    }

    // MARK: one contact

    func contactID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("通话记录") }
        return id
    }

    func contact(req: Request) async throws -> View {
        try await renderContact(req, id: try contactID(req)).0
    }

    func renderContact(_ req: Request, id: UUID, error: KefuError? = nil, draftNote: String? = nil,
                       draftReason: String? = nil) async throws -> (View, HTTPStatus) {
        let user = try req.user()
        let service = try await ContactService(req: req)
        let c = try await service.find(id)
        try service.checkAccess(c, by: user)
        let appeal = try await QAAppeal.query(on: req.db).filter(\.$contact.$id == id).first()
        var ctx = ContactPageContext(req: req, user: user, contact: c, appeal: appeal, error: error?.reason,
                                     draftNote: draftNote, draftReason: draftReason)
        let labels = try await service.tenant.labels()
        ctx.companyName = labels.companyName(c.companyID); ctx.branchName = labels.branchName(c.branchID); ctx.mixed = labels.mixed
        return (try await req.view.render("qa_contact", ctx), error?.status ?? .ok)
    }

    /// Runs a change; on a KefuError shows the contact page again with the reason and what was typed.
    /// A change that creates something names its form in `once` (one save per one-time token).
    func act(_ req: Request, contact id: UUID, notice: String, draftNote: String? = nil, draftReason: String? = nil,
             once: String? = nil, _ body: () async throws -> Void) async throws -> Response {
        let location = "/qa/contacts/\(id.uuidString)"
        func run() async throws -> OnceToken.Outcome {
            do {
                try await body()
                return .created(location, req.redirect(to: location, notice: notice))
            } catch let e as KefuError {
                let (view, status) = try await renderContact(req, id: id, error: e, draftNote: draftNote, draftReason: draftReason)
                let res = try await view.encodeResponse(for: req)
                res.status = status
                return .refused(res)
            }
        }
        guard let once else { return try await run().response }
        return try await req.once(form: once, fallback: location, run)
    }

    func decide(req: Request) async throws -> Response {
        // A finding of another company's contact does not exist here.
        guard let fid = req.parameters.get("id", as: UUID.self),
              let f = try await QAFindingRecord.find(fid, on: req.db),
              try await req.tenant().find(Contact.self, f.$contact.id) != nil else { throw KefuError.notFound("质检发现") }
        struct Form: Content { var decision: String?; var note: String? }
        let form = try req.content.decode(Form.self)
        let confirm = form.decision == "confirm"
        return try await act(req, contact: f.$contact.id, notice: confirm ? "已确认该发现" : "已驳回该发现") {
            guard form.decision == "confirm" || form.decision == "reject" else { throw KefuError.badRequest("请选择确认或驳回。") }
            try await ContactService(req: req).decide(finding: fid, confirm: confirm, note: form.note, actor: try req.user())
        }
    }

    func addFinding(req: Request) async throws -> Response {
        let id = try contactID(req)
        struct Form: Content { var rule: String?; var segment: String?; var text: String?; var note: String?; var points: String? }
        let form = try req.content.decode(Form.self)
        return try await act(req, contact: id, notice: "已添加人工发现", draftNote: form.note, once: "qa.finding:\(id.uuidString)") {
            let segment = form.segment.flatMap { Int($0) }.map { $0 - 1 }
            var points: Int?
            if let p = form.points, !p.isEmpty {
                guard let v = Int(p) else { throw KefuError.invalid([.init(field: "points", message: "扣分须为整数。")]) }
                points = v
            }
            try await ContactService(req: req).addManual(to: id, rule: form.rule ?? "", segment: segment, text: form.text,
                                                         note: form.note, points: points, actor: try req.user())
        }
    }

    func finish(req: Request) async throws -> Response {
        let id = try contactID(req)
        return try await act(req, contact: id, notice: "复核完成，最终得分已计入坐席考核") {
            try await ContactService(req: req).finishReview(id, actor: try req.user())
        }
    }

    func appeal(req: Request) async throws -> Response {
        let id = try contactID(req)
        struct Form: Content { var reason: String? }
        let form = try req.content.decode(Form.self)
        return try await act(req, contact: id, notice: "申诉已提交", draftReason: form.reason) {
            try await ContactService(req: req).appeal(id, reason: form.reason, actor: try req.user())
        }
    }

    func decideAppeal(req: Request) async throws -> Response {
        let id = try contactID(req)
        struct Form: Content { var withdraw: [String]?; var note: String? }
        let form = (try? req.content.decode(Form.self)) ?? Form()
        return try await act(req, contact: id, notice: "申诉已处理", draftNote: form.note) {
            let ids = (form.withdraw ?? []).compactMap(UUID.init(uuidString:))
            try await ContactService(req: req).decideAppeal(id, withdraw: ids, note: form.note, actor: try req.user())
        }
    }

    // MARK: the agent's own results

    struct MineContext: Encodable {
        var page: PageContext; @NilIfEmpty var rows: [ReviewQueue.Row]; var month: String; var average: String; var reviewedCount: Int
    }

    func mine(req: Request) async throws -> View {
        let user = try req.user()
        let today = LocalDay(req.now, in: req.kefu.settings.timeZone)
        let month = String(today.description.prefix(7))
        let tenant = try await req.tenant()
        let contacts = try await tenant.query(Contact.self).filter(\.$agentWorkId == user.workId)
            .sort(\.$startedAt, .descending).limit(200).all()
        let reviewed = contacts.filter { $0.finalScore != nil && $0.localDay.hasPrefix(month) }
        let scores = reviewed.compactMap(\.finalScore)
        let avg = scores.isEmpty ? "—" : String(format: "%.1f", Double(scores.reduce(0, +)) / Double(scores.count))
        let rows = try await ReviewQueue(tenant: tenant, today: today, labels: try await tenant.labels()).rows(contacts)
        return try await req.view.render("qa_mine", MineContext(page: PageContext(req, user: user, title: "我的质检"), rows: rows,
                                                               month: month, average: avg, reviewedCount: reviewed.count))
    }

    // MARK: import

    struct ImportContext: Encodable {
        struct Problem: Encodable { var line: Int; var reason: String }
        var page: PageContext; var imported: Int?; @NilIfEmpty var problems: [Problem]; var error: String?; var draft: String?
        /// Which branch the contacts go to; nil when there is only one.
        var branches: [BranchChoice]?
    }
    struct BranchChoice: Encodable { var value: String; var label: String; var selected: Bool }

    /// The branches a person may import into (the default one first selected); nil when only one.
    func branchChoices(_ req: Request, selected: String?) async throws -> [BranchChoice]? {
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        let branches = try await tenant.branches()
        guard branches.count > 1 else { return nil }
        var chosen = selected
        if chosen == nil { chosen = try? await tenant.defaultBranch().requireID().uuidString }
        return branches.compactMap { b in
            guard let id = b.id else { return nil }
            let label = labels.mixed ? "\(labels.companyName(b.$company.id))·\(b.name)（\(b.code)）" : "\(b.name)（\(b.code)）"
            return BranchChoice(value: id.uuidString, label: label, selected: id.uuidString == chosen)
        }
    }

    func importPage(req: Request) async throws -> View {
        try await req.view.render("qa_import", ImportContext(page: PageContext(req, user: try req.user(), title: "导入通话记录"),
                                                             imported: nil, problems: [], error: nil, draft: nil,
                                                             branches: try await branchChoices(req, selected: nil)))
    }

    /// Takes JSON Lines pasted or uploaded; each good line is scored and stored, each bad one
    /// is listed with its line number, and nothing good is lost because of a bad neighbour.
    func importUpload(req: Request) async throws -> Response {
        struct Form: Content { var text: String?; var file: File?; var branch: String? }
        let form = try req.content.decode(Form.self)
        let tenant = try await req.tenant()
        // The form names a branch by id (codes repeat across companies); one in scope or 404.
        var branch: Branch?
        if let raw = form.branch, !raw.isEmpty {
            guard let id = UUID(uuidString: raw) else { throw KefuError.notFound("分公司") }
            branch = try await tenant.branch(id)
        }
        var text = form.text ?? ""
        if let f = form.file, f.data.readableBytes > 0 { text = String(buffer: f.data) }
        let user = try req.user()
        var problems: [ImportContext.Problem] = []
        var badLines: [Substring] = []
        var imported = 0
        let service = try await ContactService(req: req)
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            do {
                try await service.ingest(try Transcript.parse(jsonLine: line), source: "import", branch: branch)
                imported += 1
            } catch let e as KefuError {
                problems.append(.init(line: n + 1, reason: e.reason))
                badLines.append(line)
            } catch {
                problems.append(.init(line: n + 1, reason: "格式不正确：\(error)"))
                badLines.append(line)
            }
        }
        let empty = imported == 0 && problems.isEmpty
        let ctx = ImportContext(page: PageContext(req, user: user, title: "导入通话记录"), imported: empty ? nil : imported,
                                problems: problems, error: empty ? "没有收到通话记录：请粘贴 JSON Lines 或选择文件。" : nil,
                                draft: badLines.isEmpty ? nil : String(badLines.joined(separator: "\n").prefix(200_000)),
                                branches: try await branchChoices(req, selected: form.branch))
        let res = try await req.view.render("qa_import", ctx).encodeResponse(for: req)
        res.status = empty ? .unprocessableEntity : .ok
        return res
    }
}
