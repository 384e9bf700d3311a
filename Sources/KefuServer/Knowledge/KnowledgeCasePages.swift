import Vapor
import Fluent
import KefuCore

/// /kb/cases — the case library (R6.2): everyone reads; leads, complaint handlers and the
/// knowledge editor write cases up from work orders, add photos and further orders.
struct KnowledgeCasePages {
    func register(_ routes: RoutesBuilder) {
        let read = routes.grouped("kb", "cases").requiring(.signedIn)
        read.get(use: list)
        read.get(":id", use: show)
        let write = routes.grouped("kb", "cases").requiring(.caseWrite)
        write.get("new", use: newForm)
        write.post(use: create)
        write.get(":id", "edit", use: editForm)
        write.post(":id", use: update)
        write.on(.POST, ":id", "photos", body: .collect(maxSize: KnowledgeImages.bodyLimit), use: addPhoto)
        write.post(":id", "orders", use: link)
    }

    struct Row: Encodable { var id: String; var title: String; var department: String; var lesson: String; var updatedAt: String }
    struct ListContext: Encodable {
        var page: PageContext
        @NilIfEmpty var rows: [Row]
        var mayWrite: Bool
        var departments: [Choice]
        var department: String
    }

    func departmentNames(_ cases: KnowledgeCases) async throws -> [UUID: String] {
        Dictionary(try await cases.tenant.query(Department.self).all().compactMap { d in d.id.map { ($0, d.name) } }, uniquingKeysWith: { a, _ in a })
    }

    func list(req: Request) async throws -> View {
        let cases = try await KnowledgeCases(req: req)
        let department = req.query[String.self, at: "department"] ?? ""
        let names = try await departmentNames(cases)
        let tz = req.kefu.settings.timeZone
        let rows = try await cases.list(department: UUID(uuidString: department)).map { c in
            Row(id: c.id?.uuidString ?? "", title: c.title, department: c.departmentID.flatMap { names[$0] } ?? "—",
                lesson: String(c.lesson.prefix(60)), updatedAt: PageFormat.dateTime(c.updatedAt, tz))
        }
        return try await req.view.render("kb_cases", ListContext(
            page: PageContext(req, user: cases.user, title: "案例库"), rows: rows, mayWrite: cases.mayWrite,
            departments: names.sorted { $0.value < $1.value }.map { Choice(value: $0.key.uuidString, label: $0.value) }, department: department))
    }

    struct Photo: Encodable { var id: String; var alt: String }
    struct OrderLink: Encodable { var id: String; var number: String; var subject: String; var status: String }
    struct ShowContext: Encodable {
        var page: PageContext
        var id: String
        var title: String
        var problem: String
        var cause: String
        var department: String
        var lesson: String
        var createdBy: String
        var createdAt: String
        var updatedAt: String
        @NilIfEmpty var photos: [Photo]
        @NilIfEmpty var orders: [OrderLink]
        var mayWrite: Bool
        var error: String?
    }

    func show(req: Request) async throws -> Response {
        try await render(req, error: nil)
    }

    func render(_ req: Request, error: KefuError?) async throws -> Response {
        let cases = try await KnowledgeCases(req: req)
        let c = try await cases.find(req.parameters.get("id", as: UUID.self))
        let tz = req.kefu.settings.timeZone
        var department: String?
        if let d = c.departmentID { department = try await cases.tenant.find(Department.self, d)?.name }
        let ctx = ShowContext(
            page: PageContext(req, user: cases.user, title: c.title), id: c.id?.uuidString ?? "", title: c.title, problem: c.problem,
            cause: c.cause, department: department ?? "—", lesson: c.lesson, createdBy: c.createdBy,
            createdAt: PageFormat.dateTime(c.createdAt, tz), updatedAt: PageFormat.dateTime(c.updatedAt, tz),
            photos: try await cases.photos(of: c).map { Photo(id: $0.id?.uuidString ?? "", alt: $0.alt.isEmpty ? "案例照片" : $0.alt) },
            orders: try await cases.orders(of: c).map { OrderLink(id: $0.id?.uuidString ?? "", number: $0.number, subject: $0.subject, status: $0.statusValue.label) },
            mayWrite: cases.mayWrite, error: error?.reason)
        let res = try await req.view.render("kb_case", ctx).encodeResponse(for: req)
        if let error { res.status = error.status }
        return res
    }

