import Vapor
import Fluent
import SQLKit
import KefuCore

/// The one place where KefuCore's `OrderVisibility` becomes queries, on top of the
/// request's company scope (`TenantData`, R11.2). Every read of orders, their timelines,
/// callbacks and supervision orders, and of the customers behind them, goes through here,
/// so a new route cannot forget either filter. A row outside the scope is answered as
/// missing (404), never as forbidden, so its existence does not leak.
struct OrderScope {
    let visibility: OrderVisibility
    let tenant: TenantData
    var db: Database { tenant.db }

    init(visibility: OrderVisibility, tenant: TenantData) {
        self.visibility = visibility
        self.tenant = tenant
    }

    // MARK: companies in raw SQL

    /// `table.company_id IN (…)` for the scope; nil when every company is in scope. An empty
    /// scope (nobody signed in) matches nothing.
    static func companyPredicate(_ scope: TenantScope, table: String) -> (any SQLExpression)? {
        guard let ids = scope.companyIDs else { return nil }
        if ids.isEmpty { return SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0")) }
        return SQLBinaryExpression(SQLColumn("company_id", table: table), .in, SQLBind.group(ids.sorted { $0.uuidString < $1.uuidString }))
    }

    // MARK: orders

    /// The condition on `work_orders` rows: the company scope and `OrderVisibility.includes`;
    /// nil when every order is visible. For raw SQL; Fluent reads use `orders()`.
    var orderPredicate: (any SQLExpression)? {
        switch (Self.companyPredicate(tenant.scope, table: WorkOrder.schema), visibilityPredicate) {
        case (nil, nil): return nil
        case (let c?, nil): return c
        case (nil, let v?): return v
        case (let c?, let v?): return SQLBinaryExpression(c, .and, v)
        }
    }

    /// `OrderVisibility.includes` alone, mirrored in SQL.
    var visibilityPredicate: (any SQLExpression)? {
        switch visibility {
        case .all:
            return nil
        case .none:
            return SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))
        case .department(let department):
            // EXISTS (a supervision order of this department for this order), probed per
            // order through the (company, work order) index, rather than IN (every order the
            // department was ever sent): that list, tens of thousands after a year, was built
            // on each request, also to show one order. Not closed = the active statuses as a
            // list, which the (company, status, …) index (M015) answers.
            var sent = SQLSelect()
            sent.columns = [SQLLiteral.numeric("1")]
            sent.tables = [SQLIdentifier(SupervisionOrder.schema)]
            sent.predicate = SQLBinaryExpression(
                SQLBinaryExpression(SQLColumn("work_order_id", table: SupervisionOrder.schema), .equal, SQLColumn("id", table: WorkOrder.schema)),
                .and,
                SQLBinaryExpression(SQLColumn("department_id", table: SupervisionOrder.schema), .equal, SQLBind(department)))
            return SQLBinaryExpression(
                SQLExists(query: sent),
                .and,
                SQLBinaryExpression(SQLColumn("status", table: WorkOrder.schema), .in,
                                    SQLBind.group(WorkOrderStatus.active.map(\.rawValue))))
        }
    }

    /// Visible orders, company scope first.
    func orders() -> QueryBuilder<WorkOrder> {
        let query = tenant.query(WorkOrder.self)
        if let p = visibilityPredicate { query.filter(.custom(p)) }
        return query
    }

    /// Finds a visible order by UUID or by its readable number (GD20261123-0001).
    func find(_ key: String) async throws -> WorkOrder {
        if let id = UUID(uuidString: key), let o = try await orders().filter(\.$id == id).first() { return o }
        if OrderNumber.looksLikeNumber(key), let o = try await orders().filter(\.$number == key.uppercased()).first() { return o }
        throw KefuError.notFound("工单")
    }

    // MARK: inside one order

    func supervisionOrders() -> QueryBuilder<SupervisionOrder> {
        let query = tenant.query(SupervisionOrder.self)
        switch visibility {
        case .all: break
        case .none: query.filter(.custom(SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))))
        case .department(let d): query.filter(\.$department.$id == d)
        }
        return query
    }

    func supervisionOrders(of order: WorkOrder) async throws -> [SupervisionOrder] {
        guard let id = order.id else { return [] }
        return try await supervisionOrders().filter(\.$workOrder.$id == id).with(\.$department).sort(\.$createdAt).all()
    }

    /// Timeline rows hang off an order this scope already found, so they carry no company.
    func timeline(of order: WorkOrder) async throws -> [TimelineEvent] {
        guard let id = order.id, tenant.scope.includes(order.companyID) else { return [] }
        let query = TimelineEvent.query(on: db).filter(\.$workOrderID == id)
        if case .department = visibility { query.filter(\.$kind ~~ Array(OrderVisibility.departmentTimelineKinds)) }
        return try await query.sort(\.$at).all().filter { visibility.showsTimelineEvent(kind: $0.kind) }
    }

    func callbacks(of order: WorkOrder) async throws -> [CallbackRecord] {
        guard visibility.showsCallbacks, let id = order.id, tenant.scope.includes(order.companyID) else { return [] }
        return try await CallbackRecord.query(on: db).filter(\.$workOrder.$id == id).sort(\.$createdAt).all()
    }

    // MARK: customers

    /// Customers follow orders: a department sees the customers of the orders it sees.
    var customerPredicate: (any SQLExpression)? {
        switch visibility {
        case .all:
            return nil
        case .none, .department:
            var theirs = SQLSelect()
            theirs.columns = [SQLColumn("customer_id", table: WorkOrder.schema)]
            theirs.tables = [SQLIdentifier(WorkOrder.schema)]
            theirs.predicate = orderPredicate
            return SQLBinaryExpression(SQLColumn("id", table: Customer.schema), .in, SQLSubquery(theirs))
        }
    }

    func customers() -> QueryBuilder<Customer> {
        let query = tenant.query(Customer.self)
        if let p = customerPredicate { query.filter(.custom(p)) }
        return query
    }

    func customer(_ id: UUID) async throws -> Customer {
        guard let c = try await customers().filter(\.$id == id).first() else { throw KefuError.notFound("客户") }
        return c
    }
}

/// `EXISTS (SELECT …)`: true when the subquery has a row.
struct SQLExists: SQLExpression {
    let query: SQLSelect

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("EXISTS ")
        SQLSubquery(query).serialize(to: &serializer)
    }
}

extension User {
    var orderVisibility: OrderVisibility { OrderVisibility.of(role: roleValue, departmentID: $department.id) }
}

extension Request {
    /// The signed-in person's order visibility inside the request's company scope.
    func orderScope() async throws -> OrderScope {
        OrderScope(visibility: auth.get(User.self).map(\.orderVisibility) ?? .none, tenant: try await tenant())
    }
}
