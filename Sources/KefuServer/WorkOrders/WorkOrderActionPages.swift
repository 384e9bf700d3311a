import Vapor
import Fluent
import KefuCore

/// The buttons on the order page. Each posts a small form, calls the same service as the
/// API, and on refusal shows the order again with the reason and the input kept.
struct WorkOrderActionPages {
    func register(_ routes: RoutesBuilder) {
        routes.requiring(.workOrderWrite).post("work-orders", ":id", "handover", use: handover)
        routes.requiring(.workOrderWrite).post("work-orders", ":id", "status", use: status)
        routes.requiring(.workOrderTransfer).post("work-orders", ":id", "transfer", use: transfer)
        routes.requiring(.callbackWrite).post("work-orders", ":id", "callback", use: callback)
        routes.requiring(.workOrderClose).post("work-orders", ":id", "close", use: close)
        routes.requiring(.workOrderWrite).post("work-orders", ":id", "reopen", use: reopen)
    }

    /// Runs an action; success redirects back with a notice, a refusal re-renders the page.
    /// An action that creates something names its form in `once`: it then runs once per
    /// one-time token, and a repeated submit lands on the order with a notice instead.
    func perform(_ req: Request, notice: String, once: String? = nil,
                 _ action: (WorkOrderService, WorkOrder, User, [String: String]) async throws -> Void) async throws -> Response {
        let service = WorkOrderService(req: req)
        let order = try await service.find(try req.parameters.require("id"))
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let orderID = try order.requireID().uuidString
        let location = "/work-orders/\(orderID)"
        func run() async throws -> OnceToken.Outcome {
            do {
                try await action(service, order, try req.user(), form)
                return .created(location, req.redirect(to: location, notice: notice))
            } catch let e as KefuError {
                let fresh = try await service.find(orderID)
                var kept = form; kept.removeValue(forKey: CSRFMiddleware.field); kept.removeValue(forKey: OnceToken.field)
                return .refused(try await WorkOrderDetailContext.render(req, order: fresh, error: e, form: kept))
            }
        }
        guard let once else { return try await run().response }
        return try await req.once(form: once, fallback: location, run)
    }

    func handover(req: Request) async throws -> Response {
        try await perform(req, notice: "已移交") { s, o, u, f in
            if (f["ownerWorkId"] ?? "").isEmpty { throw KefuError.invalid([.init(field: "ownerWorkId", message: "请选择接收人")]) }
            _ = try await s.update(o, WorkOrderPatchInput(ownerWorkId: f["ownerWorkId"], handoverReason: f["handoverReason"]), actor: u)
        }
    }

    func status(req: Request) async throws -> Response {
        try await perform(req, notice: "状态已更新") { s, o, u, f in
            _ = try await s.update(o, WorkOrderPatchInput(status: f["status"]), actor: u)
        }
    }

    func transfer(req: Request) async throws -> Response {
        try await perform(req, notice: "已转派", once: "work_order.transfer") { s, o, u, f in
            let tz = req.kefu.settings.timeZone
            let deadline = PageFormat.parseInput(f["deadline"], tz)
            if f["target"] != "shift_lead", let raw = f["deadline"], !raw.isEmpty, deadline == nil {
                throw KefuError.invalid([.init(field: "deadline", message: "督办时限格式不正确")])
            }
            _ = try await s.transfer(o, TransferInput(target: f["target"], departmentId: f["departmentId"], deadline: deadline, note: f["note"]), actor: u)
        }
    }

    func callback(req: Request) async throws -> Response {
        try await perform(req, notice: "回访已记录", once: "work_order.callback") { s, o, u, f in
            guard let r = f["reached"], ["yes", "no"].contains(r) else {
                throw KefuError.invalid([.init(field: "reached", message: "请说明是否联系上客户")])
            }
            let sat = f["satisfaction"].flatMap { Int($0) }
            _ = try await s.callback(o, CallbackInput(reached: r == "yes", satisfaction: sat, note: f["note"]), actor: u)
        }
    }

    func close(req: Request) async throws -> Response {
        try await perform(req, notice: "工单已关闭") { s, o, u, _ in _ = try await s.close(o, actor: u) }
    }

    func reopen(req: Request) async throws -> Response {
        try await perform(req, notice: "工单已重新打开") { s, o, u, f in _ = try await s.reopen(o, reason: f["reason"], actor: u) }
    }
}
