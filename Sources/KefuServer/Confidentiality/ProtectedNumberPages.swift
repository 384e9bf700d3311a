import Vapor
import Fluent
import KefuCore

/// /admin/protected-numbers (R5.6): the admin's page of the directory — add, remove, and
/// a reminder of what the QA does with it.
struct ProtectedNumberPages {
    static let path = "/admin/protected-numbers"

    func register(_ routes: RoutesBuilder) {
        let pages = routes.grouped("admin", "protected-numbers").requiring(.protectedNumbers)
        pages.get(use: page)
        pages.post(use: add)
        pages.post(":id", "delete", use: remove)
    }

    struct Row: Encodable { var id: String; var number: String; var holder: String; var note: String; var createdBy: String; var createdAt: String }
    struct Context: Encodable {
        var page: PageContext
        var companyCode: String
        var companyName: String
        var picker: WorkforceCompanyPicker
        @NilIfEmpty var rows: [Row]
        var form: ProtectedNumberDirectory.Input
        var error: String?
    }

    struct Form: Content { var company: String?; var number: String?; var holder: String?; var note: String? }

    func directory(_ req: Request, code: String?) async throws -> ProtectedNumberDirectory {
        let trimmed = code?.trimmingCharacters(in: .whitespaces)
        return ProtectedNumberDirectory(company: try await req.workforceCompany(.write, code: trimmed?.isEmpty == false ? trimmed : nil), now: req.now)
    }

    func page(req: Request) async throws -> Response {
        try await render(req, try await directory(req, code: req.query[String.self, at: "company"]), form: .init(), error: nil)
    }

    func render(_ req: Request, _ d: ProtectedNumberDirectory, form: ProtectedNumberDirectory.Input, error: KefuError?) async throws -> Response {
        let tz = req.kefu.settings.timeZone
        let ctx = Context(
            page: PageContext(req, user: try req.user(), title: "受保护号码"),
            companyCode: d.company.code, companyName: d.company.name,
            picker: try await WorkforceCompanyPicker.make(d.company, tenant: try await req.tenant()),
            rows: try await d.list().map { p in
                Row(id: try p.requireID().uuidString, number: p.number, holder: p.holder, note: p.note ?? "", createdBy: p.createdBy,
                    createdAt: PageFormat.dateTime(p.createdAt, tz))
            },
            form: form, error: error?.reason)
        let res = try await req.view.render("protected_numbers", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    func add(req: Request) async throws -> Response {
        let f = try req.content.decode(Form.self)
        let d = try await directory(req, code: f.company)
        let input = ProtectedNumberDirectory.Input(number: f.number, holder: f.holder, note: f.note)
        do {
            _ = try await d.add(input, by: try req.user().workId)
            return req.redirect(to: "\(Self.path)?\(d.company.query)", notice: "已加入受保护号码名录")
        } catch let e as KefuError {
            return try await render(req, d, form: input, error: e)
        }
    }

    func remove(req: Request) async throws -> Response {
        struct Form: Content { var company: String? }
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("受保护号码") }
        let d = try await directory(req, code: try req.content.decode(Form.self).company)
        try await d.remove(id, by: try req.user().workId)
        return req.redirect(to: "\(Self.path)?\(d.company.query)", notice: "已从名录中移除")
    }
}
