import Vapor
import Fluent
import SQLKit
import KefuCore

/// Every change a person can make to a work order, each validated against KefuCore's
/// rules and recorded in the timeline. The API and the pages both call this, so they
/// refuse and record exactly the same things.
struct WorkOrderService {
    let req: Request
    /// Work done for no signed-in person (a voicemail's order) names its scope here;
    /// otherwise the request's `TenantData` applies.
    var tenantOverride: TenantData?
    var db: Database { req.db }
    var now: Date { req.now }
    var sla: SLAService { SLAService(db: db, timeZone: req.kefu.settings.timeZone, reads: req.leanReads) }

    init(req: Request, tenant: TenantData? = nil) {
        self.req = req
        self.tenantOverride = tenant
    }

    func tenant() async throws -> TenantData {
        if let tenantOverride { return tenantOverride }
        return try await req.tenant()
    }

    /// What the signed-in person may see of orders, inside their companies.
    func scope() async throws -> OrderScope {
        if let tenantOverride { return OrderScope(visibility: .all, tenant: tenantOverride) }
        return try await req.orderScope()
    }

    // MARK: lookup

    /// Finds an order by UUID or by its readable number (GD20261123-0001), within what the
    /// signed-in person may see: every route that acts on one order starts here.
    func find(_ key: String) async throws -> WorkOrder {
        try await scope().find(key)
    }

    /// Codes and names of the companies and branches in scope, for DTOs and rows.
    func labels() async throws -> TenantLabels {
        try await tenant().labels()
    }