    struct FormContext: Encodable {
        var page: PageContext
        var id: String?
        var form: KnowledgeCases.Input
        var orderNumber: String?
        var departments: [Choice]
        var error: String?
    }

    /// A new case, filled in from the order it is written from (`?order=`).
    func newForm(req: Request) async throws -> View {
        let cases = try await KnowledgeCases(req: req)
        var form = KnowledgeCases.Input()
        let order = try await cases.order(req.query[String.self, at: "order"])
        if let o = order {
            // The department the order was last sent to (its supervision orders) is the likely one to answer for it.
            let sent = try await cases.scope.supervisionOrders(of: o).last?.$department.id
            form = .init(title: o.subject, problem: o.description, department: sent?.uuidString, order: o.id?.uuidString)
        }
        return try await renderForm(req, cases, id: nil, form: form, orderNumber: order?.number, error: nil)
    }

    func renderForm(_ req: Request, _ cases: KnowledgeCases, id: UUID?, form: KnowledgeCases.Input, orderNumber: String?, error: KefuError?) async throws -> View {
        var company = cases.tenant.homeCompanyID ?? cases.user.companyID
        if let id { company = try await cases.find(id).companyID }
        let deps = try await cases.departments(company: company).map { Choice(value: $0.id?.uuidString ?? "", label: $0.name) }
        return try await req.view.render("kb_case_edit", FormContext(
            page: PageContext(req, user: cases.user, title: id == nil ? "编写案例" : "编辑案例"), id: id?.uuidString, form: form,
            orderNumber: orderNumber, departments: deps, error: error?.reason))
    }

    func editForm(req: Request) async throws -> View {
        let cases = try await KnowledgeCases(req: req)
        let c = try await cases.find(req.parameters.get("id", as: UUID.self))
        return try await renderForm(req, cases, id: c.id, form: .init(title: c.title, problem: c.problem, cause: c.cause,
                                                                      department: c.departmentID?.uuidString, lesson: c.lesson),
                                    orderNumber: nil, error: nil)
    }

    func create(req: Request) async throws -> Response {
        let cases = try await KnowledgeCases(req: req)
        let input = try req.content.decode(KnowledgeCases.Input.self)
        return try await req.once(form: "kb.case", fallback: "/kb/cases") {
            do {
                let c = try await cases.save(input)
                let href = "/kb/cases/\(c.id?.uuidString ?? "")"
                return .created(href, req.redirect(to: href, notice: "案例已保存。可继续上传照片、关联其他工单。"))
            } catch let e as KefuError {
                let number = try? await cases.order(input.order)?.number
                let res = try await renderForm(req, cases, id: nil, form: input, orderNumber: number, error: e).encodeResponse(for: req)
                res.status = e.status
                return .refused(res)
            }
        }
    }

    func update(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("案例") }
        let cases = try await KnowledgeCases(req: req)
        let input = try req.content.decode(KnowledgeCases.Input.self)
        do {
            _ = try await cases.save(input, id: id)
            return req.redirect(to: "/kb/cases/\(id.uuidString)", notice: "案例已保存。")
        } catch let e as KefuError {
            let res = try await renderForm(req, cases, id: id, form: input, orderNumber: nil, error: e).encodeResponse(for: req)
            res.status = e.status
            return res
        }
    }

    func addPhoto(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("案例") }
        struct Upload: Content { var file: File?; var alt: String? }
        let cases = try await KnowledgeCases(req: req)
        let upload = try req.content.decode(Upload.self)
        let href = "/kb/cases/\(id.uuidString)"
        return try await req.once(form: "kb.case_photo", fallback: href) {
            do {
                try await cases.addPhoto(id, file: upload.file, alt: upload.alt)
                return .created(href, req.redirect(to: href, notice: "照片已上传。"))
            } catch let e as KefuError where e.status != .notFound {
                return .refused(try await render(req, error: e))
            }
        }
    }

    func link(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("案例") }
        struct Form: Content { var order: String? }
        let cases = try await KnowledgeCases(req: req)
        do {
            let o = try await cases.link(id, orderKey: try req.content.decode(Form.self).order)
            return req.redirect(to: "/kb/cases/\(id.uuidString)", notice: "已关联工单 \(o.number)。")
        } catch let e as KefuError where e.status != .notFound {
            return try await render(req, error: e)
        }
    }
}
