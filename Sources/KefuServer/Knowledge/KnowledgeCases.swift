import Vapor
import Fluent
import KefuCore

/// The case library (R6.2, 003 2.2): cases written up from the work orders that produced
/// them — problem, photos, cause, the department that answers for it, the lesson. Everyone
/// reads cases; those who see orders through (`KnowledgeCase.mayWrite`) write them. The
/// orders a case lists are shown only as far as the reader may see those orders.
struct KnowledgeCases {
    let scope: OrderScope
    let user: User
    let role: Role
    let now: Date

    var tenant: TenantData { scope.tenant }

    init(req: Request) async throws {
        let (user, role) = try req.userAndRole()
        self.init(scope: try await req.orderScope(), user: user, role: role, now: req.now)
    }

    init(scope: OrderScope, user: User, role: Role, now: Date) {
        self.scope = scope; self.user = user; self.role = role; self.now = now
    }

    var mayWrite: Bool { KnowledgeCase.mayWrite(role) }

    struct Input: Content {
        var title: String?
        var problem: String?
        var cause: String?
        var department: String?
        var lesson: String?
        /// The work order the case is written from (its id or number).
        var order: String?
    }

    func list(department: UUID? = nil) async throws -> [KnowledgeCaseRecord] {
        let q = tenant.query(KnowledgeCaseRecord.self)
        if let department { q.filter(\.$departmentID == department) }
        return try await q.sort(\.$updatedAt, .descending).limit(300).all()
    }

    func find(_ id: UUID?) async throws -> KnowledgeCaseRecord {
        guard let c = try await tenant.find(KnowledgeCaseRecord.self, id) else { throw KefuError.notFound("案例") }
        return c
    }

    /// The case's orders this person may open.
    func orders(of c: KnowledgeCaseRecord) async throws -> [WorkOrder] {
        let ids = try await tenant.query(KnowledgeCaseOrder.self).filter(\.$caseID == c.requireID()).all().map(\.workOrderID)
        guard !ids.isEmpty else { return [] }
        return try await scope.orders().filter(\.$id ~~ ids).sort(\.$createdAt, .descending).all()
    }

    /// The cases written from an order (on the order page).
    func cases(of order: WorkOrder) async throws -> [KnowledgeCaseRecord] {
        let ids = try await tenant.query(KnowledgeCaseOrder.self).filter(\.$workOrderID == order.requireID()).all().map(\.caseID)
        guard !ids.isEmpty else { return [] }
        return try await tenant.query(KnowledgeCaseRecord.self, ids: ids).sort(\.$createdAt).all()
    }

    func photos(of c: KnowledgeCaseRecord) async throws -> [KnowledgeImageRecord] {
        // The bytes stay in the database: the page only names the pictures.
        try await tenant.query(KnowledgeImageRecord.self).filter(\.$caseID == c.requireID())
            .field(\.$id).field(\.$companyID).field(\.$alt).field(\.$createdAt).sort(\.$createdAt).all()
    }

    func departments(company: UUID) async throws -> [Department] {
        try await tenant.query(Department.self).filter(\.$companyID == company).sort(\.$name).all()
    }

    /// The order a form names, as this person sees it.
    func order(_ key: String?) async throws -> WorkOrder? {
        guard let key = key?.trimmingCharacters(in: .whitespaces), !key.isEmpty else { return nil }
        do { return try await scope.find(key) } catch let e as KefuError where e.status == .notFound {
            throw KefuError.invalid([.init(field: "order", message: "工单 \(key) 不存在或您无权查看")])
        }
    }

