import Vapor
import Fluent
import KefuCore

/// /api/v1/work-orders and /api/v1/supervision-orders.
struct WorkOrderAPI {
    func register(_ api: RoutesBuilder) {
        let read = api.requiring(.workOrderRead)
        read.get("work-orders", use: list)
        read.get("work-orders", ":id", use: show)
        read.get("work-orders", ":id", "timeline", use: timeline)
        read.get("work-orders", ":id", "supervision-orders", use: supervisionOfOrder)
        let write = api.requiring(.workOrderWrite)
        write.idempotent().post("work-orders", use: create)
        write.patch("work-orders", ":id", use: patch)
        write.post("work-orders", ":id", "reopen", use: reopen)
        api.requiring(.workOrderTransfer).idempotent().post("work-orders", ":id", "transfers", use: transfer)
        api.requiring(.callbackWrite).idempotent().post("work-orders", ":id", "callbacks", use: callback)
        api.requiring(.workOrderClose).post("work-orders", ":id", "close", use: close)
        api.requiring(.supervisionRead).get("supervision-orders", use: supervisionList)
        api.requiring(.receiptWrite).idempotent().post("supervision-orders", ":id", "receipt", use: receipt)
    }

    struct ListQuery: Content {
        var status: String?
        var type: String?
        var ownerWorkId: String?
        var customerId: String?
        var q: String?
        /// A report's drill-down (R10.1): channel, priority and the days taken (YYYY-MM-DD, the center's calendar).
        var channel: String?
        var priority: String?
        var from: String?
        var to: String?
        /// A report figure (`OrderOutcome`: fcr, sla_met, sla_breached, escalated, reopened,
        /// duplicate) or the department an order was handed to, read from the report's facts.
        var outcome: String?
        var department: String?
        var limit: Int?
        var offset: Int?
        /// Company and branch codes (R11 list filters).
        var company: String?
        var branch: String?
    }

    func list(req: Request) async throws -> Response {
        try req.refuseEmptyQuery("status", "type", "customerId", "company", "branch", "channel", "priority", "from", "to", "outcome", "department")
        let q = try req.query.decode(ListQuery.self)
        let scope = try await req.orderScope()
        let filter = try await TenantFilter.resolve(company: q.company, branch: q.branch, tenant: scope.tenant)
        let result = try await WorkOrderListQuery(filter: q, scope: scope, timeZone: req.kefu.settings.timeZone, tenantFilter: filter)
            .run(on: req.db, reads: req.leanReads)
        return try WorkOrderListDTO(items: result.items, total: result.total, limit: result.limit, offset: result.offset)
            .response(timeZone: req.kefu.settings.timeZone)
    }

    func show(req: Request) async throws -> Response {
        let service = WorkOrderService(req: req)
        return try WorkOrderDTO(try await service.find(try req.parameters.require("id")), labels: try await service.labels())
            .response(timeZone: req.kefu.settings.timeZone)
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(WorkOrderCreateInput.self)
        let service = WorkOrderService(req: req)
        let created = try await service.create(input, actor: try req.user())
        return try WorkOrderDTO(created.order, labels: created.labels).response(.created, timeZone: req.kefu.settings.timeZone)
    }

    func patch(req: Request) async throws -> WorkOrderDTO {
        let service = WorkOrderService(req: req)
        let order = try await service.find(try req.parameters.require("id"))
        let input = try req.content.decode(WorkOrderPatchInput.self)
        return WorkOrderDTO(try await service.update(order, input, actor: try req.user()), labels: try await service.labels())
    }

    func transfer(req: Request) async throws -> Response {
        let service = WorkOrderService(req: req)
        let order = try await service.find(try req.parameters.require("id"))
        let input = try req.content.decode(TransferInput.self)
        let res = Response(status: .created)
        switch try await service.transfer(order, input, actor: try req.user()) {
        case .supervision(let s): try res.content.encode(s)
        case .acceptance(let a): try res.content.encode(a)
        }
        return res
    }

    func supervisionOfOrder(req: Request) async throws -> ItemsDTO<SupervisionOrderDTO> {
        let service = WorkOrderService(req: req)
        let order = try await service.find(try req.parameters.require("id"))
        return ItemsDTO(items: try await service.supervisionDTOs(try await service.scope().supervisionOrders(of: order)))
    }

    struct SupervisionQuery: Content {
        var status: String?; var departmentId: String?
        /// Company and branch codes (R11 list filters); the branch is the work order's.
        var company: String?; var branch: String?
    }

    func supervisionList(req: Request) async throws -> ItemsDTO<SupervisionOrderDTO> {
        try req.refuseEmptyQuery("status", "departmentId", "company", "branch")
        let q = try req.query.decode(SupervisionQuery.self)
        let scope = try await req.orderScope()
        let query = scope.supervisionOrders()
        let filter = try await TenantFilter.resolve(company: q.company, branch: q.branch, tenant: scope.tenant)
        SupervisionPages.apply(filter, to: query)
        if let s = q.status, !s.isEmpty {
            guard ["open", "answered"].contains(s) else { throw KefuError.badRequest("未知的督办单状态：\(s)") }
            query.filter(\.$status == s)
        }
        if let d = q.departmentId, !d.isEmpty {
            guard let id = UUID(uuidString: d) else { throw KefuError.badRequest("departmentId 格式不正确") }
            query.filter(\.$department.$id == id)
        }
        let rows = try await query.sort(\.$deadline).limit(500).all()
        return ItemsDTO(items: try await WorkOrderService(req: req).supervisionDTOs(rows))
    }

    func receipt(req: Request) async throws -> SupervisionOrderDTO {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("督办单") }
        let input = try req.content.decode(ReceiptInput.self)
        return try await WorkOrderService(req: req).receipt(id, text: input.text, actor: try req.user())
    }

    func callback(req: Request) async throws -> Response {
        let service = WorkOrderService(req: req)
        let order = try await service.find(try req.parameters.require("id"))
        let input = try req.content.decode(CallbackInput.self)
        let dto = try await service.callback(order, input, actor: try req.user())
        let res = Response(status: .created)
        try res.content.encode(dto)
        return res
    }

    func close(req: Request) async throws -> WorkOrderDTO {
        let service = WorkOrderService(req: req)
        let order = try await service.find(try req.parameters.require("id"))
        return WorkOrderDTO(try await service.close(order, actor: try req.user()), labels: try await service.labels())
    }

    func reopen(req: Request) async throws -> WorkOrderDTO {
        let service = WorkOrderService(req: req)
        let order = try await service.find(try req.parameters.require("id"))
        // The body is optional; one that is sent must be the documented object, not ignored.
        let input = (req.body.data?.readableBytes ?? 0) > 0 ? try req.content.decode(ReopenInput.self) : ReopenInput()
        return WorkOrderDTO(try await service.reopen(order, reason: input.reason, actor: try req.user()), labels: try await service.labels())
    }

    func timeline(req: Request) async throws -> ItemsDTO<TimelineEventDTO> {
        let service = WorkOrderService(req: req)
        let order = try await service.find(try req.parameters.require("id"))
        return ItemsDTO(items: try await service.scope().timeline(of: order).map(TimelineEventDTO.init))
    }
}
