import Vapor
import Fluent
import KefuCore

/// /admin/teams: the admin's page of the 班组 — create, rename, set the team lead, put agents
/// in and take them out, remove a team. A team lead's daily-figures page (R10.3) shows the
/// team kept here.
struct TeamPages {
    static let path = "/admin/teams"

    func register(_ routes: RoutesBuilder) {
        let pages = routes.grouped("admin", "teams").requiring(.adminUsers)
        pages.get(use: page)
        pages.post(use: create)
        pages.post(":id", use: update)
        pages.post(":id", "members", use: addMembers)
        pages.post(":id", "members", ":workId", "remove", use: removeMember)
        pages.post(":id", "delete", use: delete)
    }

    struct Member: Encodable { var workId: String; var name: String; var role: String }
    struct Row: Encodable {
        var id: String; var name: String; var lead: String; var leadLabel: String
        @NilIfEmpty var members: [Member]
        var count: Int
    }
    struct Person: Encodable { var workId: String; var label: String }
    struct Context: Encodable {
        var page: PageContext
        var companyCode: String
        var companyName: String
        var picker: WorkforceCompanyPicker
        @NilIfEmpty var rows: [Row]
        @NilIfEmpty var leads: [Person]
        /// Agents in no team, the likeliest to add.
        @NilIfEmpty var unassigned: [Person]
        var form: TeamDirectory.Input
        var error: String?
    }

    struct Form: Content { var company: String?; var name: String?; var lead: String?; var members: String? }

    func directory(_ req: Request, code: String?, intent: WorkforceCompany.Intent) async throws -> TeamDirectory {
        let trimmed = code?.trimmingCharacters(in: .whitespaces)
        return TeamDirectory(company: try await req.workforceCompany(intent, code: trimmed?.isEmpty == false ? trimmed : nil), now: req.now)
    }

    func page(req: Request) async throws -> Response {
        try await render(req, try await directory(req, code: req.query[String.self, at: "company"], intent: .read), form: .init(), error: nil)
    }

    func render(_ req: Request, _ d: TeamDirectory, form: TeamDirectory.Input, error: KefuError?) async throws -> Response {
        let listing = try await d.list()
        let teamNames = Dictionary(listing.compactMap { l in l.team.id.map { ($0, l.team.name) } }, uniquingKeysWith: { a, _ in a })
        let people = try await d.people()
        func label(_ u: User) -> String { "\(u.workId) \(u.name)" }
        let rows = try listing.map { l in
            Row(id: try l.team.requireID().uuidString, name: l.team.name, lead: l.lead?.workId ?? "", leadLabel: l.lead.map(label) ?? "未指定",
                members: l.members.map { Member(workId: $0.workId, name: $0.name, role: $0.roleValue.label) }, count: l.members.count)
        }
        let ctx = Context(
            page: PageContext(req, user: try req.user(), title: "班组管理"),
            companyCode: d.company.code, companyName: d.company.name,
            picker: try await WorkforceCompanyPicker.make(d.company, tenant: try await req.tenant()),
            rows: rows,
            leads: people.filter { $0.role == TeamRules.leadRole.rawValue }.map { Person(workId: $0.workId, label: label($0)) },
            unassigned: people.filter { $0.role != TeamRules.leadRole.rawValue && $0.teamID.flatMap { teamNames[$0] } == nil }
                .map { Person(workId: $0.workId, label: "\(label($0))（\($0.roleValue.label)）") },
            form: form, error: error?.reason)
        let res = try await req.view.render("teams", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    private func back(_ d: TeamDirectory) -> String { "\(Self.path)?\(d.company.query)" }

    /// Runs a change and returns to the page, or shows the page again with the reason.
    private func attempt(_ req: Request, form f: Form, _ defaultNotice: String,
                         _ body: (TeamDirectory) async throws -> String?) async throws -> Response {
        let d = try await directory(req, code: f.company, intent: .write)
        do {
            let said = try await body(d)
            return req.redirect(to: back(d), notice: said ?? defaultNotice)
        } catch let e as KefuError {
            return try await render(req, d, form: .init(name: f.name, lead: f.lead), error: e)
        }
    }

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("班组") }
        return id
    }

    func create(req: Request) async throws -> Response {
        let f = try req.content.decode(Form.self)
        let actor = try req.user().workId
        return try await attempt(req, form: f, "班组已建立") { d in
            _ = try await d.create(.init(name: f.name, lead: f.lead), by: actor)
            return nil
        }
    }

    func update(req: Request) async throws -> Response {
        let f = try req.content.decode(Form.self)
        let id = try Self.id(req), actor = try req.user().workId
        return try await attempt(req, form: f, "班组已更新") { d in
            try await d.update(id, .init(name: f.name, lead: f.lead), by: actor)
            return nil
        }
    }

    func addMembers(req: Request) async throws -> Response {
        let f = try req.content.decode(Form.self)
        let id = try Self.id(req), actor = try req.user().workId
        return try await attempt(req, form: f, "已加入班组") { d in
            let moved = try await d.add(id, workIds: f.members, by: actor)
            return moved.isEmpty ? nil : "已加入班组；" + moved.joined(separator: "、") + " 已从原班组调入"
        }
    }

    func removeMember(req: Request) async throws -> Response {
        let f = try req.content.decode(Form.self)
        let id = try Self.id(req), actor = try req.user().workId
        let workId = req.parameters.get("workId") ?? ""
        return try await attempt(req, form: f, "已移出班组") { d in
            try await d.remove(id, workId: workId, by: actor)
            return nil
        }
    }

    func delete(req: Request) async throws -> Response {
        let f = try req.content.decode(Form.self)
        let id = try Self.id(req), actor = try req.user().workId
        return try await attempt(req, form: f, "班组已删除，组员保留在系统中") { d in
            try await d.delete(id, by: actor)
            return nil
        }
    }
}