    func save(_ input: Input, id: UUID? = nil) async throws -> KnowledgeCaseRecord {
        guard mayWrite else { throw KefuError.forbidden("案例由采编员、班长、值班长和投诉处理员编写。") }
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let problem = (input.problem ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let cause = (input.cause ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let lesson = (input.lesson ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var problems = KnowledgeCase.problems(title: title, problem: problem, cause: cause, lesson: lesson)
            .map { FieldProblemDTO(field: $0.field, message: $0.message) }
        if Validation.hasControlCharacters(title) { problems.append(.init(field: "title", message: "标题不能含控制字符")) }
        let order = id == nil ? try await self.order(input.order) : nil
        var existing: KnowledgeCaseRecord?
        if let id { existing = try await find(id) }
        let company = existing?.companyID ?? order?.companyID ?? tenant.homeCompanyID ?? user.companyID
        var department: UUID?
        if let raw = input.department?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            guard let d = try await tenant.find(Department.self, UUID(uuidString: raw)), d.companyID == company else {
                throw KefuError.invalid(problems + [.init(field: "department", message: "责任部门不存在")])
            }
            department = d.id
        }
        guard problems.isEmpty else { throw KefuError.invalid(problems) }
        let responsible = department
        return try await tenant.db.writeTransaction { [tenant, user, now] tx in
            let data = tenant.on(tx)
            let c: KnowledgeCaseRecord
            if let id {
                guard let found = try await data.find(KnowledgeCaseRecord.self, id) else { throw KefuError.notFound("案例") }
                c = found
            } else {
                try data.check(company)
                c = KnowledgeCaseRecord()
                c.id = UUID(); c.companyID = company; c.createdBy = user.workId; c.createdAt = now
            }
            c.title = title; c.problem = problem; c.cause = cause; c.departmentID = responsible; c.lesson = lesson; c.updatedAt = now
            try await c.save(on: tx)
            if let order { try await Self.link(c, order, by: user.workId, now: now, on: tx) }
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: id == nil ? "case.created" : "case.edited", objectType: "knowledge_case", objectId: c.id?.uuidString, after: title)
            return c
        }
    }

    /// Adds another order the case came from (one link per order).
    func link(_ id: UUID, orderKey: String?) async throws -> WorkOrder {
        guard mayWrite else { throw KefuError.forbidden() }
        let c = try await find(id)
        guard let order = try await self.order(orderKey) else { throw KefuError.invalid([.init(field: "order", message: "请输入工单号")]) }
        guard order.companyID == c.companyID else { throw KefuError.invalid([.init(field: "order", message: "工单与案例不属于同一公司")]) }
        try await tenant.db.writeTransaction { [user, now] tx in
            try await Self.link(c, order, by: user.workId, now: now, on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "case.linked", objectType: "knowledge_case", objectId: id.uuidString, after: order.number)
        }
        return order
    }

    static func link(_ c: KnowledgeCaseRecord, _ order: WorkOrder, by workId: String, now: Date, on tx: Database) async throws {
        let caseID = try c.requireID(), orderID = try order.requireID()
        guard try await TenantData.system(tx).query(KnowledgeCaseOrder.self).filter(\.$caseID == caseID).filter(\.$workOrderID == orderID).count() == 0 else { return }
        let l = KnowledgeCaseOrder()
        l.id = UUID(); l.companyID = c.companyID; l.caseID = caseID; l.workOrderID = orderID; l.linkedBy = workId; l.linkedAt = now
        try await l.create(on: tx)
    }

    /// A photo of the case (at most `KnowledgeCase.maxPhotos`).
    func addPhoto(_ id: UUID, file: File?, alt: String?) async throws {
        guard mayWrite else { throw KefuError.forbidden() }
        let c = try await find(id)
        guard try await tenant.query(KnowledgeImageRecord.self).filter(\.$caseID == id).count() < KnowledgeCase.maxPhotos else {
            throw KefuError.invalid([.init(field: "file", message: "每个案例最多 \(KnowledgeCase.maxPhotos) 张照片")])
        }
        try await tenant.db.writeTransaction { [tenant, user, now] tx in
            let image = try await KnowledgeImages(tenant: tenant.on(tx), user: user, now: now).store(file, alt: alt, company: c.companyID, caseID: id, on: tx)
            try await History(db: tx, actorWorkId: user.workId, ip: nil, now: now)
                .audit(action: "case.photo_added", objectType: "knowledge_case", objectId: id.uuidString, after: image.id?.uuidString)
        }
    }
}
