import Vapor
import Fluent
import SQLKit
import KefuCore

/// The agent's pages: workspace, order list, new order, order detail.
struct WorkOrderPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.workOrderWrite).get("workspace", use: workspace)
        routes.requiring(.workOrderRead).get("work-orders", use: list)
        routes.requiring(.workOrderWrite).get("work-orders", "new", use: newForm)
        routes.requiring(.workOrderWrite).post("work-orders", "new", use: create)
        routes.requiring(.workOrderRead).get("work-orders", ":id", use: detail)
        WorkOrderActionPages().register(routes)
        Reminders().register(routes)
    }

    struct WorkspaceContext: Encodable {
        var page: PageContext
        @NilIfEmpty var orders: [WorkOrderRow]
        @NilIfEmpty var notifications: [Reminders.Row]
        /// Required knowledge articles not yet confirmed (R6.1): shown first.
        @NilIfEmpty var requiredReading: [ReadingRow]
        var unreadCount: Int
        var counts: [String: Int]
        var desk: AgentDesk.Panel?
        /// 公司/分公司 columns when the person works for several companies.
        var tenantColumns: Bool
    }

    struct ReadingRow: Encodable { var id: String; var title: String; var version: Int }

    struct NotificationRow: Encodable { var message: String; var at: String; var workOrderId: String? }

    func workspace(req: Request) async throws -> View {
        let user = try req.user()
        let tz = req.kefu.settings.timeZone
        let tenant = try await req.tenant()
        let labels = try await tenant.labels()
        let mine = try await Self.activeOrders(of: user.workId, tenant: tenant, labels: labels)
        let reminders = try await Reminders.rows(req, user: user)
        let rows = mine.map { WorkOrderRow($0, now: req.now, timeZone: tz, labels: labels) }
        let counts = ["open": rows.count, "overdue": rows.filter { $0.urgency == "overdue" }.count,
                      "near": rows.filter { $0.urgency == "near" }.count]
        return try await req.view.render("workspace", WorkspaceContext(
            page: PageContext(req, user: user, title: "我的工作台"), orders: rows,
            notifications: reminders.rows,
            requiredReading: try await KnowledgeBase(req: req).unreadRequired().map { ReadingRow(id: $0.id?.uuidString ?? "", title: $0.title, version: $0.version) },
            unreadCount: reminders.unread,
            counts: counts, desk: user.can(.chatServe) ? try await AgentDesk.panel(req, user: user) : nil,
            tenantColumns: labels.mixed))
    }

    /// The person's active orders (at most 500), most urgent first, for the workspace: read
    /// as plain rows with the list's columns (`WorkOrderListQuery.columns`), as the list does
    /// — an agent has hundreds after a busy week, and a Fluent model per order costs a
    /// reflection pass per field. The active statuses are listed rather than "not closed":
    /// with a year of orders an agent owns tens of thousands, and only equalities are
    /// answered by the (company, status, owner) index (M015) without reading them all.
    static func activeOrders(of workId: String, tenant: TenantData, labels: TenantLabels) async throws -> [WorkOrderDTO] {
        var query = (try tenant.db.sql()).select()
            .columns(WorkOrderListQuery.columns.map { column, key in SQLAlias(SQLIdentifier(column), as: SQLIdentifier(key)) })
            .from(WorkOrder.schema)
            .where(SQLColumn("owner_work_id", table: WorkOrder.schema), .equal, SQLBind(workId))
            .where(SQLColumn("status", table: WorkOrder.schema), .in, SQLBind.group(WorkOrderStatus.active.map(\.rawValue)))
        // Raw SQL on a scoped table: the company scope through its raw-SQL form.
        if let scope = OrderScope.companyPredicate(tenant.scope, table: WorkOrder.schema) { query = query.where(scope) }
        let orders = try await query.limit(500).all(decoding: WorkOrderDTO.self).map { row in var r = row; r.label(labels); return r }
        // WorkOrderRow.sortForWorkspace's order: resolution deadline, then priority.
        return orders.sorted { a, b in
            let da = a.resolutionDueAt ?? .distantFuture, db = b.resolutionDueAt ?? .distantFuture
            if da != db { return da < db }
            return (Priority(rawValue: a.priority) ?? .normal).rank < (Priority(rawValue: b.priority) ?? .normal).rank
        }
    }

    struct ListContext: Encodable {
        var page: PageContext
        var orders: [WorkOrderRow]
        var total: Int
        /// More than `total` match: the count stopped there ("10000+").
        var totalCapped: Bool
        var filter: WorkOrderAPI.ListQuery
        var types: [Choice]
        var statuses: [Choice]
        var channels: [Choice]
        var priorities: [Choice]
        var outcomes: [Choice]
        var prevHref: String?
        var nextHref: String?
        var tenantFilter: TenantFilterForm?
        var tenantColumns: Bool
    }

    func list(req: Request) async throws -> View {
        // The same rules as the API: a malformed or out-of-range value is refused with the
        // reason (PageWindow), not silently replaced.
        var q = try req.query.decode(WorkOrderAPI.ListQuery.self)
        q.limit = Self.pageSize
        let offset = q.offset ?? 0
        q.offset = offset
        if q.status == "" { q.status = nil }
        if q.type == "" { q.type = nil }
        for key in [\WorkOrderAPI.ListQuery.channel, \.priority, \.from, \.to, \.outcome, \.department] where q[keyPath: key] == "" { q[keyPath: key] = nil }
        let scope = try await req.orderScope()
        let filter = try await TenantFilter.resolve(company: q.company, branch: q.branch, tenant: scope.tenant)
        let labels = try await scope.tenant.labels()
        // One row more than the page shows says whether there is a next page, so the count
        // can stop at 10,000 whatever the offset (counting a million orders, or up to a deep
        // offset, on every view was most of the list's time). PageWindow has bounded the
        // offset once `run` returns, so offset + pageSize cannot overflow below.
        var fetch = q
        fetch.limit = Self.pageSize + 1
        var query = WorkOrderListQuery(filter: fetch, scope: scope, timeZone: req.kefu.settings.timeZone, tenantFilter: filter)
        query.countCap = Self.countCap
        let result = try await query.run(on: req.db, reads: req.leanReads)
        let hasMore = result.items.count > Self.pageSize
        let tz = req.kefu.settings.timeZone
        return try await req.view.render("work_orders", ListContext(
            page: PageContext(req, user: try req.user(), title: "工单查询"),
            orders: result.items.prefix(Self.pageSize).map { WorkOrderRow($0, now: req.now, timeZone: tz, labels: labels) },
            total: min(result.total, Self.countCap), totalCapped: result.total > Self.countCap, filter: q,
            types: Choices.types, statuses: Choices.statuses, channels: Choices.channels, priorities: Choices.priorities,
            outcomes: Choices.outcomes,
            prevHref: offset > 0 ? href(q, offset: max(0, offset - Self.pageSize)) : nil,
            nextHref: hasMore ? href(q, offset: offset + Self.pageSize) : nil,
            tenantFilter: try await TenantFilterForm.make(scope.tenant, labels: labels, filter: filter),
            tenantColumns: labels.mixed))
    }

    /// Where the list's count stops ("共 10000+ 张").
    static let countCap = 10_000
    static let pageSize = 50

    func href(_ q: WorkOrderAPI.ListQuery, offset: Int) -> String {
        let parts = [("q", q.q), ("type", q.type), ("status", q.status), ("ownerWorkId", q.ownerWorkId),
                     ("company", q.company), ("branch", q.branch), ("channel", q.channel), ("priority", q.priority), ("from", q.from), ("to", q.to),
                     ("outcome", q.outcome), ("department", q.department)]
            .compactMap { k, v in v.flatMap { $0.isEmpty ? nil : "\(k)=\($0.urlQueryEncoded)" } }
        return "/work-orders?" + (parts + ["offset=\(offset)"]).joined(separator: "&")
    }

    func detail(req: Request) async throws -> Response {
        let order = try await WorkOrderService(req: req).find(try req.parameters.require("id"))
        return try await WorkOrderDetailContext.render(req, order: order)
    }

    // MARK: new order

    /// The new-order form as submitted: flat fields, kept as typed so a refused form comes
    /// back with everything the agent entered.
    struct NewForm: Content {
        /// 分公司: shown when the person can see several branches.
        var branchCode: String?
        var type: String?; var channel: String?; var priority: String?; var subject: String?; var description: String?
        var customerId: String?; var customerName: String?; var customerPhone: String?; var customerPhone2: String?
        var needsVisit: String?; var confirmDuplicate: String?
        var city: String?; var district: String?; var town: String?; var street: String?; var estate: String?
        var building: String?; var unit: String?; var floor: String?; var door: String?; var landmark: String?
        var lookupPhone: String?
        var lookup: String?

        var address: Address {
            Address(city: city, district: district, town: town, street: street, estate: estate, building: building,
                    unit: unit, floor: floor, door: door, landmark: landmark)
        }

        var input: WorkOrderCreateInput {
            var i = WorkOrderCreateInput()
            i.branchCode = (branchCode ?? "").isEmpty ? nil : branchCode
            i.type = type; i.channel = channel; i.priority = (priority ?? "").isEmpty ? nil : priority
            i.subject = subject; i.description = description
            if let c = customerId, !c.isEmpty { i.customerId = c } else if (customerName ?? "") != "" || (customerPhone ?? "") != "" {
                i.customer = CustomerInput(name: customerName, phone: customerPhone, phone2: customerPhone2)
            }
            i.address = address.isEmpty ? nil : address
            i.needsVisit = needsVisit == "on" || needsVisit == "true"
            return i
        }
    }

    struct NewContext: Encodable {
        var page: PageContext
        var form: NewForm
        var types: [Choice]; var channels: [Choice]; var priorities: [Choice]
        /// The branches the order may go to; nil when there is only one.
        var branches: [Choice]?
        /// Nil when empty: the "new customer" choice only makes sense next to found ones.
        @NilIfEmpty var matches: [CustomerMatch]
        var errors: [FieldProblemDTO]
        var errorText: String?
        var duplicate: WorkOrderRow?
        /// The looked-up number matched nobody: it has been put into the new-customer fields.
        var lookupMissed: Bool = false
    }

    struct CustomerMatch: Encodable { var id: String; var name: String; var phone: String; var tier: String; var selected: Bool }

    func newForm(req: Request) async throws -> Response {
        var form = NewForm()
        form.lookupPhone = req.query[String.self, at: "phone"]
        form.channel = "phone"; form.type = "consultation"
        // The screen pop names the call's branch; otherwise preselect the person's own branch,
        // and when the scope leaves it open they choose. A bad code is reported on submit.
        if let asked = req.query[String.self, at: "branchCode"], !asked.isEmpty {
            form.branchCode = asked
        } else {
            do { form.branchCode = try await req.tenant().defaultBranch().code } catch is KefuError { form.branchCode = nil }
        }
        return try await renderNew(req, form: form, errors: [], duplicate: nil)
    }

    func renderNew(_ req: Request, form: NewForm, errors: [FieldProblemDTO], duplicate: WorkOrder?) async throws -> Response {
        var form = form
        var matches: [CustomerMatch] = []
        var lookupMissed = false
        let looked = form.lookupPhone?.trimmingCharacters(in: .whitespaces) ?? ""
        let phone = looked.isEmpty ? form.customerPhone : looked
        let tenant = try await req.tenant()
        let branches = try await tenant.branches()
        let labels = try await tenant.labels()
        // Customers are per company: matches come from the company of the chosen branch (or
        // every company in scope when none is chosen yet, each match then names its company).
        var company: UUID?
        if let code = form.branchCode, !code.isEmpty {
            // A bad code is reported by the submit (404/422); here it only leaves the matches wide.
            do { company = try await tenant.branch(code: code, company: tenant.scope.single).$company.id } catch is KefuError { company = nil }
        }
        if let p = phone, !p.isEmpty {
            matches = try await CustomerService(tenant: tenant, now: req.now).find(phone: p, company: company).map {
                CustomerMatch(id: try $0.requireID().uuidString, name: labels.mixed ? "\($0.name)（\(labels.companyName($0.companyID))）" : $0.name,
                              phone: $0.phone, tier: $0.tier.label, selected: $0.id?.uuidString == form.customerId)
            }
        }
        // A number nobody has: say so, and carry it into the new customer's phone field.
        if !looked.isEmpty, matches.isEmpty {
            lookupMissed = true
            if (form.customerPhone ?? "").isEmpty { form.customerPhone = looked }
        }
        if let cid = form.customerId, let id = UUID(uuidString: cid), !matches.contains(where: { $0.id == cid }),
           let c = try await tenant.find(Customer.self, id) {
            matches.append(CustomerMatch(id: cid, name: c.name, phone: c.phone, tier: c.tier.label, selected: true))
        }
        return try await req.view.render("work_order_new", NewContext(
            page: PageContext(req, user: try req.user(), title: "新建工单"), form: form,
            types: Choices.types, channels: Choices.channels, priorities: Choices.priorities,
            branches: branches.count > 1 ? branches.map { b in
                Choice(value: b.code, label: labels.mixed ? "\(labels.companyName(b.$company.id))·\(b.name)（\(b.code)）" : "\(b.name)（\(b.code)）")
            } : nil,
            matches: matches,
            errors: errors, errorText: errors.isEmpty ? nil : errors.map(\.message).joined(separator: "；"),
            duplicate: duplicate.map { WorkOrderRow($0, now: req.now, timeZone: req.kefu.settings.timeZone, labels: labels) },
            lookupMissed: lookupMissed)).encodeResponse(for: req)
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(NewForm.self)
        let service = WorkOrderService(req: req)
        let input = form.input
        // The customer lookup button only refreshes the form.
        if form.lookup == "1" {
            return try await renderNew(req, form: form, errors: [], duplicate: nil)
        }
        // A double click, Back and submit again, or two parallel posts save one order.
        return try await req.once(form: "work_order.new", fallback: "/workspace") {
            let tenant = try await req.tenant()
            let customers = CustomerService(tenant: tenant, now: req.now)
            let problems = service.validate(input, customers: customers)
            if !problems.isEmpty {
                let res = try await renderNew(req, form: form, errors: problems.map(FieldProblemDTO.init), duplicate: nil)
                res.status = .unprocessableEntity
                return .refused(res)
            }
            // R1.6: warn and show the earlier order before saving a duplicate — also when the
            // "new" customer's number is already on file (that customer is who it will be),
            // inside the company of the order's branch.
            let company: UUID
            do { company = try await service.branch(for: input).companyID } catch let e as KefuError {
                let res = try await renderNew(req, form: form, errors: e.fields.isEmpty ? [.init(field: "branchCode", message: e.reason)] : e.fields, duplicate: nil)
                res.status = e.status
                return .refused(res)
            }
            var customerID = input.customerId.flatMap(UUID.init(uuidString:))
            if customerID == nil, let phone = input.customer?.phone {
                customerID = try await customers.find(phone: phone, company: company).first?.id
            }
            if form.confirmDuplicate != "yes", let cid = customerID, let type = input.type.flatMap(WorkOrderType.init(rawValue:)),
               let master = try await service.duplicateMasterOn(req.db, customerID: cid, type: type, company: company) {
                var f = form; f.confirmDuplicate = nil
                let res = try await renderNew(req, form: f, errors: [], duplicate: master)
                res.status = .conflict
                return .refused(res)
            }
            do {
                let created = try await service.create(input, actor: try req.user())
                guard let id = created.order.id else { throw KefuError.notFound("工单") }
                let location = "/work-orders/\(id.uuidString)"
                return .created(location, req.redirect(to: location, notice: "工单 \(created.order.number) 已创建"))
            } catch let e as KefuError {
                let res = try await renderNew(req, form: form, errors: e.fields.isEmpty ? [.init(field: "", message: e.reason)] : e.fields, duplicate: nil)
                res.status = e.status
                return .refused(res)
            }
        }
    }
}

extension String {
    var urlQueryEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? self
    }
}

