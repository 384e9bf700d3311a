import Vapor
import Fluent
import KefuCore

/// Customer archive pages. Opening one archive registers the read (查阅登记, R5.5).
struct CustomerPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.customerRead).get("customers", use: list)
        routes.requiring(.customerRead).get("customers", ":id", use: detail)
        routes.requiring(.customerWrite).post("customers", ":id", "profile", use: saveProfile)
    }

    struct Row: Encodable {
        var id: String; var name: String; var phone: String; var tier: String; var createdAt: String
        var company: String; var branch: String
    }
    struct ListContext: Encodable {
        var page: PageContext; var customers: [Row]; var q: String; var total: Int
        var tenantFilter: TenantFilterForm?; var tenantColumns: Bool
        var canTier: Bool
    }

    func list(req: Request) async throws -> View {
        let q = req.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let scope = try await req.orderScope()
        let filter = try await TenantFilter.resolve(req, tenant: scope.tenant)
        let labels = try await scope.tenant.labels()
        let query = scope.customers()
        filter.apply(query)
        if !q.isEmpty {
            let phone = Validation.normalizePhone(q)
            query.group(.or) { $0.filter(\.$name, .custom("LIKE"), "%\(q)%").filter(\.$phone, .custom("LIKE"), "%\(phone)%") }
        }
        let total = try await query.count()
        let rows = try await query.sort(\.$createdAt, .descending).limit(100).all()
        let tz = req.kefu.settings.timeZone
        return try await req.view.render("customers", ListContext(
            page: PageContext(req, user: try req.user(), title: "客户档案"),
            customers: try rows.map { Row(id: try $0.requireID().uuidString, name: $0.name, phone: Masking.phone($0.phone), tier: $0.tier.label,
                                      createdAt: PageFormat.dateTime($0.createdAt, tz), company: labels.companyName($0.companyID),
                                      branch: labels.branchName($0.branchID)) },
            q: q, total: total, tenantFilter: try await TenantFilterForm.make(scope.tenant, labels: labels, filter: filter),
            tenantColumns: labels.mixed, canTier: try req.user().can(.customerTiering)))
    }

    struct DetailContext: Encodable {
        var page: PageContext; var id: String; var name: String; var phone: String; var phone2: String?; var tier: String
        /// Masked always (R5.5): verification compares it; nobody needs to read it out.
        var idNumber: String?
        var kind: String; var kindLabel: String; var accountManager: String?; var tags: String; var notes: String?
        @NilIfEmpty var phones: [String]
        @NilIfEmpty var emails: [String]
        var kinds: [Choice]
        var address: String?; var orders: [WorkOrderRow]
        /// The archive's company and branch, named when the reader sees several companies.
        var company: String?; var branch: String?
        /// Links shown only to those who may open them.
        var canCreateOrder: Bool
        /// Change requests (R5.4): the form for those who may ask, the decision for team leads.
        var canRequestChange: Bool
        var canDecide: Bool
        @NilIfEmpty var changeRequests: [CustomerChangePages.Row]
        var failedVerifications: Int
        var methods: [Choice]
        /// Tier moves with their reasons (R5.2), newest first.
        @NilIfEmpty var tierChanges: [CustomerTierPages.ChangeRow]
        /// Orders, callbacks, calls, chats and QC contacts in time order (R5.1).
        @NilIfEmpty var history: [HistoryRow]
        /// The special-customers entry (R5.3), its visits and the customer's services.
        var special: SpecialCustomerAPI.EntryDTO?
        @NilIfEmpty var visits: [SpecialCustomerAPI.VisitDTO]
        @NilIfEmpty var products: [SpecialCustomerAPI.ProductDTO]
        var canKeepSpecial: Bool
        var categories: [Choice]
        var today: String
    }
    struct HistoryRow: Encodable { var kind: String; var label: String; var at: String; var title: String; var detail: String; var href: String? }

    static func historyRows(_ entries: [CustomerHistoryEntry], timeZone: TimeZone) -> [HistoryRow] {
        entries.map { HistoryRow(kind: $0.kind.rawValue, label: $0.kind.label, at: PageFormat.dateTime($0.at, timeZone), title: $0.title, detail: $0.detail, href: $0.href) }
    }

    func detail(req: Request) async throws -> View {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        let scope = try await req.orderScope()
        let reason = try req.archiveReadReason(fallback: "页面查阅")
        let c = try await scope.customer(id)
        let labels = try await scope.tenant.labels()
        try await req.logArchiveRead(c, channel: "page", reason: reason)
        let tz = req.kefu.settings.timeZone
        let orders = try await scope.orders().filter(\.$customer.$id == id).sort(\.$createdAt, .descending).limit(100).all()
        let user = try req.user()
        let history = try await CustomerHistoryReader(scope: scope, user: user, timeZone: req.kefu.settings.timeZone).entries(of: c)
        let contacts = try await scope.tenant.query(CustomerContact.self).filter(\.$customerID == id).sort(\.$createdAt).all()
        let special = SpecialCustomerService(scope: scope, now: req.now, timeZone: tz, actor: user.workId)
        let entry = try await special.entry(customerID: id)
        let changes = try await CustomerChangePages.rows(customerID: id, tenant: scope.tenant, timeZone: tz, sealer: req.kefu.sealer)
        let tiering = CustomerTiering(company: try await WorkforceCompany.of(c.companyID, in: scope.tenant), now: req.now, timeZone: tz)
        let policy = try await tiering.policy()
        let tierChanges = try await tiering.changes(customer: id, limit: 20, offset: 0, policy: policy).rows
        return try await req.view.render("customer", DetailContext(
            page: PageContext(req, user: user, title: "客户档案 · \(c.name)"), id: id.uuidString, name: c.name,
            phone: c.phone, phone2: c.phone2, tier: policy.label(c.tier), idNumber: try c.idNumber(req.kefu.sealer).map(Masking.idNumber),
            kind: c.kind.rawValue, kindLabel: c.kind.label, accountManager: c.accountManager,
            tags: CustomerContactRules.tags(c.tags ?? "").joined(separator: "、"), notes: c.notes,
            phones: contacts.filter { $0.kind == .phone }.map(\.value), emails: contacts.filter { $0.kind == .email }.map(\.value),
            kinds: CustomerKind.allCases.map { Choice(value: $0.rawValue, label: $0.label) }, address: c.address.map(\.singleLine),
            orders: orders.map { WorkOrderRow($0, now: req.now, timeZone: tz, labels: labels) },
            company: labels.mixed ? labels.companyName(c.companyID) : nil, branch: c.branchID.map { labels.branchName($0) },
            canCreateOrder: user.can(.workOrderWrite), canRequestChange: user.can(.customerWrite),
            canDecide: user.can(.customerChangeApprove), changeRequests: changes.rows, failedVerifications: changes.failed,
            methods: VerificationMethod.allCases.map { Choice(value: $0.rawValue, label: $0.label) },
            tierChanges: tierChanges.map { r in
                CustomerTierPages.ChangeRow(at: PageFormat.dateTime(r.at, tz), customerId: r.customerId.uuidString, customerName: r.customerName,
                                            from: r.fromLabel, to: r.toLabel, reason: r.reason, workId: r.workId == "system" ? "每月自动" : r.workId)
            },
            history: Self.historyRows(history, timeZone: tz),
            special: entry.map { SpecialCustomerAPI.EntryDTO($0, name: c.name, today: special.today) },
            visits: try await special.visits(customerID: id).map(SpecialCustomerAPI.VisitDTO.init),
            products: try await special.products(customerID: id).map { try SpecialCustomerAPI.ProductDTO($0, today: special.today) },
            canKeepSpecial: user.can(.specialCustomers),
            categories: SpecialCategory.allCases.map { Choice(value: $0.rawValue, label: $0.label) },
            today: special.today.description))
    }

    func saveProfile(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        struct Form: Content { var kind: String?; var accountManagerWorkId: String?; var tags: String?; var notes: String? }
        let f = try req.content.decode(Form.self)
        let location = "/customers/\(id.uuidString)"
        let input = CustomerProfileUpdate.Input(kind: f.kind, accountManagerWorkId: f.accountManagerWorkId,
                                                tags: f.tags.map { CustomerContactRules.tags($0) }, notes: f.notes)
        do {
            _ = try await CustomerProfileUpdate(scope: try await req.orderScope(), history: req.history(), now: req.now).apply(customerID: id, input)
            return req.redirect(to: location, notice: "客户信息已保存")
        } catch let e as KefuError where e.status != .notFound {
            return req.redirect(to: location, notice: SpecialCustomerPages.notice(e))
        }
    }
}