    /// The branch a new order goes to: the one named by `branchCode` (inside the scope, else
    /// 404), or the person's own (`TenantData.defaultBranch`).
    func branch(for input: WorkOrderCreateInput) async throws -> BranchPlace {
        let tenant = try await tenant()
        if let code = input.branchCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
            if let p = TenantCode.problem(code) { throw KefuError.invalid([.init(field: "branchCode", message: p)]) }
            return try await tenant.place(of: try await tenant.branch(code: code, company: tenant.scope.single), reads: req.leanReads)
        }
        if let home = try await tenant.homeBranchPlace(reads: req.leanReads) { return home }
        return try await tenant.place(of: try await tenant.defaultBranch(), reads: req.leanReads)
    }

    /// Whether `user` may own an order of `company`: their own company, or one granted to them.
    static func mayWork(_ user: User, for company: UUID, on db: Database) async throws -> Bool {
        if user.companyID == company { return true }
        guard let id = user.id else { return false }
        return try await CompanyGrant.query(on: db).filter(\.$user.$id == id).filter(\.$company.$id == company).first() != nil
    }

    /// The active colleague with this work ID who works for `company` (own or granted), or
    /// nil: who may take over an order, own a special customer or manage an account.
    static func activeColleague(_ workId: String, for company: UUID, on db: Database) async throws -> User? {
        guard let user = try await TenantData.system(db).query(User.self).filter(\.$workId == workId).first(), user.active,
              try await mayWork(user, for: company, on: db) else { return nil }
        return user
    }

    // MARK: create

    struct Created {
        var order: WorkOrder
        /// The earlier order this one duplicates, if any.
        var master: MasterRef?
        /// The code and name of the order's company and branch, for its JSON.
        var labels: TenantLabels
    }

    typealias MasterRef = NewOrderWrite.MasterRef

    func validate(_ input: WorkOrderCreateInput, customers: CustomerService) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if input.type.map({ WorkOrderType(rawValue: $0) == nil }) ?? true {
            problems.append(.init(field: "type", message: input.type == nil ? "请选择工单类型" : "未知的工单类型：\(input.type!)"))
        }
        if input.channel.map({ KefuCore.Channel(rawValue: $0) == nil }) ?? true {
            problems.append(.init(field: "channel", message: input.channel == nil ? "请选择受理渠道" : "未知的受理渠道：\(input.channel!)"))
        }
        if let p = input.priority, !p.isEmpty, Priority(rawValue: p) == nil {
            problems.append(.init(field: "priority", message: "未知的优先级：\(p)"))
        }
        if let p = Validation.checkText(input.subject, field: "subject", label: "标题", max: Validation.maxSubjectLength) { problems.append(p) }
        if let p = Validation.checkText(input.description, field: "description", label: "问题描述", max: Validation.maxTextLength) { problems.append(p) }
        let hasCustomerId = !(input.customerId ?? "").isEmpty
        if hasCustomerId {
            if UUID(uuidString: input.customerId!) == nil { problems.append(.init(field: "customerId", message: "客户编号格式不正确")) }
        } else if let c = input.customer {
            problems += customers.validate(c, prefix: "customer.")
        } else {
            problems.append(.init(field: "customer", message: "请选择已有客户或填写新客户（姓名、电话）"))
        }
        if let type = input.type.flatMap(WorkOrderType.init(rawValue:)), let channel = input.channel.flatMap(KefuCore.Channel.init(rawValue:)),
           Address.visitNeeded(type: type, channel: channel, requested: input.needsVisit ?? false) {
            let address = input.address ?? Address()
            for m in address.missingForVisit() {
                problems.append(.init(field: "address.\(m.field)", message: "上门/配送工单需要完整地址：缺少\(m.label)"))
            }
        }
        if let a = input.address {
            if a.hasOverlongPart { problems.append(.init(field: "address", message: "地址各项不能超过 \(Address.maxPartLength) 个字符")) }
        }
        if let p = input.promisedReplyAt, p < now {
            problems.append(.init(field: "promisedReplyAt", message: "承诺答复时间不能早于现在"))
        }
        return problems
    }

    /// `inSameTransaction` writes what must stand or fall with the order (the CTI outbox's
    /// once-per-voicemail key); throwing from it rolls the order back.
    func create(_ input: WorkOrderCreateInput, actor: User,
                inSameTransaction: (@Sendable (any Database, UUID) async throws -> Void)? = nil) async throws -> Created {
        let tenant = try await tenant()
        let customers = CustomerService(tenant: tenant, now: now)
        let problems = validate(input, customers: customers)
        guard problems.isEmpty, let type = input.type.flatMap(WorkOrderType.init(rawValue:)),
              let channel = input.channel.flatMap(KefuCore.Channel.init(rawValue:)) else {
            throw KefuError.invalid(problems.map(FieldProblemDTO.init))
        }
        let branch = try await branch(for: input)
        let branchID = branch.id
        let companyID = branch.companyID
        // The first-contact owner works for the order's company (R11.2).
        guard try await Self.mayWork(actor, for: companyID, on: db) else { throw KefuError.notFound("分公司 \(branch.code)") }
        let now = self.now
        let tz = req.kefu.settings.timeZone
        let ip = req.remoteAddress?.ipAddress

        // Reads that decide the deadlines happen before the write transaction, so SQLite's
        // single writer is held only for the writes.
        var existing: CustomerRef?
        if let cid = input.customerId, !cid.isEmpty {
            guard let id = UUID(uuidString: cid), let c = try await tenant.customerRef(id, reads: req.leanReads) else {
                throw KefuError(.unprocessableEntity, "validation_failed", "客户不存在：\(cid)",
                                fields: [.init(field: "customerId", message: "客户不存在")])
            }
            // Customers belong to one company: the same person calling another company's
            // hotline is that company's customer.
            guard c.companyID == companyID else {
                throw KefuError(.unprocessableEntity, "validation_failed", "客户不属于分公司 \(branch.code) 所在的公司",
                                fields: [.init(field: "customerId", message: "客户不属于该公司")])
            }
            existing = c
        } else if let c = try await customers.find(phone: input.customer?.phone ?? "", company: companyID).first {
            // A number on file is that customer, whatever name was typed (one number, one customer).
            existing = try CustomerRef(c)
        }
        let tier = existing?.tier ?? input.customer?.tier.flatMap(CustomerTier.init(rawValue:)) ?? .normal
        let asked = input.priority.flatMap(Priority.init(rawValue:))
        let priority = asked ?? tier.raise(.normal)
        let policy = try await sla.policy(type: type, priority: priority, company: companyID, branch: branchID)
        let calendar = try await sla.calendar(policy.calendar)
        let found = existing
        let labels = TenantLabels(companies: [companyID: branch.labels.company], branches: [branchID: branch.labels.branch],
                                  mixed: tenant.scope.isMixed)
        let duplicateRule = DuplicateRule(windowSeconds: req.kefu.settings.duplicateWindowSeconds)
        let day = LocalDay(now, in: tz)
        let history = History(db: db, actorWorkId: actor.workId, ip: ip, now: now)

        /// The order as the rules build it, on the customer it belongs to.
        @Sendable func draft(customer: CustomerRef) throws -> WorkOrder {
            let o = WorkOrder()
            o.id = UUID()
            o.companyID = companyID; o.branchID = branchID
            o.type = type.rawValue; o.channel = channel.rawValue; o.status = WorkOrderStatus.open.rawValue
            o.priority = priority.rawValue
            o.subject = (input.subject ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            o.description = (input.description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            o.ownerWorkId = actor.workId; o.createdByWorkId = actor.workId
            o.$customer.id = customer.id
            let visit = Address.visitNeeded(type: type, channel: channel, requested: input.needsVisit ?? false)
            o.address = input.address.flatMap { $0.isEmpty ? nil : $0 } ?? (visit ? customer.address : nil)
            o.needsVisit = visit
            o.firstResponseDueAt = calendar.adding(seconds: policy.firstResponseSeconds, to: now)
            // On a live channel the agent is answering the customer while creating the order.
            o.firstRespondedAt = [.phone, .counter, .field, .chat].contains(channel) ? now : nil
            o.resolutionTargetSeconds = policy.resolutionSeconds
            o.calendarKind = policy.calendar.rawValue
            o.pausedSeconds = 0; o.escalationLevel = 0
            o.promisedReplyAt = input.promisedReplyAt
            o.callbackDone = false; o.openSupervisionCount = 0
            o.createdAt = now; o.updatedAt = now
            SLAService.apply(SLATimer(start: now, targetSeconds: policy.resolutionSeconds, calendar: calendar), to: o)
            return o
        }
        @Sendable func write(_ order: WorkOrder, history: History, claim: OnceClaim?) -> NewOrderWrite {
            NewOrderWrite(order: order, type: type, channel: channel, history: history, duplicateRule: duplicateRule, day: day, claim: claim)
        }

        // The common case — a known customer, nothing else in the transaction — goes to the
        // SQLite writer thread, committed together with the creates running beside it.
        if let writer = req.application.sqliteWriter, let found, inSameTransaction == nil, !db.inTransaction {
            let claim = OnceClaim.current.flatMap { $0.isClaimed ? nil : $0 }
            let plan = write(try draft(customer: found), history: history, claim: claim)
            let master = try await writer.perform { connection in try plan.run(on: connection) }
            claim?.markClaimed()
            return Created(order: plan.order, master: master, labels: labels)
        }
        // On PostgreSQL the same case is batched with the creates beside it (`OrderBatcher`).
        if let batcher = req.application.orderBatcher, let found, inSameTransaction == nil, !db.inTransaction,
           OnceClaim.current.map(\.isClaimed) ?? true {
            let plan = write(try draft(customer: found), history: history, claim: nil)
            let master = try await batcher.write(plan)
            return Created(order: plan.order, master: master, labels: labels)
        }

        return try await db.writeTransaction { db in
            let history = history.on(db)
            let customer: CustomerRef
            if let found { customer = found } else {
                // Looked up again inside the transaction: a parallel submit may have just filed it.
                guard let newCustomer = input.customer else { throw KefuError.invalid([.init(field: "customer", message: "请填写客户")]) }
                customer = try CustomerRef(try await CustomerService(tenant: tenant.on(db), now: now)
                    .findOrCreate(newCustomer, company: companyID, branch: branchID, history: history, sealer: req.kefu.sealer).customer)
            }
            let plan = write(try draft(customer: customer), history: history, claim: nil)
            let master = try await plan.run(on: db)
            if let inSameTransaction { try await inSameTransaction(db, try plan.order.requireID()) }
            return Created(order: plan.order, master: master, labels: labels)
        }
    }

    /// The open order of this customer and type inside the duplicate window that a new order
    /// would duplicate (R1.6); the earliest one is the master.
    func duplicateMasterOn(_ db: Database, customerID: UUID, type: WorkOrderType, company: UUID) async throws -> WorkOrder? {
        guard let ref = try await duplicateMaster(db, customerID: customerID, type: type, company: company) else { return nil }
        return try await tenant().on(db).find(WorkOrder.self, ref.id)
    }

    /// The master a new order of this customer and type would be linked to (R1.6), read with
    /// the statement the create itself uses.
    func duplicateMaster(_ db: Database, customerID: UUID, type: WorkOrderType, company: UUID) async throws -> MasterRef? {
        try await NewOrderWrite.duplicateMaster(company: company, customer: customerID, type: type,
                                                rule: DuplicateRule(windowSeconds: req.kefu.settings.duplicateWindowSeconds),
                                                now: now, on: try db.sql())
    }

    /// Draws the next per-day sequence number atomically (see `NewOrderWrite.nextNumber`).
    static func nextNumber(db: Database, now: Date, timeZone: TimeZone) async throws -> String {
        try await NewOrderWrite.drawNumber(day: LocalDay(now, in: timeZone), on: try db.sql())
    }
}
