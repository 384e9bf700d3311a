import Vapor
import Fluent
import KefuCore

/// /api/v1/customers/{id}/change-requests (R5.4): ask for a change with the caller's
/// verification, list a customer's requests, and a team lead's approve or reject.
struct CustomerChangeAPI {
    func register(_ api: RoutesBuilder) {
        let one = api.grouped("customers", ":id", "change-requests")
        one.requiring(.customerWrite).idempotent().post(use: create)
        one.requiring(.customerRead).get(use: list)
        one.requiring(.customerChangeApprove).post(":requestId", "approve", use: approve)
        one.requiring(.customerChangeApprove).post(":requestId", "reject", use: reject)
    }

    struct RequestDTO: Content {
        var id: UUID
        var customerId: UUID
        var status: String
        var method: String
        var requestedBy: String
        var changes: CustomerChanges
        var before: CustomerChanges?
        var decidedBy: String?
        var decidedAt: Date?
        var decisionNote: String?
        var createdAt: Date

        /// Numbers in a request are the customer's: shown masked unless `full` (the reader of
        /// the record, whose read is registered).
        init(_ r: CustomerChangeRequest, full: Bool, sealer: FieldSealer) throws {
            id = try r.requireID(); customerId = r.customerID; status = r.status.rawValue; method = r.method.rawValue
            requestedBy = r.requestedBy; decidedBy = r.decidedBy; decidedAt = r.decidedAt; decisionNote = r.decisionNote
            createdAt = r.createdAt
            changes = try CustomerChanges.decode(r.changes, sealer)
            before = try r.before.map { try CustomerChanges.decode($0, sealer) }
            if !full { changes = changes.masked; before = before?.masked }
        }
    }
    struct ListDTO: Content {
        var items: [RequestDTO]
        /// Refused verifications of this customer (the count R5.4 asks to keep).
        var failedVerifications: Int
    }
    struct Created: Content { var id: UUID; var status: String }
    struct Decision: Content { var note: String? }

    func create(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        let input = try req.content.decode(CustomerChangeService.Input.self)
        let row = try await CustomerChangeService(req).request(customerID: id, input)
        let res = Response(status: .created)
        try res.content.encode(Created(id: try row.requireID(), status: row.status.rawValue))
        return res
    }

    func list(req: Request) async throws -> ListDTO {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        let tenant = try await req.tenant()
        let scope = try await req.orderScope()
        _ = try await scope.customer(id)
        let rows = try await tenant.query(CustomerChangeRequest.self).filter(\.$customerID == id).sort(\.$createdAt, .descending).limit(200).all()
        return ListDTO(items: try rows.filter { $0.status != .refused }.map { try RequestDTO($0, full: false, sealer: req.kefu.sealer) },
                       failedVerifications: rows.filter { $0.status == .refused }.count)
    }

    func approve(req: Request) async throws -> RequestDTO { try await decide(req, approve: true) }
    func reject(req: Request) async throws -> RequestDTO { try await decide(req, approve: false) }

    private func decide(_ req: Request, approve: Bool) async throws -> RequestDTO {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw KefuError.notFound("客户") }
        guard let requestID = req.parameters.get("requestId", as: UUID.self) else { throw KefuError.notFound("变更申请") }
        let decision = req.body.data == nil ? Decision() : try req.content.decode(Decision.self)
        let row = try await CustomerChangeService(req).decide(customerID: id, requestID: requestID, approve: approve, note: decision.note)
        return try RequestDTO(row, full: false, sealer: req.kefu.sealer)
    }
}

extension CustomerChanges {
    /// Phones and ID numbers masked (R5.5): a list of requests is not a read of the record.
    var masked: CustomerChanges {
        CustomerChanges(name: name, phone: phone.map(Masking.phone), phone2: phone2.map { $0.isEmpty ? $0 : Masking.phone($0) },
                        idNumber: idNumber.map { $0.isEmpty ? $0 : Masking.idNumber($0) }, address: address,
                        phones: phones.map { $0.map(Masking.phone) }, emails: emails.map { $0.map(Masking.email) })
    }
}
